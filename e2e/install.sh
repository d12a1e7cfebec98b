#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Set up the browser test harness: Debian's Chromium (no browser download)
# and the pinned npm packages. Idempotent; used by CI and new developers.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ ! -x /usr/bin/chromium ]; then
  echo "e2e/install.sh: installing Debian chromium" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "e2e/install.sh: node (>= 20) and npm are required" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "e2e/install.sh: node >= 20 required (found $(node --version))" >&2
  exit 1
fi

# playwright-core never downloads a browser; we drive /usr/bin/chromium.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
echo "e2e/install.sh: ready ($(/usr/bin/chromium --version 2>/dev/null | head -n1), node $(node --version))" >&2
