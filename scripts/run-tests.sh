#!/usr/bin/env bash
# Runs node's test runner over the given tiers (unit, integration, e2e) through tsx.
# Node 20 has no glob support in --test, so the file list is built here.
set -euo pipefail
cd "$(dirname "$0")/.."
files=()
for tier in "$@"; do
  [ -d "test/$tier" ] || continue
  while IFS= read -r f; do files+=("$f"); done < <(find "test/$tier" -name '*.test.ts' | sort)
done
if [ "${#files[@]}" = 0 ]; then echo "no test files under: $*" >&2; exit 1; fi
echo "== tests: $* (${#files[@]} files)"
# Integration tests share one Docker engine on a 2-core machine: one file at a time keeps them honest.
exec node --import tsx --test --test-concurrency=1 --test-timeout=600000 \
  --test-reporter=spec "${files[@]}"
