#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Streams a large document (190 MB by default) to a release server several
# times and compares with the same work done by the shell (read, SHA-256,
# write to the same disk) measured in the same run: the ratio is what the
# server adds. Also reports the server's peak memory (VmHWM) before and
# after, which shows that a document is never held whole in memory.
#
#   cargo build --release && bash bench/upload/run.sh [SIZE_MB] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MB=${1:-190}
RUNS=${2:-3}
BIN=${PROMENEURS_BIN:-${CARGO_TARGET_DIR:-target}/release/promeneurs}
PORT=${PORT:-18089}
WORK=$(mktemp -d)
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$BIN" --data-dir "$WORK/data" serve --demo --no-worker --bind "127.0.0.1:$PORT" >"$WORK/log" 2>&1 &
PID=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
BASE="http://127.0.0.1:$PORT/api/v1"
TOKEN=$("$BIN" --data-dir "$WORK/data" token new --email structure@demo.promeneurs.fr)
CALL=$(curl -fs "$BASE/calls" | python3 -c 'import json,sys; print([c["id"] for c in json.load(sys.stdin)["items"] if "2027" in c["title"]][0])')
APP=$(curl -fs -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"module":"M1","departments":["03"]}' "$BASE/calls/$CALL/applications" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

FILE="$WORK/dossier.pdf"
{ printf '%%PDF-1.4\n'; head -c "$((SIZE_MB * 1000000))" /dev/urandom; } >"$FILE"
hwm() { awk '/VmHWM/ {print $2}' "/proc/$PID/status"; }
before=$(hwm)

now() { date +%s.%N; }
echo "file: $SIZE_MB MB, $RUNS runs"
for i in $(seq 1 "$RUNS"); do
  t0=$(now)
  tee "$WORK/copy" <"$FILE" | sha256sum >/dev/null
  sync "$WORK/copy"
  t1=$(now)
  code=$(curl -s -o "$WORK/out" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -F kind=formulaire -F "file=@$FILE;filename=dossier.pdf" "$BASE/applications/$APP/documents")
  t2=$(now)
  [ "$code" = 201 ] || { echo "upload failed: $code $(cat "$WORK/out")"; exit 1; }
  rm -f "$WORK/copy"
  python3 - "$t0" "$t1" "$t2" "$SIZE_MB" <<'PY'
import sys
t0, t1, t2, mb = map(float, sys.argv[1:])
shell, server = t1 - t0, t2 - t1
print(f"  shell {shell:6.2f} s ({mb/shell:6.0f} MB/s)   server {server:6.2f} s ({mb/server:6.0f} MB/s)   ratio {server/shell:4.2f}")
PY
done
after=$(hwm)
echo "server peak memory (VmHWM): $((before / 1024)) MiB before the uploads, $((after / 1024)) MiB after"
