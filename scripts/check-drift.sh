#!/usr/bin/env bash
# Regenerates everything derived from the spec (code in generated/, docs in docs/api and docs/site) and fails if that
# changed any of it (new files included).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent generate >/dev/null
npm run --silent docs >/dev/null
# Only work-tree changes count (second status column, or untracked): what is staged is what a commit would hold.
drift=$(git status --porcelain generated/ docs/api/ docs/site/ | awk 'substr($0, 2, 1) != " "')
if [ -n "$drift" ]; then
  echo "generated/ or docs/ is not what 'npm run generate && npm run docs' makes from openapi/; regenerate and commit:" >&2
  echo "$drift" >&2
  git --no-pager diff --stat generated/ docs/ >&2
  exit 1
fi
echo "generated/ and docs/ are in step with openapi/"
