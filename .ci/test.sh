#!/usr/bin/env bash
# The README's test command: installs and starts the real peers (Docker engine, Compose v2, three registries,
# cosign, oras, skopeo, a test image) with .ci/peers.sh, then runs every unit test (surefire, *Test) and
# integration test (failsafe, *IT) of the whole reactor. Peers this run started are stopped when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOCO_PEERS_SESSION
DOCO_PEERS_SESSION="$(mktemp -t doco-peers-session.XXXXXX)"
cleanup() {
  local rc=$?
  .ci/peers.sh stop || true
  rm -f "$DOCO_PEERS_SESSION"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

peers_start=$SECONDS
.ci/peers.sh start
echo "peers ready in $((SECONDS - peers_start)) s"
eval "$(.ci/peers.sh env)" # tools dir on PATH, DOCO_PEERS_FILE for dev.doco.core.testing.Peers

mvn -B -ntp verify "$@"
