#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already there at the pinned version.
# Sourced by scripts/run and scripts/test. Nothing here downloads a binary from outside the package
# registries: cargo tools are compiled from crates.io, wasm-opt comes from npm's binaryen package.
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10      # 0.3.11 needs rustc >= 1.96
WASM_BINDGEN_VERSION=0.2.129     # must equal the wasm-bindgen crate pinned in Cargo.toml

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

have_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"; }

ensure_rust_tools() {
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! have_version cargo-leptos "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 14 minutes on 2 cores, once)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION" --features no_downloads
  fi
  if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes, once)"
    cargo install wasm-bindgen-cli --locked --version "$WASM_BINDGEN_VERSION"
  fi
}

# npm packages: Playwright for the browser tests, binaryen for wasm-opt in release builds.
ensure_npm_packages() {
  if [ ! -x end2end/node_modules/.bin/playwright ] || [ ! -x end2end/node_modules/.bin/wasm-opt ] \
     || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing npm packages in end2end/"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
  # cargo-leptos takes the first wasm-opt on PATH; binaryen from npm is known to work (Debian's 108 is not).
  export PATH="$PWD/end2end/node_modules/.bin:$PATH"
}

# Debian packages the build needs: OpenSSL headers for the Web Push encryption (web-push → ece).
ensure_build_packages() {
  local missing=()
  for pkg in libssl-dev pkg-config; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} (Debian packages)"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium for the browser tests"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
  fi
}
