#!/usr/bin/env bash
# Runs node's test runner over the given tiers (unit, integration, e2e) through tsx.
# Node 20 has no glob support in --test, so the file list is built here. A tier that is named but
# missing or empty fails the run: a test command that skips silently says more than it tested.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" = 0 ]; then echo "name the tiers to run, e.g. scripts/run-tests.sh unit integration" >&2; exit 1; fi
files=()
for tier in "$@"; do
  if [ ! -d "test/$tier" ]; then echo "test tier '$tier' does not exist: test/$tier is missing (remove it from the command, or add its tests)" >&2; exit 1; fi
  count=0
  while IFS= read -r f; do files+=("$f"); count=$((count + 1)); done < <(find "test/$tier" -name '*.test.ts' | sort)
  if [ "$count" = 0 ]; then echo "test tier '$tier' has no *.test.ts files under test/$tier" >&2; exit 1; fi
done
echo "== tests: $* (${#files[@]} files)"
# Integration tests share one Docker engine on a 2-core machine: one file at a time keeps them honest.
# The timeout bounds a hang, not a speed: node applies it to each file as a whole too, and the
# deploy-rollback file (nine real deploys and rollbacks) took over 10 min on this machine at load 15.
# Beside spec, a reporter that ends the run with the slowest files: the cost of each test stays visible.
exec node --import tsx --test --test-concurrency=1 --test-timeout=1500000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./scripts/slowest-files-reporter.mjs --test-reporter-destination=stdout \
  "${files[@]}"
