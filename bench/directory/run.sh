#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Directory benchmark: 10 000 public promeneurs, wrk (2 threads, 32
# connections) against the public directory (JSON API and HTML page) and,
# in the same run, against nginx serving a static file of the very same
# bytes. Prints req/s, p99 latency, the ratio ours / nginx, and PASS/FAIL
# against the targets (>= 50 % of nginx, p99 <= 10 ms).
#
# Everything stays on 127.0.0.1 and every step is bounded in time.
#
# Environment:
#   PROMENEURS_BIN  use this binary instead of building the release one
#   DURATION        seconds per wrk run (default 10)
#   CONNECTIONS     wrk connections (default 32)
#   THREADS         wrk threads (default 2)
#   ROUNDS          how many times the four measurements are repeated (default 1)
#   PROMENEURS      how many promeneurs to generate (default 10000)
#   COMMUNE         INSEE code of the origin commune (default 03310, Vichy)
#   EXTRA_QUERY     appended to both query strings, e.g. "&limit=10"
#   MISS=0          skip the informational "-miss" rows: the same pages from a
#                   second server started with --directory-cache 0, so that
#                   every request is computed (the cost of a cache miss)
#   FLOOR=0         skip the informational row: our /healthz (the cost of the
#                   HTTP stack and middleware alone), compared with nginx JSON
#   STRICT=1        exit 1 when a target is missed (default: report only)
#   KEEP=1          keep the temporary directory (data, logs, wrk outputs)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-1}"
PROMENEURS="${PROMENEURS:-10000}"
COMMUNE="${COMMUNE:-03310}"
EXTRA_QUERY="${EXTRA_QUERY:-}"
TARGET_RATIO="0.50"
TARGET_P99_MS="10"

# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"

# ---------------------------------------------------------------- tools
need_apt=()
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || need_apt+=(nginx)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
apt_install "${need_apt[@]}"
NGINX="$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)"
command -v python3 >/dev/null 2>&1 || die "python3 is needed"

# ---------------------------------------------------------------- binary
release_binary

