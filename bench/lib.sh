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
