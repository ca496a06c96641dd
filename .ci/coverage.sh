#!/usr/bin/env bash
# One line per module from JaCoCo's CSV report (written by `mvn verify`): line and branch coverage. No gate.
set -euo pipefail
cd "$(dirname "$0")/.."
for csv in */target/site/jacoco/jacoco.csv; do
  [ -f "$csv" ] || { echo "coverage: no JaCoCo report (run mvn verify first)"; exit 0; }
  awk -F, -v module="${csv%%/*}" 'NR > 1 { im += $4; ic += $5; bm += $6; bc += $7; lm += $8; lc += $9 }
    END {
      printf "coverage %-14s lines %5.1f%% (%d/%d)  branches %5.1f%% (%d/%d)  instructions %5.1f%%\n", module,
        (lm + lc) ? 100 * lc / (lm + lc) : 0, lc, lm + lc,
        (bm + bc) ? 100 * bc / (bm + bc) : 0, bc, bm + bc,
        (im + ic) ? 100 * ic / (im + ic) : 0
    }' "$csv"
done
