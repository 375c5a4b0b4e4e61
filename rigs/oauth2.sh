#!/usr/bin/env bash
# OAuth2 authorization server for tests: npm oauth2-mock-server 9.3.0 on 127.0.0.1:<port>, with
# the Entra ID behaviour of rigs/oauth2-mock.mjs (token claims, rotating and revocable refresh
# tokens, test-control endpoints).
#
# Usage: rigs/oauth2.sh <port> [npm-cache-dir]
#
# Installs the package into the cache folder (default: target/rigs/npm at the top of the
# workspace) when it is not there yet, then runs rigs/oauth2-mock.mjs in the foreground with
# `exec`, so the caller's process id is the server's and the caller stops it by that id.
# Node 20 runs it, although the package declares "node ^22.12" (npm prints EBADENGINE only).
set -euo pipefail

port="${1:?usage: rigs/oauth2.sh <port> [npm-cache-dir]}"
top="$(cd "$(dirname "$0")/.." && pwd)"
cache="${2:-$top/target/rigs/npm}"
version="9.3.0"
# npm resolves '..' by name, the kernel through symlinks: hand npm the physical path.
mkdir -p "$cache"
cache="$(cd "$cache" && pwd -P)"

case "$port" in
  ''|*[!0-9]*) echo "oauth2.sh: port must be a number, got '$port'" >&2; exit 2 ;;
esac

command -v node >/dev/null || { echo "oauth2.sh: node is not installed" >&2; exit 127; }
command -v npm >/dev/null || { echo "oauth2.sh: npm is not installed" >&2; exit 127; }

bin="$cache/node_modules/.bin/oauth2-mock-server"
installed="$cache/node_modules/oauth2-mock-server/package.json"
if [ ! -x "$bin" ] || ! grep -q "\"version\": \"$version\"" "$installed" 2>/dev/null; then
  # One installer at a time: test binaries running side by side share the cache folder.
  exec 9>"$cache/.install.lock"
  flock 9
  if [ ! -x "$bin" ] || ! grep -q "\"version\": \"$version\"" "$installed" 2>/dev/null; then
    npm install --prefix "$cache" --no-audit --no-fund --no-save --loglevel=error \
      "oauth2-mock-server@$version" >&2
  fi
  exec 9>&-
fi

exec node "$top/rigs/oauth2-mock.mjs" "$port" "$cache"
