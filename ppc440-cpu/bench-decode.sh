#!/bin/sh
# The decode benchmark (JMH): ns per instruction word decoded into a decoded-page entry, and per word disassembled.
#   ppc440-cpu/bench-decode.sh                    # the defaults: 1 fork, 3 x 1 s warm-up, 5 x 1 s measurement
#   ppc440-cpu/bench-decode.sh -f 1 -wi 2 -i 3    # any JMH options
# Builds the module's test classes (offline) first; not part of `mvn test` or `mvn verify`. (bench.sh runs the
# interpreter benchmark.)
set -e
cd "$(dirname "$0")/.."
mvn -B -q -o -pl ppc440-cpu test-compile
mvn -B -q -o -pl ppc440-cpu dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "ppc440-cpu/target/test-classes:ppc440-cpu/target/classes:$(cat ppc440-cpu/target/bench.classpath)" \
    org.openjdk.jmh.Main 'org\.ppc440vm\.cpu\.bench\.DecodeBenchmark' "$@"
