#!/usr/bin/env bash
# Makes Debian's python3-grpcio and python3-protobuf importable by /usr/bin/python3, for the Python gRPC peer of
# tests/interop/python.test.ts. Installs them with apt-get when they are missing (as root, non-interactive, bounded
# in time; `apt-get update` only when the first install fails). Never fails: prints one closing line,
#   python-interop: ready
#   python-interop: skip: <reason>
# and exits 0, so CI goes on and the interop test skips itself with its own reason when the modules are missing.
# Usage: bash scripts/python-interop-deps.sh   (JINA_APT_TIMEOUT: seconds per apt-get call, default 300;
#        JINA_INTEROP_PYTHON: another interpreter, as the test takes it)
set -u

PYTHON="${JINA_INTEROP_PYTHON:-/usr/bin/python3}"   # Debian's python3, not a pyenv/venv build
PACKAGES=(python3-grpcio python3-protobuf)
LIMIT="${JINA_APT_TIMEOUT:-300}"

ready() { echo "python-interop: ready ($("$PYTHON" -c 'import grpc, google.protobuf as p; print("grpcio", grpc.__version__, "protobuf", p.__version__)'))"; exit 0; }
skip() { echo "python-interop: skip: $*"; exit 0; }
importable() { "$PYTHON" -c 'import grpc, google.protobuf' >/dev/null 2>&1; }

[ -x "$PYTHON" ] || skip "$PYTHON does not exist (the interop test needs Debian's python3)"
importable && ready
command -v apt-get >/dev/null 2>&1 || skip "apt-get is not available to install ${PACKAGES[*]}"
[ "$(id -u)" = 0 ] || skip "not root: cannot apt-get install ${PACKAGES[*]} (run: sudo apt-get install ${PACKAGES[*]})"

export DEBIAN_FRONTEND=noninteractive
install() {
  timeout --kill-after=10 "$LIMIT" apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "${PACKAGES[@]}"
}

echo "python-interop: installing ${PACKAGES[*]} with apt-get"
if ! install; then
  echo "python-interop: install failed; running apt-get update and trying again"
  timeout --kill-after=10 "$LIMIT" apt-get update -q || skip "apt-get update failed (no network to the Debian mirror?)"
  install || skip "apt-get install ${PACKAGES[*]} failed"
fi
importable || skip "${PACKAGES[*]} were installed but $PYTHON still cannot import grpc and google.protobuf"
ready
