#!/bin/sh
# The virtqueue benchmark (JMH): ns per request popped from and returned to a split virtqueue (mock driver).
#   bundles/virtio-mmio/bench.sh                      # the defaults: 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement
#   bundles/virtio-mmio/bench.sh -f 1 -wi 2 -i 3      # any JMH options, e.g. -prof gc for allocation per request
# Builds the module's test classes (offline) first; not part of `mvn test` or `mvn verify`.
set -e
cd "$(dirname "$0")/../.."
m=bundles/virtio-mmio
mvn -B -q -o -pl $m test-compile
mvn -B -q -o -pl $m dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "$m/target/test-classes:$m/target/classes:$(cat $m/target/bench.classpath)" \
    org.openjdk.jmh.Main 'org\.ppc440vm\.virtio\.bench\..*' "$@"
