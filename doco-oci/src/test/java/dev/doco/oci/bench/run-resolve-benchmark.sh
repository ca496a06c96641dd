#!/usr/bin/env bash
# Resolve benchmark (doco RegistryClient vs oras resolve vs skopeo inspect --raw) on the loopback registry.
# Needs the peers: .ci/peers.sh start. Usage: run-resolve-benchmark.sh [TAGS]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/../../../../../../../.."   # repository root
mvn -B -q -o test-compile -pl doco-oci
CP="$(mvn -B -q -o -pl doco-oci dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)"
exec java -cp "doco-oci/target/test-classes:doco-oci/target/classes:$CP" dev.doco.oci.bench.ResolveBenchmark "${1:-200}"
