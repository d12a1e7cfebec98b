#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Trainings benchmark (issue 14, point 11): 10 sessions of 20 seats with
# waiting lists and 100 promeneurs, seeded through the API (seed.py) on a
# fresh SQLite base; then, in the same run, wrk against
#   - nginx serving static files of the very same bytes (the baseline),
#   - the registration page of one session, GET /formations/sessions/{id},
#     as the promeneur (its own account, registered to that session),
#   - the list of open sessions, GET /formations, as the same promeneur,
# each at 32 connections (req/s) and at one connection (p50).
# Targets (issue 14): >= 2 400 req/s at 32 connections (200 times pretix's
# 11.8 req/s), p50 <= 5 ms at one connection.
#
# Environment:
#   PROMENEURS_BIN  use this binary instead of building the release one
#   DURATION        seconds per wrk run (default 10)
#   CONNECTIONS     wrk connections for the throughput (default 32)
#   THREADS         wrk threads (default 2)
#   STRICT=1        exit 1 when a target is missed (default: report only)
#   KEEP=1          keep the temporary directory
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
TARGET_RPS=2400
TARGET_P50_MS=5

# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"

need_apt=()
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || need_apt+=(nginx)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
apt_install "${need_apt[@]}"
NGINX="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"

release_binary

WORK="$(mktemp -d /tmp/promeneurs-bench-trainings.XXXXXX)"
PID=""
NGINX_PID=""
cleanup() {
    local rc=$?
    if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
    if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -QUIT "$NGINX_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

DATA="$WORK/data"
OUT="$WORK/out"
mkdir -p "$DATA" "$OUT" "$WORK/www"
cli() { timeout 300 "$BIN" --data-dir "$DATA" "$@"; }

cli migrate >"$OUT/migrate.log" 2>&1 || { cat "$OUT/migrate.log" >&2; die "migrate failed"; }
echo "promeneurs-bench-trainings" | cli user add --password-stdin --email coordination@bench.test \
    --name Coordination --role coordinator --department 03 >/dev/null 2>&1
STAFF_TOKEN="$(cli token new --email coordination@bench.test | tail -n 1)"

PORT="$(free_port)"
"$BIN" --data-dir "$DATA" serve --bind "127.0.0.1:$PORT" --no-worker >"$OUT/server.log" 2>&1 &
PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do curl -sf -o /dev/null "$URL/readyz" && break; sleep 0.1; done
curl -sf -o /dev/null "$URL/readyz" || { tail -n 30 "$OUT/server.log" >&2; die "server not ready"; }

log "seeding through the API (seed.py)"
timeout 600 python3 "$HERE/seed.py" "$URL" "$STAFF_TOKEN" "$OUT" >&2
PROMENEUR="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["promeneur_email"])' "$OUT/seed.json")"
SESSION="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sessions"][0])' "$OUT/seed.json")"
# The promeneur's own account (opened by the API, activated by e-mail):
# the benchmark reads its pages with an API token, as bench/lists does.
TOKEN="$(cli token new --email "$PROMENEUR" | tail -n 1)"
AUTH="Authorization: Bearer $TOKEN"

PAGES=("session /formations/sessions/$SESSION" "list /formations")
for p in "${PAGES[@]}"; do
    read -r name path <<<"$p"
    code="$(curl -s -o "$WORK/www/$name.html" -w '%{http_code}' -H "$AUTH" "$URL$path")"
    [ "$code" = 200 ] || die "$path answered $code"
    log "$name: $(wc -c <"$WORK/www/$name.html") bytes"
done
grep -q "Mon inscription" "$WORK/www/session.html" || die "the promeneur's registration is not on the page"

NPORT="$(free_port)"
nginx_static "$WORK" "$NPORT" 'default_type "text/html; charset=utf-8";'
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
NGINX_PID=$!
NURL="http://127.0.0.1:$NPORT"
for _ in $(seq 100); do curl -sf -o /dev/null "$NURL/list.html" && break; sleep 0.1; done
curl -sf "$NURL/session.html" | cmp -s - "$WORK/www/session.html" || die "nginx does not serve the same bytes"

