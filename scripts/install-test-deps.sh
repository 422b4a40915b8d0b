#!/usr/bin/env bash
# Installs what the test suite needs beyond Maven Central: Debian's redis-server/redis-sentinel/
# redis-tools (Redis integration tests and the rules-redis benchmark), chromium (the browser test)
# and the npm packages of the browser test. Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

need_apt=()
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v redis-sentinel >/dev/null || need_apt+=(redis-sentinel)
command -v redis-benchmark >/dev/null || need_apt+=(redis-tools)
[[ -x /usr/bin/chromium ]] || need_apt+=(chromium)
# Chinese glyphs in the browser test's screenshots (the test passes without them)
[[ -d /usr/share/fonts/truetype/wqy ]] || need_apt+=(fonts-wqy-microhei)
if (( ${#need_apt[@]} )); then
  echo "install-test-deps: apt-get install ${need_apt[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq >&2 || true
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >&2
fi
# the Debian package starts a system redis on 6379; tests start their own on free ports
if [[ -d examples/e2e && -f examples/e2e/package.json ]]; then
  if [[ ! -d examples/e2e/node_modules ]]; then
    echo "install-test-deps: npm ci in examples/e2e" >&2
    (cd examples/e2e && npm ci --no-audit --no-fund --loglevel=error) >&2
  fi
fi
