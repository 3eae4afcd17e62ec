#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A vendor driver that cannot be used (KRONOS_VENDOR_ICD): vulkaninfo fails cleanly (an exit
# status, not a signal nor a hang) and Kronos logs one "kronos: error:" line naming the file and
# the reason.
# Usage: vendor_error.sh VULKANINFO CASE [LIBRARY]
#   CASE: nonexistent | malformed | missing-library | not-a-driver (LIBRARY: one that is not a
#   Vulkan driver) | loader (LIBRARY: the Khronos loader, which calls back into Kronos) |
#   kronos-itself (LIBRARY: Kronos's own)
set -u
vulkaninfo=$1
case_name=$2
library=${3:-}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
manifest=$dir/vendor_icd.json

# A valid manifest naming a library.
write_manifest() {
  printf '{"file_format_version": "1.0.0", "ICD": {"library_path": "%s", %s}}\n' \
    "$1" '"api_version": "1.3.0"' >"$manifest"
}

case $case_name in
  nonexistent)
    manifest=/nonexistent.json
    reason="No such file"
    ;;
  malformed)
    printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": ' >"$manifest"
    reason="JSON"
    ;;
  missing-library)
    library=$dir/libvulkan_missing.so
    write_manifest "$library"
    reason=$library
    ;;
  not-a-driver | kronos-itself)
    if [ ! -e "$library" ]; then
      echo "FAIL: $library does not exist" >&2
      exit 1
    fi
    write_manifest "$library"
    reason=vk_icdGetInstanceProcAddr
    [ "$case_name" = kronos-itself ] && reason="is Kronos itself"
    ;;
  loader)
    # A name the dynamic linker resolves, as the loader's own manifests give.
    write_manifest "$library"
    reason="called back into Kronos"
    ;;
  *)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac

KRONOS_VENDOR_ICD=$manifest LD_PRELOAD="${KRONOS_TEST_PRELOAD:-}" \
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  timeout -s KILL 60 "$vulkaninfo" --summary >"$dir/out" 2>"$dir/err"
rc=$?

status=0
if [ "$rc" -eq 0 ]; then
  echo "FAIL: vulkaninfo succeeded" >&2
  status=1
elif [ "$rc" -eq 137 ]; then
  echo "FAIL: vulkaninfo hung (killed after 60 s)" >&2
  status=1
elif [ "$rc" -ge 128 ]; then
  echo "FAIL: vulkaninfo was killed by signal $((rc - 128))" >&2
  status=1
fi
lines=$(grep "^kronos: error: " "$dir/err" | grep -F "$manifest")
if [ -z "$lines" ]; then
  echo "FAIL: no \"kronos: error:\" line names $manifest" >&2
  status=1
elif ! grep -qF "$reason" <<<"$lines"; then
  echo "FAIL: the error does not give the reason ($reason): $lines" >&2
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "--- vulkaninfo stderr:" >&2
  cat "$dir/err" >&2
else
  echo "ok: $case_name: $lines"
fi
exit "$status"
