#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Times 100 result letters and their 100 conventions rendered by one
# LetterEngine (fonts loaded once), against two baselines measured in the
# same run: 100 accusés de réception (receipt_pdf, no typesetting engine)
# and the first letter (font loading and a cold Typst). Target: 100
# letters under 5 s.
#
#   bash bench/letters/run.sh [LETTERS] [ROUNDS]
#   OUT=/tmp/letters bash bench/letters/run.sh     # also writes sample PDFs
set -euo pipefail
cd "$(dirname "$0")/../.."
LETTERS=${1:-100}
ROUNDS=${2:-3}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}

cargo build --release -q -p promeneurs-documents --example letters_bench
BIN="$CARGO_TARGET_DIR/release/examples/letters_bench"

for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round"
  args=(--letters "$LETTERS")
  if [ "$round" = 1 ] && [ -n "${OUT:-}" ]; then args+=(--out "$OUT"); fi
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "peak memory: %M KiB, CPU: %U s user + %S s system, %e s wall" "$BIN" "${args[@]}"
  else
    "$BIN" "${args[@]}"
  fi
done
