#!/usr/bin/env bash
# From a fresh clone to a running server: installs dependencies, builds, and starts Tidewater on
# http://localhost:${PORT:-3000}. It needs no database server: without DATABASE_URL the app uses an
# embedded PostgreSQL (PGlite) in ./.data, applies its migrations at start and generates its secrets
# into ./.data/secrets.json (back that file up).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Nothing may download a binary of its own: Prisma's schema engine is WASM, browsers are only for tests.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PUPPETEER_SKIP_DOWNLOAD=1
export PRISMA_SCHEMA_ENGINE_BINARY=${PRISMA_SCHEMA_ENGINE_BINARY:-$(command -v node)}
export NEXT_TELEMETRY_DISABLED=1
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

port=${PORT:-3000}
# next-auth builds its callback URLs from this; without it they point at port 3000.
export NEXTAUTH_URL=${NEXTAUTH_URL:-http://localhost:$port}

echo "==== installing dependencies"
bash scripts/install-dependencies.sh

echo "==== building"
npx --no-install next build

echo "==== starting"
echo "Tidewater: http://localhost:$port  (data in ${DATA_DIR:-./.data}; Ctrl-C to stop)"
exec npx --no-install next start -p "$port"
