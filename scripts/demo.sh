#!/usr/bin/env bash
# `npm run demo`: from a fresh clone to a Demo workspace with a sample warehouse, CleverTap and
# Customer.io sandboxes and four ready syncs, on http://localhost:${PORT:-3000}. Installs and builds like
# scripts/quickstart.sh (DEMO_SKIP_INSTALL=1 / DEMO_SKIP_BUILD=1 reuse what is there), then hands over to
# scripts/demo/start-demo.ts. Data lives in ./.demo; delete it to start over.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PUPPETEER_SKIP_DOWNLOAD=1
export PRISMA_SCHEMA_ENGINE_BINARY=${PRISMA_SCHEMA_ENGINE_BINARY:-$(command -v node)}
export NEXT_TELEMETRY_DISABLED=1
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

if [[ -z ${DEMO_SKIP_INSTALL:-} ]]; then
  echo "==== installing dependencies"
  bash scripts/install-dependencies.sh
fi
if [[ -z ${DEMO_SKIP_BUILD:-} || ! -f .next/BUILD_ID ]]; then
  echo "==== building"
  npx --no-install next build
fi

echo "==== starting the sandboxes and the app"
exec npx --no-install tsx --conditions=react-server scripts/demo/start-demo.ts
