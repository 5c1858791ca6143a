#!/bin/sh
# The exit round-trip benchmark (JMH): ns per privileged instruction trapped into Vcpu440 and emulated, against the
# same loop without traps.
#   kvm-core/bench.sh                      # the defaults: 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement
#   kvm-core/bench.sh -f 1 -wi 2 -i 3      # any JMH options
# Builds the kvm-core module's test classes (offline) first; not part of `mvn test` or `mvn verify`.
set -e
cd "$(dirname "$0")/.."
mvn -B -q -o -pl kvm-core test-compile
mvn -B -q -o -pl kvm-core dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "kvm-core/target/test-classes:kvm-core/target/classes:$(cat kvm-core/target/bench.classpath)" \
    org.openjdk.jmh.Main 'org\.ppc440vm\.kvm\.bench\..*' "$@"
