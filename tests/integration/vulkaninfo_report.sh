#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# vulkaninfo's full report through the loader with only Kronos installed (VK_DRIVER_FILES):
# it succeeds and shows a compute-only Kronos device that does not claim conformance.
# Usage: vulkaninfo_report.sh VULKANINFO
set -u
vulkaninfo=$1
status=0
fail() {
  echo "FAIL: $*" >&2
  status=1
}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# vulkaninfo is not built with the sanitizers: a sanitized driver needs their runtimes preloaded,
# and leaks in vulkaninfo itself are not Kronos's.
LD_PRELOAD="${KRONOS_TEST_PRELOAD:-}" \
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  "$vulkaninfo" >"$dir/out" 2>"$dir/err"
rc=$?
if [ "$rc" -ne 0 ]; then
  fail "vulkaninfo exited with status $rc"
  cat "$dir/err" >&2
fi

out=$dir/out
grep -q "Kronos (" "$out" || fail "no \"Kronos (\" device name"
grep -Eq "driverName *= Kronos$" "$out" || fail "driverName is not Kronos"
# Only Kronos is installed: every device is Kronos's.
if grep -E "deviceName *=" "$out" | grep -vq "Kronos ("; then
  fail "a device that is not Kronos's: $(grep -E 'deviceName *=' "$out" | grep -v 'Kronos (')"
fi
grep -q "QUEUE_GRAPHICS" "$out" && fail "a queue family has QUEUE_GRAPHICS"
grep -q "QUEUE_COMPUTE" "$out" || fail "no queue family has QUEUE_COMPUTE"
grep -q "VK_KHR_swapchain" "$out" && fail "VK_KHR_swapchain is offered"
grep -Eq "VK_KHR_(xlib_|xcb_|wayland_)?surface" "$out" && fail "a surface extension is offered"
grep -q "kronos: error" "$dir/err" &&
  fail "Kronos logged errors: $(grep 'kronos: error' "$dir/err")"

# conformanceVersion is printed as a block of four "name = value" lines; all must be 0.
blocks=$(awk '
  /conformanceVersion:/ { n = 4; blocks++; next }
  n > 0 { n--; if ($0 !~ /= 0$/) bad++ }
  END { print blocks + 0, bad + 0 }' "$out")
read -r count bad <<<"$blocks"
[ "$count" -ge 1 ] || fail "no conformanceVersion in the report"
[ "$bad" -eq 0 ] ||
  fail "conformanceVersion is not 0.0.0.0: $(grep -A4 conformanceVersion "$out")"

[ "$status" -eq 0 ] && echo "ok: vulkaninfo report ($count conformanceVersion blocks checked)"
exit "$status"
