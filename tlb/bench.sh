#!/bin/sh
# The TLB benchmarks (JMH): ns per translation on the hit path, and per refill on the miss path.
#   tlb/bench.sh                      # the defaults: 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement
#   tlb/bench.sh -f 1 -wi 2 -i 3      # any JMH options
# Builds the tlb module's test classes (offline) first; not part of `mvn test` or `mvn verify`.
set -e
cd "$(dirname "$0")/.."
mvn -B -q -o -pl tlb test-compile
mvn -B -q -o -pl tlb dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "tlb/target/test-classes:tlb/target/classes:$(cat tlb/target/bench.classpath)" \
    org.openjdk.jmh.Main 'org\.ppc440vm\.tlb\.bench\..*' "$@"
