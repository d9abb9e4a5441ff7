#!/usr/bin/env bash
# Installs what the build and the tests need, and nothing when it is all there: Debian packages
# (apt-get update + install only when one is missing) and the npm packages of wasm/, web/,
# demo/ and server/openapi-test/ (npm ci where a package-lock.json exists). Only Debian's and
# npm's registries are used.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(cmake g++ clang libclang-rt-14-dev nlohmann-json3-dev libboost-dev libcpp-httplib-dev
          libssl-dev libsqlite3-dev libgtest-dev libbenchmark-dev emscripten chromium clang-format
          faketime   # faketime: server/bench/member_growth.py moves the server's clock by days
          libpq-dev postgresql   # the server's PostgreSQL store; its tests run a throwaway cluster
          nginx-light)           # deploy/nginx.conf; the proxy tests run it in front of two servers

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
# Node may come from another Debian-format repository (nodesource ships npm inside nodejs, and
# Debian's npm package conflicts with it): ask for nodejs/npm only when the commands are absent.
command -v node >/dev/null 2>&1 || installed nodejs || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  echo "install-deps: apt-get install ${missing[*]}"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then SUDO=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q "${missing[@]}"
else
  echo "install-deps: Debian packages present"
fi

# npm ci wipes node_modules, so it runs only when the lock file changed since the last install
# (npm records the installed tree in node_modules/.package-lock.json) or when forced.
for dir in wasm web demo server/openapi-test; do
  [[ -f $dir/package-lock.json ]] || continue
  stamp=$dir/node_modules/.package-lock.json
  if [[ ${LOYALTY_FORCE_NPM_CI:-0} == 1 || ! -f $stamp || $dir/package-lock.json -nt $stamp || $dir/package.json -nt $stamp ]]; then
    echo "install-deps: npm ci in $dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  else
    echo "install-deps: $dir/node_modules up to date"
  fi
done
