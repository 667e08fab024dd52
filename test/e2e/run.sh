#!/usr/bin/env bash
# `npm run test:e2e`: the real-client end-to-end suites.
#   1. setup.sh: installs Neovim, code-server + Node 24, Debian's chromium into $DG_E2E_CACHE
#      (default ~/.cache/dg-e2e; idempotent: about 1 s when already there, about 4 min cold)
#   2. npm run package: builds the .vsix the VS Code suites install (test-results/e2e/dg-data-graph.vsix),
#      for this machine's platform, with its DuckDB runtime (server/scripts/package.mjs)
#   3. the suites: nvim (headless Neovim's LSP client), vscode-ui (code-server's UI driven through
#      chromium), vscode-api (extension-host tests through the VS Code API)
# Logs and screenshots: test-results/e2e/. Ends with the plain line "N passed, N failed" (all suites);
# exit 0 only if nothing failed. Env: DG_E2E_SUITES="nvim vscode-ui vscode-api" (a subset to run),
# DG_E2E_SKIP_SETUP=1, DG_E2E_TIMEOUT_MS (per wait, default 30000), KEEP_TMP=1 (keep the temp dirs).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
source "$HERE/lib.sh"
RESULTS=$ROOT/test-results/e2e
export DG_E2E_RESULTS=$RESULTS DG_VSIX=$RESULTS/dg-data-graph.vsix
SUITES=${DG_E2E_SUITES:-nvim vscode-ui vscode-api}
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
passed=0 failed=0
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
wants() { [[ " $SUITES " == *" $1 "* ]]; }

t=$(now)
if [ -z "${DG_E2E_SKIP_SETUP:-}" ]; then
  if ! "$HERE/setup.sh" 2>&1 | tee "$RESULTS/setup.log"; then
    echo "FAIL - setup (see test-results/e2e/setup.log)"; echo "0 passed, 1 failed"; exit 1
  fi
fi
echo "# setup: $(secs "$t") s"

if wants vscode-ui || wants vscode-api; then
  t=$(now)
  if (cd "$ROOT" && npm run --silent package -- --out "$DG_VSIX") >"$RESULTS/package.log" 2>&1; then
    echo "# package: $(secs "$t") s, $(grep -o 'Packaged: .*' "$RESULTS/package.log")"
    echo "# $(grep -o "staged DuckDB's runtime .*" "$RESULTS/package.log")"
  else
    cat "$RESULTS/package.log"; echo "FAIL - npm run package"; failed=$((failed + 1))
  fi
fi

# run_suite NAME COMMAND...: runs one suite, shows its output, adds its closing line to the totals
run_suite() {
  local name=$1; shift
  wants "$name" || return 0
  local t log=$RESULTS/$name.log
  t=$(now)
  echo "# --- $name"
  timeout -k 10 900 "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local sum
  sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
  if [ -z "$sum" ]; then
    echo "FAIL - $name: no closing line (exit code $rc)"; failed=$((failed + 1))
  else
    passed=$((passed + ${sum%% *})); local f=${sum#*, }; failed=$((failed + ${f%% *}))
    if [ "$rc" -ne 0 ] && [ "${f%% *}" -eq 0 ]; then echo "FAIL - $name: exit code $rc"; failed=$((failed + 1)); fi
  fi
  echo "# $name took $(secs "$t") s"
}

if [ -f "$DG_VSIX" ] || ! { wants vscode-ui || wants vscode-api; }; then
  run_suite nvim "$HERE/nvim/run.sh"
  run_suite vscode-ui node "$HERE/vscode/ui.mjs"
  run_suite vscode-api node "$HERE/vscode/run-exttests.mjs"
else
  run_suite nvim "$HERE/nvim/run.sh"
fi
echo "# screenshots: test-results/e2e/screenshots/"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
