#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 16: Kronos loads each vendor driver once per process. Runs a command with KRONOS_LOG=info
# and counts the "kronos: info: vendor driver ... interface version" lines (one per load,
# kr_vendor.c): LOADS of them in all, no driver named twice, and ERRORS "kronos: error:" lines.
# Usage: vendor_loads.sh LOADS ERRORS [--uninstrumented] [--scan VENDOR_MANIFEST] COMMAND...
# --uninstrumented (vulkaninfo): in a sanitizer build, the sanitizers' runtimes are preloaded
# for the driver, and the program's own leaks are not checked (as vulkaninfo_report.sh does).
# --scan: KRONOS_VENDOR_ICD unset, the only manifest folder one that holds a copy of the vendor's
# manifest and a malformed one: the loader's quiet pre-instance queries scan it, and the skipped
# manifest must still be reported, once, as a warning (at vkCreateInstance).
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
scan=
if [ "$1" = --scan ]; then
  scan=$dir/config/vulkan/icd.d
  mkdir -p "$scan" "$dir/none"
  cp "$2" "$scan/vendor_icd.json"
  printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": ' >"$scan/broken_icd.json"
  shift 2
  unset KRONOS_VENDOR_ICD
  export XDG_CONFIG_HOME=$dir/config XDG_CONFIG_DIRS=$dir/none XDG_DATA_HOME=$dir/none \
    XDG_DATA_DIRS=$dir/none
fi

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
if [ -n "$scan" ]; then
  w=$(grep -c "^kronos: warn: .*$scan/broken_icd.json" "$dir/err")
  if [ "$w" -ne 1 ]; then
    echo "FAIL: $w warnings name $scan/broken_icd.json, expected 1" >&2
    status=1
  fi
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
  grep '^kronos: \(error\|warn\): ' "$dir/err"
fi
exit "$status"
