# SPDX-License-Identifier: AGPL-3.0-or-later
#
# What the benchmarks share, sourced by bench/*/run.sh (which set REPO):
# messages, the Debian packages they need, the release binary they measure.

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# apt_install PKG...: installs the packages given (root only).
apt_install() {
    [ "$#" -gt 0 ] || return 0
    log "installing $*"
    [ "$(id -u)" = 0 ] || die "need root to apt-get install $*"
    timeout 300 apt-get update -qq
    DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq "$@" >/dev/null
}

# Sets BIN: $PROMENEURS_BIN, or the release binary built in
# $CARGO_TARGET_DIR (default: the repository's target/).
release_binary() {
    if [ -n "${PROMENEURS_BIN:-}" ]; then
        BIN="$PROMENEURS_BIN"
    else
        local target_dir="${CARGO_TARGET_DIR:-$REPO/target}"
        log "building the release binary (CARGO_TARGET_DIR=$target_dir)"
        (cd "$REPO" && CARGO_TARGET_DIR="$target_dir" timeout 1800 cargo build --release -q -p promeneurs)
        BIN="$target_dir/release/promeneurs"
    fi
    [ -x "$BIN" ] || die "no binary at $BIN"
}

# nginx_static WORK PORT [SERVER_LINES]: writes $WORK/nginx/nginx.conf for
# an nginx serving $WORK/www on 127.0.0.1:PORT (the baselines' static
# files; SERVER_LINES go inside its server block), ready for
# `nginx -p $WORK/nginx -c $WORK/nginx/nginx.conf`.
nginx_static() {
    local work="$1" port="$2" extra="${3:-}"
    chmod 755 "$work" "$work/www"
    chmod 644 "$work/www"/*
    mkdir -p "$work/nginx"
    cat >"$work/nginx/nginx.conf" <<NGX
user www-data;
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:$port;
        root $work/www;
        $extra
    }
}
NGX
}
