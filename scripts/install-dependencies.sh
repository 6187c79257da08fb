#!/usr/bin/env bash
# Installs the npm dependencies pinned by package-lock.json. Nothing may download a binary of its own:
# browsers come from Debian, and Prisma's schema engine is WebAssembly.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PUPPETEER_SKIP_DOWNLOAD=1
export PRISMA_SCHEMA_ENGINE_BINARY=${PRISMA_SCHEMA_ENGINE_BINARY:-$(command -v node)}
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

if [[ ! -f package-lock.json ]]; then
  npm install
  exit 0
fi
# npm 11 writes lock files without other platforms' optional packages and then refuses them in
# `npm ci` ("Missing: … from lock file"). `npm install --no-save` installs the same pinned versions.
if ! npm ci; then
  echo "npm ci refused the lock file; installing the same pinned versions with npm install --no-save"
  npm install --no-save
fi