# wrk_run NAME URL CONNECTIONS [header]: req/s and p50 (ms) of one run.
wrk_run() {
    local name=$1 url=$2 conns=$3 threads=$THREADS
    shift 3
    [ "$conns" -lt "$threads" ] && threads=$conns
    timeout $((DURATION + 30)) wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency "$@" "$url" >"$OUT/$name.wrk"
    awk '
        $1 == "Requests/sec:" { rps = $2 }
        $1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; p50 = v }
        /Non-2xx/ { err += $NF }
        /Socket errors/ { err += 1 }
        END { printf "%s %s %d\n", rps, p50, err }' "$OUT/$name.wrk"
}

log "warming up"
wrk -t1 -c4 -d2s -H "$AUTH" "$URL/formations" >/dev/null 2>&1 || true
wrk -t1 -c4 -d2s "$NURL/list.html" >/dev/null 2>&1 || true

RESULTS="$OUT/results.txt"
: >"$RESULTS"
for p in "${PAGES[@]}"; do
    read -r name path <<<"$p"
    for conns in "$CONNECTIONS" 1; do
        log "$name, $conns connection(s): nginx"
        read -r n_rps n_p50 n_err < <(wrk_run "nginx-$name-c$conns" "$NURL/$name.html" "$conns")
        log "$name, $conns connection(s): ours"
        read -r o_rps o_p50 o_err < <(wrk_run "ours-$name-c$conns" "$URL$path" "$conns" -H "$AUTH")
        echo "$name $conns $(wc -c <"$WORK/www/$name.html") $n_rps $n_p50 $n_err $o_rps $o_p50 $o_err" >>"$RESULTS"
    done
done

set +e
python3 - "$RESULTS" "$TARGET_RPS" "$TARGET_P50_MS" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
target_rps, target_p50 = float(sys.argv[2]), float(sys.argv[3])
print()
print(f"{'page':<8} {'conns':>5} {'bytes':>6} | {'nginx req/s':>11} {'p50 ms':>7} | {'ours req/s':>10} {'p50 ms':>7} {'errors':>6} | {'ratio':>6}  verdict")
ok = True
for name, conns, size, n_rps, n_p50, n_err, o_rps, o_p50, o_err in rows:
    conns, n_rps, n_p50, o_rps, o_p50 = int(conns), float(n_rps), float(n_p50), float(o_rps), float(o_p50)
    errors = int(n_err) + int(o_err)
    ratio = o_rps / n_rps if n_rps else float("nan")
    fails = []
    if conns == 1 and not o_p50 <= target_p50:
        fails.append(f"p50 > {target_p50:g} ms")
    if conns > 1 and not o_rps >= target_rps:
        fails.append(f"< {target_rps:g} req/s")
    if errors:
        fails.append(f"{errors} errors")
    ok = ok and not fails
    verdict = "PASS" if not fails else "FAIL (" + ", ".join(fails) + ")"
    print(f"{name:<8} {conns:>5} {size:>6} | {n_rps:>11.0f} {n_p50:>7.2f} | {o_rps:>10.0f} {o_p50:>7.2f} {o_err:>6} | {ratio:>6.1%}  {verdict}")
print()
print(f"targets: >= {target_rps:g} req/s at 32 connections, p50 <= {target_p50:g} ms at one connection (ratio: ours / nginx, same bytes)")
print("OVERALL:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
rc=$?
set -e
echo "wrk: -t$THREADS, ${DURATION}s per run; machine: $(nproc) cores, $(uname -srm); $(date -u +%Y-%m-%dT%H:%MZ)"
if [ "${STRICT:-0}" = 1 ]; then exit "$rc"; fi
exit 0
