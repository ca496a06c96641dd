#!/usr/bin/env bash
# Runs dev.doco.oci.bench.PullBenchmark (a harness, not a test): doco vs oras pull vs skopeo copy on a
# ~50 MB / 2,000-file artifact from the loopback registry, then a 1 GiB extraction with -Xmx64m.
# Needs the peers (.ci/peers.sh start) and a built module (mvn -o -q install -pl doco-oci -am -DskipTests).
# Usage: doco-oci/src/test/bench/run-pull-benchmark.sh [runs] [registry] [nobig]
set -euo pipefail
cd "$(dirname "$0")/../../.."
mvn -B -o -q test-compile
mvn -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
PEERS_FILE="${DOCO_PEERS_FILE:-/tmp/doco-peers/peers.properties}"
prop() { sed -n "s/^$1=//p" "$PEERS_FILE" 2>/dev/null | head -1; }
ORAS="$(prop oras)"; SKOPEO="$(prop skopeo)"
exec java -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  dev.doco.oci.bench.PullBenchmark "${1:-5}" "${2:-127.0.0.1:5000}" "${ORAS:-oras}" "${SKOPEO:-skopeo}" ${3:-}
