#!/usr/bin/env bash
# Provides Neovim for the headless LSP test and prints its path (last line of stdout). Idempotent.
# NVIM_RELEASE=trixie (default) or sid: downloads that Debian release's neovim and its whole dependency
# closure, including that release's glibc (bookworm's 2.36 is too old for it), with `apt-get download`
# into separate apt lists/cache dirs (the system's apt state is not touched), unpacks each package with
# `dpkg -x` (never `dpkg -i`) and writes a wrapper that runs nvim through that glibc's ld-linux.
# NVIM_RELEASE=bookworm: `apt-get install neovim` (0.7.2). About 10 MB, 5 to 15 s cold.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/../lib.sh"
REL=$NVIM_RELEASE
if [ "$REL" = bookworm ]; then
  if ! command -v nvim >/dev/null; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq neovim >/dev/null
  fi
  command -v nvim; exit 0
fi
DEST=$DG_E2E_CACHE/nvim-$REL
export XDG_STATE_HOME="$DEST/state" XDG_CACHE_HOME="$DEST/cache-xdg" # our own `nvim --version` writes nothing to ~
if [ -x "$DEST/nvim" ] && "$DEST/nvim" --version >/dev/null 2>&1; then echo "$DEST/nvim"; exit 0; fi
e2e_log "neovim ($REL) via apt-get download -> $DEST"
rm -rf "$DEST"
mkdir -p "$DEST/lists/partial" "$DEST/cache/archives/partial" "$DEST/debs" "$DEST/root"
# the Debian archive this machine's apt already uses
MIRROR=${DG_DEBIAN_MIRROR:-$( { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
  grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'; } | grep -E '/debian/?$' | head -n 1 || true)}
[ -n "$MIRROR" ] || { echo "setup-nvim: no Debian archive in the apt sources; set DG_DEBIAN_MIRROR" >&2; exit 1; }
echo "deb $MIRROR $REL main" > "$DEST/sources.list"
O=(-oDir::State::Lists="$DEST/lists" -oDir::Etc::SourceList="$DEST/sources.list" -oDir::Etc::SourceParts=/dev/null
   -oDir::Cache="$DEST/cache" -oAPT::Sandbox::User=root -oDebug::NoLocking=1)
apt-get "${O[@]}" update -qq
PKGS=$(apt-cache "${O[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
         --no-replaces --no-enhances neovim | grep -v '^[ <]' | sort -u |
       grep -vE '^(gcc-[0-9]+-base|libc-gconv-modules-extra|debconf.*)$')
(cd "$DEST/debs" && apt-get "${O[@]}" download $PKGS >/dev/null)
for d in "$DEST"/debs/*.deb; do dpkg -x "$d" "$DEST/root"; done
rm -rf "$DEST/debs" "$DEST/cache" "$DEST/lists"
cat > "$DEST/nvim.tmp" <<WRAP
#!/bin/sh
# Debian $REL's neovim, run with $REL's own glibc (bookworm's is too old for it)
G="$DEST/root"; L="\$G/usr/lib/x86_64-linux-gnu"
export VIMRUNTIME="\$G/usr/share/nvim/runtime"
exec "\$L/ld-linux-x86-64.so.2" --library-path "\$L" "\$G/usr/bin/nvim" "\$@"
WRAP
chmod +x "$DEST/nvim.tmp" && mv "$DEST/nvim.tmp" "$DEST/nvim"   # the wrapper appears last: its presence means done
"$DEST/nvim" --version | head -1 >&2
echo "$DEST/nvim"
