#!/usr/bin/env bash
# The one test command (README, .ci/run): provision what is missing, then lint, typecheck,
# unit and integration tests. Every tier named here must exist (run-tests.sh fails otherwise);
# the Slack end-to-end tier (test/e2e) joins this line when its tests land.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision.sh
echo "== lint";      npx eslint .
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
bash scripts/run-tests.sh unit integration
