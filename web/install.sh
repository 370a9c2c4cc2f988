#!/bin/sh
# Installs the browser runtime for on-device prediction: LiteRT.js from npm (pinned by
# package-lock.json), then copies the few files the page loads into ondevice/vendor/ (never
# committed). Without npm the app still runs and predicts on the server; the Predict page says why.
# Under CI a failed install is an error; elsewhere it is a warning.
set -u
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: on-device prediction is off (the app predicts on the server)." >&2
  [ -z "${CI:-}" ] || exit 1
  exit 0
fi
if ! npm ci --no-audit --no-fund --loglevel=error; then
  echo "npm ci failed: on-device prediction is off (the app predicts on the server)." >&2
  [ -z "${CI:-}" ] || exit 1
  exit 0
fi
core=node_modules/@litertjs/core
vendor=ondevice/vendor
rm -rf "$vendor" && mkdir -p "$vendor"
# The ES module and its one helper; of the four Wasm builds only the plain one (relaxed SIMD) and its
# compat twin (older browsers): the threaded build needs cross-origin isolation, JSPI only WebNN.
cp "$core/dist/index.js" "$vendor/litert.js"
cp node_modules/@litertjs/wasm-utils/dist/index.js "$vendor/wasm-utils.js"
for name in litert_wasm_internal litert_wasm_compat_internal; do
  cp "$core/wasm/$name.js" "$core/wasm/$name.wasm" "$vendor/"
done
# The bundles name source maps that are not copied; drop the comment so browsers do not ask for them.
sed -i.bak '/^\/\/# sourceMappingURL=/d' "$vendor/litert.js" "$vendor/wasm-utils.js" && rm -f "$vendor"/*.bak
touch "$vendor/.installed"
