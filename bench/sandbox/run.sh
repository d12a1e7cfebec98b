#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Cost of the sandbox child process (`promeneurs sandbox <job>`: spawn,
# limits, fonts loaded again) against the same work done in process,
# measured in the same run: a tiny spreadsheet (the spawn alone), the
# reading of a 2 000-row import, one letter (a template check) and a batch
# of 20 letters. Prints a Markdown table (medians of ROUNDS runs).
#
#   bash bench/sandbox/run.sh [ROUNDS]          # release build
#   PROFILE=debug bash bench/sandbox/run.sh     # the tests' build
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-7}
PROFILE=${PROFILE:-release}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
flag=()
if [ "$PROFILE" = release ]; then flag=(--release); fi
cargo build "${flag[@]}" -q -p promeneurs --bin promeneurs --example sandbox_bench
"$CARGO_TARGET_DIR/$PROFILE/examples/sandbox_bench" "$ROUNDS"