# ---------------------------------------------------------------- cleanup
WORK="$(mktemp -d /tmp/promeneurs-bench.XXXXXX)"
SERVER_PID=""
MISS_PID=""
NGINX_PID=""
cleanup() {
    local rc=$?
    for pid in "$SERVER_PID" "$MISS_PID"; do
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [ -n "$NGINX_PID" ] && kill -0 "$NGINX_PID" 2>/dev/null; then
        kill -QUIT "$NGINX_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
    if [ "${KEEP:-0}" = 1 ]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

now_s() { date +%s.%N; }

# ---------------------------------------------------------------- data
DATA="$WORK/data"
mkdir -p "$DATA" "$WORK/csv" "$WORK/www" "$WORK/out"
log "generating $PROMENEURS promeneurs"
python3 "$HERE/gen.py" "$WORK/csv" --promeneurs "$PROMENEURS"

timeout 120 "$BIN" --data-dir "$DATA" migrate >"$WORK/out/migrate.log" 2>&1 \
    || { cat "$WORK/out/migrate.log" >&2; die "migrate failed"; }

t0=$(now_s)
timeout 600 "$BIN" --data-dir "$DATA" import structures "$WORK/csv/structures.csv" \
    >"$WORK/out/import-structures.log" 2>&1 \
    || { tail -n 30 "$WORK/out/import-structures.log" >&2; die "structures import failed"; }
t1=$(now_s)
timeout 900 "$BIN" --data-dir "$DATA" import promeneurs "$WORK/csv/promeneurs.csv" \
    >"$WORK/out/import-promeneurs.log" 2>&1 \
    || { tail -n 30 "$WORK/out/import-promeneurs.log" >&2; die "promeneurs import failed"; }
t2=$(now_s)
STRUCT_ROWS=$(($(wc -l <"$WORK/csv/structures.csv") - 1))
IMPORT_S_STRUCT=$(python3 -c "print(f'{$t1-$t0:.2f}')")
IMPORT_S_PROM=$(python3 -c "print(f'{$t2-$t1:.2f}')")
log "import: $STRUCT_ROWS structures in ${IMPORT_S_STRUCT} s, $PROMENEURS promeneurs in ${IMPORT_S_PROM} s"

# ---------------------------------------------------------------- server
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
"$BIN" --data-dir "$DATA" serve --bind "127.0.0.1:$PORT" --no-worker \
    >"$WORK/out/server.log" 2>&1 &
SERVER_PID=$!
ready=0
for _ in $(seq 300); do
    if curl -fsS -o /dev/null --max-time 2 "$BASE/readyz" 2>/dev/null; then ready=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
[ "$ready" = 1 ] || { tail -n 30 "$WORK/out/server.log" >&2; die "server not ready on $BASE"; }
log "server ready on $BASE (pid $SERVER_PID)"

# A second server on the same data, keeping no answer: every request is
# computed (the "-miss" rows).
if [ "${MISS:-1}" = 1 ]; then
    MPORT=$(free_port)
    MBASE="http://127.0.0.1:$MPORT"
    "$BIN" --data-dir "$DATA" serve --bind "127.0.0.1:$MPORT" --no-worker --directory-cache 0 \
        >"$WORK/out/server-nocache.log" 2>&1 &
    MISS_PID=$!
    ready=0
    for _ in $(seq 300); do
        if curl -fsS -o /dev/null --max-time 2 "$MBASE/readyz" 2>/dev/null; then ready=1; break; fi
        kill -0 "$MISS_PID" 2>/dev/null || break
        sleep 0.1
    done
    [ "$ready" = 1 ] || { tail -n 30 "$WORK/out/server-nocache.log" >&2; die "server without cache not ready on $MBASE"; }
    log "server without cache ready on $MBASE (pid $MISS_PID)"
fi

JSON_PATH="/api/v1/public/promeneurs?commune=$COMMUNE$EXTRA_QUERY"
HTML_PATH="/annuaire?commune=$COMMUNE$EXTRA_QUERY"

# Fetches one URL of ours: body to $2, status and content type printed.
fetch() {
    curl -sS --max-time 10 -o "$2" -w '%{http_code} %{content_type}\n' "$BASE$1"
}
read -r JSON_STATUS JSON_CT < <(fetch "$JSON_PATH" "$WORK/www/promeneurs.json")
[ "$JSON_STATUS" = 200 ] || die "GET $JSON_PATH gave $JSON_STATUS"
JSON_TOTAL=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"], len(d["items"]))' "$WORK/www/promeneurs.json")
log "JSON: $(wc -c <"$WORK/www/promeneurs.json") bytes, total and items: $JSON_TOTAL, type: $JSON_CT"
[ "${JSON_TOTAL%% *}" = "$PROMENEURS" ] || log "WARNING: total is not $PROMENEURS: not every promeneur is public?"

read -r HTML_STATUS HTML_CT < <(fetch "$HTML_PATH" "$WORK/www/annuaire.html")
HTML_OK=0
if [ "$HTML_STATUS" = 200 ]; then
    HTML_OK=1
    log "HTML: $(wc -c <"$WORK/www/annuaire.html") bytes, type: $HTML_CT"
else
    log "HTML: GET $HTML_PATH gave $HTML_STATUS: measuring the JSON only"
fi

# ---------------------------------------------------------------- nginx
NPORT=$(free_port)
nginx_static "$WORK" "$NPORT" "location = /promeneurs.json { types { } default_type \"$JSON_CT\"; }
        location = /annuaire.html { types { } default_type \"${HTML_CT:-text/html}\"; }"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
NGINX_PID=$!
NBASE="http://127.0.0.1:$NPORT"
ready=0
for _ in $(seq 100); do
    if curl -fsS -o /dev/null --max-time 2 "$NBASE/promeneurs.json" 2>/dev/null; then ready=1; break; fi
    kill -0 "$NGINX_PID" 2>/dev/null || break
    sleep 0.1
done
[ "$ready" = 1 ] || { cat "$WORK/nginx/error.log" >&2; die "nginx not ready on $NBASE"; }
curl -fsS --max-time 5 "$NBASE/promeneurs.json" | cmp -s - "$WORK/www/promeneurs.json" \
    || die "nginx does not serve the same JSON bytes"
log "nginx ready on $NBASE (pid $NGINX_PID)"

# ---------------------------------------------------------------- measure
# CPU time (clock ticks) used so far by the given processes (all their threads).
cpu_ticks() {
    local total=0 p f
    for p in "$@"; do
        [ -r "/proc/$p/stat" ] || continue
        # Fields after the command name: utime is 14, stime 15.
        f=$(sed 's/^.*) //' "/proc/$p/stat")
        set -- $f
        total=$((total + ${12} + ${13}))
    done
    echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)

# Runs wrk; prints "req_per_s p99_ms errors cpu_us_per_req".
measure() {
    local url=$1 out=$2 pids=$3 before after
    before=$(cpu_ticks $($pids))
    timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s \
        --latency "$url" >"$out" 2>&1 || true
    after=$(cpu_ticks $($pids))
    python3 - "$out" "$((after - before))" "$CLK_TCK" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
ticks, hz = int(sys.argv[2]), int(sys.argv[3])
rps = re.search(r"Requests/sec:\s*([\d.]+)", text)
p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
total = re.search(r"(\d+) requests in", text)
errors = 0
for m in re.finditer(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text):
    errors += sum(int(x) for x in m.groups())
m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if m:
    errors += int(m.group(1))
if not rps or not p99 or not total:
    print("nan nan nan nan")
    sys.exit()
scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
n = int(total.group(1))
cpu_us = ticks / hz * 1e6 / n if n else float("nan")
print(f"{float(rps.group(1)):.0f} {float(p99.group(1)) * scale:.2f} {errors} {cpu_us:.0f}")
PY
}
# The processes whose CPU time is counted (nginx: master and workers).
nginx_list() { echo "$NGINX_PID"; pgrep -P "$NGINX_PID" 2>/dev/null || true; }
our_list() { echo "$SERVER_PID"; }
miss_list() { echo "$MISS_PID"; }

if [ "${MISS:-1}" = 1 ]; then
    curl -sS --max-time 10 "$MBASE$JSON_PATH" | cmp -s - "$WORK/www/promeneurs.json" \
        || log "WARNING: the JSON of the server without cache differs from the saved one"
    if [ "$HTML_OK" = 1 ]; then
        curl -sS --max-time 10 "$MBASE$HTML_PATH" | cmp -s - "$WORK/www/annuaire.html" \
            || log "WARNING: the HTML of the server without cache differs from the saved one"
    fi
fi

log "warming up"
timeout 30 wrk -t1 -c4 -d2s "$NBASE/promeneurs.json" >/dev/null 2>&1 || true
timeout 30 wrk -t1 -c4 -d3s "$BASE$JSON_PATH" >/dev/null 2>&1 || true
if [ "$HTML_OK" = 1 ]; then
    timeout 30 wrk -t1 -c4 -d2s "$NBASE/annuaire.html" >/dev/null 2>&1 || true
    timeout 30 wrk -t1 -c4 -d3s "$BASE$HTML_PATH" >/dev/null 2>&1 || true
fi

RESULTS="$WORK/out/results.txt"
: >"$RESULTS"
for round in $(seq "$ROUNDS"); do
    for kind in json html; do
        if [ "$kind" = html ] && [ "$HTML_OK" != 1 ]; then continue; fi
        if [ "$kind" = json ]; then nurl="$NBASE/promeneurs.json"; ourl="$BASE$JSON_PATH"
        else nurl="$NBASE/annuaire.html"; ourl="$BASE$HTML_PATH"; fi
        log "round $round: nginx $kind"
        read -r n_rps n_p99 n_err n_cpu < <(measure "$nurl" "$WORK/out/wrk-$round-nginx-$kind.txt" nginx_list)
        log "round $round: ours $kind"
        read -r o_rps o_p99 o_err o_cpu < <(measure "$ourl" "$WORK/out/wrk-$round-ours-$kind.txt" our_list)
        echo "$round $kind $n_rps $n_p99 $n_err $n_cpu $o_rps $o_p99 $o_err $o_cpu" >>"$RESULTS"
        if [ "$kind" = json ]; then JSON_NGINX="$n_rps $n_p99 $n_err $n_cpu"; fi
        if [ "${MISS:-1}" = 1 ]; then
            log "round $round: ours $kind, every request a cache miss"
            read -r o_rps o_p99 o_err o_cpu < <(measure "${ourl/$BASE/$MBASE}" "$WORK/out/wrk-$round-ours-$kind-miss.txt" miss_list)
            echo "$round $kind-miss $n_rps $n_p99 $n_err $n_cpu $o_rps $o_p99 $o_err $o_cpu" >>"$RESULTS"
        fi
    done
    if [ "${FLOOR:-1}" = 1 ]; then
        log "round $round: ours /healthz (floor)"
        read -r o_rps o_p99 o_err o_cpu < <(measure "$BASE/healthz" "$WORK/out/wrk-$round-ours-healthz.txt" our_list)
        echo "$round floor $JSON_NGINX $o_rps $o_p99 $o_err $o_cpu" >>"$RESULTS"
    fi
done

# ---------------------------------------------------------------- report
JSON_BYTES=$(wc -c <"$WORK/www/promeneurs.json")
HTML_BYTES=$([ "$HTML_OK" = 1 ] && wc -c <"$WORK/www/annuaire.html" || echo 0)
set +e
python3 - "$RESULTS" "$TARGET_RATIO" "$TARGET_P99_MS" "$JSON_BYTES" "$HTML_BYTES" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
target_ratio, target_p99 = float(sys.argv[2]), float(sys.argv[3])
size = {"json": int(sys.argv[4]), "html": int(sys.argv[5]), "floor": 2}
size["json-miss"], size["html-miss"] = size["json"], size["html"]
print()
print(f"{'round':>5} {'target':<9} {'bytes':>7} | {'nginx req/s':>11} {'p99 ms':>7} {'cpu us/req':>10} | "
      f"{'ours req/s':>10} {'p99 ms':>7} {'cpu us/req':>10} {'errors':>6} | {'ratio':>6}  verdict")
ok = True
for r in rows:
    rnd, kind = r[0], r[1]
    n_rps, n_p99, n_err, n_cpu, o_rps, o_p99, o_err, o_cpu = map(float, r[2:])
    ratio = o_rps / n_rps if n_rps else float("nan")
    if kind == "floor":
        # Not a target: /healthz ("ok") against nginx's JSON figures of the round.
        print(f"{rnd:>5} {kind:<9} {size[kind]:>7} | {'(json)':>11} {'':>7} {'':>10} | "
              f"{o_rps:>10.0f} {o_p99:>7.2f} {o_cpu:>10.0f} {o_err:>6.0f} | {ratio:>6.1%}  info: /healthz, the HTTP stack alone")
        continue
    if kind.endswith("-miss"):
        print(f"{rnd:>5} {kind:<9} {size[kind]:>7} | {'(same)':>11} {'':>7} {'':>10} | "
              f"{o_rps:>10.0f} {o_p99:>7.2f} {o_cpu:>10.0f} {o_err:>6.0f} | {ratio:>6.1%}  info: no kept answer reused")
        continue
    fails = []
    if not ratio >= target_ratio:
        fails.append(f"ratio < {target_ratio:.0%}")
    if not o_p99 <= target_p99:
        fails.append(f"p99 > {target_p99:g} ms")
    if o_err or n_err:
        fails.append(f"errors ours {o_err:.0f} nginx {n_err:.0f}")
    ok = ok and not fails
    verdict = "PASS" if not fails else "FAIL (" + ", ".join(fails) + ")"
    print(f"{rnd:>5} {kind:<9} {size[kind]:>7} | {n_rps:>11.0f} {n_p99:>7.2f} {n_cpu:>10.0f} | "
          f"{o_rps:>10.0f} {o_p99:>7.2f} {o_cpu:>10.0f} {o_err:>6.0f} | {ratio:>6.1%}  {verdict}")
print()
print(f"targets: ours >= {target_ratio:.0%} of nginx req/s on the same bytes, ours p99 <= {target_p99:g} ms")
print("OVERALL:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
verdict=$?
set -e
echo "import: $STRUCT_ROWS structures in $IMPORT_S_STRUCT s; $PROMENEURS promeneurs in $IMPORT_S_PROM s"
echo "wrk: -t$THREADS -c$CONNECTIONS -d${DURATION}s; JSON $JSON_PATH ($JSON_BYTES bytes)$(
    [ "$HTML_OK" = 1 ] && echo "; HTML $HTML_PATH ($HTML_BYTES bytes)" || echo "; HTML $HTML_PATH not measured (status $HTML_STATUS)")"
echo "machine: $(nproc) cores, $(uname -srm); $(date -u +%Y-%m-%dT%H:%MZ)"
if [ "${STRICT:-0}" = 1 ]; then exit "$verdict"; fi
exit 0
