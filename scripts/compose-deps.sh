#!/usr/bin/env bash
# Installs Debian's docker-compose for tests/deploy/export.test.ts (`docker-compose config -q` on every exported
# compose file). Installs it with apt-get when missing (as root, non-interactive, bounded in time; `apt-get update`
# only when the first install fails). Never fails: prints one closing line,
#   compose-deps: ready (docker-compose version …)
#   compose-deps: skip: <reason>
# and exits 0, so CI goes on and the test skips itself by name with its own reason.
# Usage: bash scripts/compose-deps.sh   (JINA_APT_TIMEOUT: seconds per apt-get call, default 300)
set -u
LIMIT="${JINA_APT_TIMEOUT:-300}"

ready() { echo "compose-deps: ready ($(docker-compose version --short 2>/dev/null || echo installed))"; exit 0; }
skip() { echo "compose-deps: skip: $*"; exit 0; }

command -v docker-compose >/dev/null 2>&1 && ready
command -v apt-get >/dev/null 2>&1 || skip "apt-get is not available to install docker-compose"
[ "$(id -u)" = 0 ] || skip "not root: cannot apt-get install docker-compose (run: sudo apt-get install docker-compose)"

export DEBIAN_FRONTEND=noninteractive
install() { timeout --kill-after=10 "$LIMIT" apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 docker-compose; }
echo "compose-deps: installing docker-compose with apt-get"
if ! install; then
  echo "compose-deps: install failed; running apt-get update and trying again"
  timeout --kill-after=10 "$LIMIT" apt-get update -q || skip "apt-get update failed (no network to the Debian mirror?)"
  install || skip "apt-get install docker-compose failed"
fi
command -v docker-compose >/dev/null 2>&1 || skip "docker-compose was installed but is not on PATH"
ready
