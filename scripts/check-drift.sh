#!/usr/bin/env bash
# Regenerates everything derived from the spec and fails if that changed generated/ (new files included).
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent generate >/dev/null
# Only work-tree changes count (second status column, or untracked): what is staged is what a commit would hold.
drift=$(git status --porcelain generated/ | awk 'substr($0, 2, 1) != " "')
if [ -n "$drift" ]; then
  echo "generated/ is not what 'npm run generate' makes from openapi/; regenerate and commit:" >&2
  echo "$drift" >&2
  git --no-pager diff --stat generated/ >&2
  exit 1
fi
echo "generated/ is in step with openapi/"
