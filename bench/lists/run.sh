#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
#
# Staff lists benchmark (issue 12, target 3): the directory's data set
# (bench/directory/gen.py: 500 structures, 10 000 promeneurs of the Allier
# and the Puy-de-Dôme) imported on a fresh SQLite base, a coordinator of
# both départements, then for each list (API and page; first page, a
# search, a far page) the p50 at one connection (wrk), and the time of the
# export of the 10 000 promeneurs to XLSX (three downloads, the median).
# Targets (issue 12): p50 <= 5 ms for each list, the XLSX export < 1 s.
#
# Environment:
#   PROMENEURS_BIN  use this binary instead of building the release one
#   DURATION        seconds per wrk run (default 5)
#   STRICT=1        exit 1 when a target is missed (default: report only)
#   KEEP=1          keep the temporary directory
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-5}"
TARGET_P50_MS=5
TARGET_XLSX_S=1

# shellcheck source=bench/lib.sh
. "$REPO/bench/lib.sh"

need_apt=()
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
apt_install "${need_apt[@]}"

release_binary

WORK="$(mktemp -d /tmp/promeneurs-bench-lists.XXXXXX)"
PID=""
cleanup() {
    local rc=$?
    if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
    if [ "${KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DATA="$WORK/data"
OUT="$WORK/out"
mkdir -p "$DATA" "$OUT"
cli() { timeout 300 "$BIN" --data-dir "$DATA" "$@"; }

log "data set (bench/directory/gen.py, seed 42)"
python3 "$REPO/bench/directory/gen.py" "$OUT" >/dev/null
cli migrate >"$OUT/migrate.log" 2>&1
cli import structures "$OUT/structures.csv" >"$OUT/import.log" 2>&1
cli import promeneurs "$OUT/promeneurs.csv" >>"$OUT/import.log" 2>&1
echo "promeneurs-bench-lists" | cli user add --password-stdin --email coordination@bench.test \
    --name Coordination --role coordinator --department 03 --department 63 >/dev/null 2>&1
TOKEN="$(cli token new --email coordination@bench.test | tail -n 1)"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
"$BIN" --data-dir "$DATA" serve --bind "127.0.0.1:$port" --no-worker >"$OUT/server.log" 2>&1 &
PID=$!
URL="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf -o /dev/null "$URL/readyz" && break; sleep 0.1; done
curl -sf -o /dev/null "$URL/readyz" || { tail -n 30 "$OUT/server.log" >&2; die "server not ready"; }

PAGES=(
    "structures-api /api/v1/structures"
    "structures-page /reseau/structures"
    "promeneurs-api /api/v1/promeneurs"
    "promeneurs-page /reseau/promeneurs"
    "search-api /api/v1/promeneurs?q=mar"
    "search-page /reseau/promeneurs?q=mar"
    "far-page /reseau/promeneurs?page=100"
)
RESULTS="$OUT/results.txt"
: >"$RESULTS"
for p in "${PAGES[@]}"; do
    read -r name path <<<"$p"
    code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$URL$path")"
    [ "$code" = 200 ] || die "$path answered $code"
    log "$name: one connection"
    wrk -t1 -c1 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "$URL$path" >"$OUT/$name.wrk"
    p50="$(awk '$1 == "50%" { v=$2; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 }; print v }' "$OUT/$name.wrk")"
    echo "$name $p50" >>"$RESULTS"
done
log "XLSX export of every promeneur, three times"
times=()
for _ in 1 2 3; do
    t="$(curl -s -o "$OUT/promeneurs.xlsx" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" \
        "$URL/api/v1/promeneurs/export?format=xlsx")"
    times+=("$t")
done
bytes="$(stat -c %s "$OUT/promeneurs.xlsx")"

set +e
python3 - "$RESULTS" "$TARGET_P50_MS" "$TARGET_XLSX_S" "$bytes" "${times[@]}" <<'PY'
import sys
results, target_p50, target_xlsx, size = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
times = sorted(float(t) for t in sys.argv[5:])
ok = True
print()
print(f"{'list':<16} | {'p50 ms (1 conn)':>15} | verdict")
for line in open(results):
    name, p50 = line.split()
    p50 = float(p50)
    good = p50 <= target_p50
    ok = ok and good
    print(f"{name:<16} | {p50:>15.2f} | {'PASS' if good else f'FAIL (p50 > {target_p50:g} ms)'}")
median = times[len(times) // 2]
good = median < target_xlsx
ok = ok and good
print(f"{'xlsx-export':<16} | {median:>13.2f} s | {'PASS' if good else f'FAIL (>= {target_xlsx:g} s)'}  ({size} bytes; runs: {', '.join(f'{t:.2f}' for t in times)} s)")
print()
print(f"targets: p50 <= {target_p50:g} ms at one connection for each list; XLSX export of 10 000 promeneurs < {target_xlsx:g} s")
print("OVERALL:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
rc=$?
set -e
echo "data: 500 structures, 10 000 promeneurs (bench/directory/gen.py); machine: $(nproc) cores, $(uname -sr); $(date -u +%FT%H:%MZ)"
if [ "${STRICT:-0}" = 1 ]; then exit "$rc"; fi
