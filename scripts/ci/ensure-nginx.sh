#!/usr/bin/env bash
# Makes sure nginx is installed for `npm run test:scale` (test/scale/proxy.test.ts runs it as the proxy in front of
# two app instances). Debian/Ubuntu: installs Debian's nginx package when no nginx binary is found; the package's
# own service is not needed (the test starts nginx itself under a temp prefix) and is stopped if the package
# started it. Source it and call ensure_nginx (as .ci/run does), or run it: bash scripts/ci/ensure-nginx.sh
# Exit status: 0 when nginx is there afterwards, 1 otherwise.

find_nginx() {
  command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }
}

ensure_nginx() {
  local bin
  bin="$(find_nginx)"
  if [ -z "$bin" ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
      echo "ensure-nginx: nginx is missing and there is no apt-get; install nginx by hand" >&2
      return 1
    fi
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "ensure-nginx: installing Debian's nginx package" >&2
    # policy-rc.d may refuse to start the service in a container: that is fine, the test starts its own nginx.
    if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends nginx >/dev/null 2>&1; then
      $sudo apt-get update >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends nginx >/dev/null || return 1
    fi
    # Where the package did start its default site (port 80), stop it: the test needs no system nginx.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
      $sudo systemctl stop nginx || true
    elif [ -f /run/nginx.pid ]; then
      $sudo nginx -s quit 2>/dev/null || true
    fi
    bin="$(find_nginx)"
  fi
  if [ -z "$bin" ]; then
    echo "ensure-nginx: nginx still not found after installing" >&2
    return 1
  fi
  echo "ensure-nginx: $("$bin" -v 2>&1) at $bin" >&2
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  ensure_nginx
fi
