#!/bin/sh
# Runs the interpreter's JMH benchmark (guest MIPS on a tight integer loop and on a mixed workload).
# Not part of the normal test run. Extra arguments go to JMH, e.g. a short run:
#   ppc440-cpu/bench.sh -f 2 -wi 3 -i 3
# The score unit is ops/us = millions of guest instructions per second.
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -pl ppc440-cpu -am install -DskipTests
mvn -B -q -pl ppc440-cpu test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
cp="ppc440-cpu/target/test-classes:ppc440-cpu/target/classes:$(cat ppc440-cpu/target/bench.classpath)"
exec java -cp "$cp" org.openjdk.jmh.Main 'org.ppc440vm.cpu.bench.InterpreterBenchmark' "$@"
