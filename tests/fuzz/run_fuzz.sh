#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A bounded run of a libFuzzer target on a scratch copy of a seed corpus (libFuzzer writes new
# inputs into its corpus, which must not be the repository's or the build's seeds). Inputs that
# fail are kept with the prefix given, and fail the test. Further arguments go to libFuzzer
# (e.g. -dict=FILE).
# Usage: run_fuzz.sh FUZZER SEED_DIR SECONDS ARTIFACT_PREFIX [LIBFUZZER_OPTION...]
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3 artifacts=$4
shift 4
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
find "$seeds" -maxdepth 1 -type f -exec cp -t "$corpus" {} +
mkdir -p "${artifacts%/*}"
# libFuzzer's default exit status for a crash, a leak or a timeout is 77, which meson reads as a
# skipped test: a finding must fail the test instead.
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$artifacts" "$@" "$corpus"
