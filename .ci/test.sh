#!/usr/bin/env bash
# The README's test command: installs and starts the real peers (Docker engine, Compose v2, registries,
# cosign, oras, skopeo), then runs every unit test (surefire, *Test) and integration test (failsafe, *IT).
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -B -ntp verify "$@"
