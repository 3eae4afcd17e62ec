#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 16: Kronos loads each vendor driver once per process. Runs a command with KRONOS_LOG=info
# and counts the "kronos: info: vendor driver ... interface version" lines (one per load,
# kr_vendor.c): LOADS of them in all, no driver named twice, and ERRORS "kronos: error:" lines.
# Usage: vendor_loads.sh LOADS ERRORS [--uninstrumented] COMMAND [ARGS...]
# --uninstrumented (vulkaninfo): in a sanitizer build, the sanitizers' runtimes are preloaded
# for the driver, and the program's own leaks are not checked (as vulkaninfo_report.sh does).
set -u
loads=$1 errors=$2
shift 2
preload= asan=${ASAN_OPTIONS:-}
if [ "$1" = --uninstrumented ]; then
  preload=${KRONOS_TEST_PRELOAD:-}
  asan=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
  shift
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

KRONOS_LOG=info LD_PRELOAD=$preload ASAN_OPTIONS=$asan "$@" >"$dir/out" 2>"$dir/err"
rc=$?

status=0
if [ "$rc" -ne 0 ]; then
  echo "FAIL: $1 exited with status $rc" >&2
  status=1
fi
grep '^kronos: info: vendor driver .*interface version' "$dir/err" >"$dir/loads"
n=$(wc -l <"$dir/loads")
twice=$(sed 's/^kronos: info: vendor driver \([^ ]*\) .*/\1/' "$dir/loads" | sort | uniq -d)
if [ "$n" -ne "$loads" ]; then
  echo "FAIL: $n vendor driver loads, expected $loads" >&2
  status=1
fi
if [ -n "$twice" ]; then
  echo "FAIL: loaded more than once: $twice" >&2
  status=1
fi
e=$(grep -c '^kronos: error: ' "$dir/err")
if [ "$e" -ne "$errors" ]; then
  echo "FAIL: $e \"kronos: error:\" lines, expected $errors" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "--- stdout:" >&2
  cat "$dir/out" >&2
  echo "--- stderr:" >&2
  cat "$dir/err" >&2
else
  cat "$dir/out"
  echo "ok: $n load(s):"
  cat "$dir/loads"
  grep '^kronos: error: ' "$dir/err"
fi
exit "$status"
