#!/bin/sh
# Runs dev.doco.verify.bench.VerifyBench (needs the peers: .ci/peers.sh start).
# Usage: doco-verify/src/test/bench/run-verify-bench.sh   (from the repository root)
set -eu
cd "$(dirname "$0")/../../.."
mvn -B -o -q test-compile -Dspotless.check.skip=true
mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" dev.doco.verify.bench.VerifyBench "$@"
