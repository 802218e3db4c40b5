#!/usr/bin/env bash
# Installs the Debian packages the test harness needs, when they are missing:
#   chromium      headless browser that drives code-server and the webview tests
#   libkrb5-dev   headers for code-server's `kerberos` native module
#   ripgrep       /usr/bin/rg, packed into @vscode/ripgrep's download cache (no GitHub here)
#   build-essential python3   node-gyp builds of code-server's native modules
#   python3-torch python3-numpy libopenblas0-pthread   running and checking the user's own
#                 PyTorch/numpy cells (lstm-lab check); without OpenBLAS torch uses the slow reference BLAS
#   clang lld     rebuild fast-lstm's wasm kernel to check the committed binary (scripts/build-kernels.mjs)
# Usage: bash scripts/vscode/ensure-deps.sh   (as root, or with sudo available)
set -euo pipefail

packages=(chromium libkrb5-dev ripgrep build-essential python3 ca-certificates python3-torch python3-numpy libopenblas0-pthread clang lld)
missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "ensure-deps: all Debian packages present (${packages[*]})"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "ensure-deps: missing ${missing[*]}; run this script as root (apt-get needs it)" >&2
    exit 1
  fi
else
  SUDO=
fi

# Another process (a colleague's install) may hold the dpkg lock: wait for it rather than fail.
apt_retry() {
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 "$@"; then return 0; fi
    echo "ensure-deps: apt-get $1 failed (attempt $attempt), retrying in 10 s" >&2
    sleep 10
  done
  return 1
}

echo "ensure-deps: installing ${missing[*]}"
apt_retry update -qq
apt_retry install -y -qq --no-install-recommends "${missing[@]}"
echo "ensure-deps: done"
