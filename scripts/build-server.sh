#!/usr/bin/env bash
# Bundles a server entry point and its dependencies into one ES module: `npm start`'s prestart (src/main.ts ->
# dist/server/main.mjs) and the bench's server (bench/server.ts -> dist/bench/server.mjs).
#
# Dependencies go into the bundle too, not only src/: resolving and reading a few hundred files of node_modules was
# about a quarter of the start (spawn to first answer about 690 ms with them external, 505 ms bundled, measured in
# alternated turns). The banner gives the bundled CommonJS packages a `require` for Node's built-in modules, which
# esbuild's ES module output lacks; `--sources-content=false` keeps the source map small (stack traces still name
# the source files and lines).
set -euo pipefail
entry="$1"
outfile="$2"
cd "$(dirname "$0")/.."
exec node_modules/.bin/esbuild "$entry" --bundle --platform=node --format=esm --sourcemap --sources-content=false \
  "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" \
  --outfile="$outfile" --log-level=warning
