#!/usr/bin/env bash
# The Neovim suite: headless Neovim (its built-in LSP client) against the real bundled language server
# (`server/bin/dg-language-server.js --stdio`, i.e. server/out/server.js) on examples/.
#   run.sh [NVIM_BIN]    (default: the one setup-nvim.sh installs)
# Isolated: every XDG dir points into a temp dir (removed afterwards), so nothing lands in $HOME.
# Prints nvim's stderr and the tail of lsp.log on failure. Exit 0 only if every check passed.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
source "$HERE/../lib.sh"
NVIM=${1:-$NVIM_BIN}
[ -x "$NVIM" ] || { echo "FAIL - nvim: no Neovim at $NVIM (run test/e2e/setup.sh)"; echo "0 passed, 1 failed"; exit 1; }
[ -f "$ROOT/server/out/server.js" ] || { echo "FAIL - nvim: server/out/server.js missing (npm run build)"; echo "0 passed, 1 failed"; exit 1; }
export DG_EXAMPLES=$ROOT/examples
export DG_SERVER_CMD="${DG_SERVER_CMD:-node $ROOT/server/bin/dg-language-server.js --stdio}"
ISO=$(mktemp -d -t dg-nvim-XXXXXX)
trap 'rm -rf "$ISO"' EXIT
export XDG_CONFIG_HOME=$ISO/config XDG_DATA_HOME=$ISO/data XDG_STATE_HOME=$ISO/state XDG_CACHE_HOME=$ISO/cache
# the guard timeout only matters if nvim itself hangs; every wait inside the test has its own timeout
TMPDIR=$ISO timeout -k 5 120 "$NVIM" --headless -u NONE -i NONE -n -c "luafile $HERE/lsp_e2e.lua" 2>"$ISO/stderr" | tee "$ISO/stdout"
rc=${PIPESTATUS[0]}
if [ $rc -ne 0 ]; then
  [ $rc -eq 124 ] && echo "FAIL - nvim: timed out after 120 s"
  echo "--- nvim stderr"; cat "$ISO/stderr"; echo
  echo "--- lsp.log (tail)"; tail -50 "$ISO/state/nvim/lsp.log" 2>/dev/null
fi
# everything started here inherited TMPDIR=$ISO: nothing may still run (the server stops with nvim)
for _ in $(seq 50); do
  left=$(grep -lzx "TMPDIR=$ISO" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true)
  [ -z "$left" ] && break
  sleep 0.1   # polls the condition "no process left", up to 5 s
done
sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$ISO/stdout" | tail -1)
p=${sum%% *}; f=${sum#*, }; f=${f%% *}
[ -z "$sum" ] && { p=0; f=1; }
if [ -n "$left" ]; then
  echo "FAIL - nvim: processes left behind, killed: $(echo $left)"; kill -9 $left 2>/dev/null; f=$((f + 1)); rc=1
fi
[ -n "$left" ] || [ -z "$sum" ] && echo "$p passed, $f failed"
exit $rc
