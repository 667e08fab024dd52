#!/usr/bin/env bash
# Installs both real clients into $DG_E2E_CACHE (default ~/.cache/dg-e2e). Idempotent; a lock keeps two
# runs from installing at the same time. Cold: about 5 min (mostly code-server); warm: about 1 s.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh"
mkdir -p "$DG_E2E_CACHE"
exec 9>"$DG_E2E_CACHE/.setup.lock"
flock 9
"$HERE/nvim/setup-nvim.sh" >/dev/null
"$HERE/vscode/setup-code-server.sh"
