#!/usr/bin/env bash
# The one test command (README, .ci/run): provision what is missing, then lint, typecheck,
# unit, integration and Slack end-to-end (test/e2e) tests. Every tier named here must exist
# (run-tests.sh fails otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision.sh
echo "== lint";      npx eslint .
echo "== direction"; npx depcruise src --config .dependency-cruiser.cjs --output-type err
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
bash scripts/run-tests.sh unit integration e2e
