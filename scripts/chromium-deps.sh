#!/usr/bin/env bash
# Installs Debian's chromium for the playground's browser test (tests/playground/browser.test.ts, driven by
# playwright-core) when it is missing: as root, non-interactive, `apt-get update` first, bounded in time. Never
# fails: prints one closing line,
#   chromium: ready (<version>)
#   chromium: skip: <reason>
# and exits 0, so CI goes on and the browser test skips itself by name when chromium is missing.
# Usage: bash scripts/chromium-deps.sh   (JINA_APT_TIMEOUT: seconds per apt-get call, default 600)
set -u

LIMIT="${JINA_APT_TIMEOUT:-600}"
ready() { echo "chromium: ready ($(chromium --version 2>/dev/null | head -1))"; exit 0; }
skip() { echo "chromium: skip: $*"; exit 0; }

command -v chromium >/dev/null 2>&1 && ready
command -v apt-get >/dev/null 2>&1 || skip "apt-get is not available to install chromium"
[ "$(id -u)" = 0 ] || skip "not root: cannot apt-get install chromium (run: sudo apt-get install chromium)"

export DEBIAN_FRONTEND=noninteractive
echo "chromium: installing with apt-get"
timeout --kill-after=10 "$LIMIT" apt-get update -q || skip "apt-get update failed (no network to the Debian mirror?)"
timeout --kill-after=10 "$LIMIT" apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 chromium || skip "apt-get install chromium failed"
command -v chromium >/dev/null 2>&1 || skip "chromium was installed but is not on PATH"
ready
