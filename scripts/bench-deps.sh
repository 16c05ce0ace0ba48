#!/usr/bin/env bash
# Installs what `npm run bench` uses beyond npm packages: Debian's nats-server, the NATS broker of the Moleculer
# baseline in bench/pipeline.ts. As root, non-interactive, bounded in time; never fails (without nats-server the
# bench runs Moleculer on its TCP transporter and says so). Prints one closing line: `bench-deps: ready|skip: why`.
set -u
command -v nats-server >/dev/null 2>&1 && { echo "bench-deps: ready ($(nats-server --version))"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "bench-deps: skip: not root, cannot apt-get install nats-server"; exit 0; }
LIMIT="${JINA_APT_TIMEOUT:-300}"
export DEBIAN_FRONTEND=noninteractive
timeout "$LIMIT" apt-get install -y -q nats-server >/dev/null 2>&1 ||
  { timeout "$LIMIT" apt-get update -q >/dev/null 2>&1; timeout "$LIMIT" apt-get install -y -q nats-server >/dev/null 2>&1; }
command -v nats-server >/dev/null 2>&1 && echo "bench-deps: ready ($(nats-server --version))" || echo "bench-deps: skip: apt-get could not install nats-server"
exit 0
