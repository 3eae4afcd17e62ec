#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The tests: set up (Debian packages), build, and run the whole suite three times: plain, plain
# with the Vulkan 1.4 headers over Mesa 25's lavapipe, and with AddressSanitizer +
# UndefinedBehaviorSanitizer (LeakSanitizer on); then the unit and integration
# suites under ThreadSanitizer; then the libFuzzer targets (SPIR-V reflector, manifests,
# settings) for a bounded time each (80 s in all; README "Fuzzing" says how to run them longer).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tools/setup-debian.sh --fuzzing

run_suite() {
  local dir=$1
  shift
  [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@"
  meson compile -C "$dir"
  meson test -C "$dir" --print-errorlogs --num-processes 2
}

echo "== plain build (Debian 12's Vulkan headers, 1.3.239; Mesa 22.3's lavapipe as the vendor)"
run_suite build

# The same suite built with Vulkan-Headers 1.4.309 over Mesa 25's lavapipe, a Vulkan 1.4 vendor
# (both unpacked into build-deps/ by tools/newer-vulkan.sh; README "Vulkan headers").
echo "== Vulkan 1.4 headers (Debian 13's), Mesa 25's lavapipe as the vendor"
run_suite build-vk14 -Dvulkan_headers="$(tools/newer-vulkan.sh --print-headers)" \
  -Dlavapipe_manifest="$(tools/newer-vulkan.sh --print-mesa)"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_odr_violation=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0
run_suite build-sanitize -Db_sanitize=address,undefined -Db_lundef=false

echo "== ThreadSanitizer build"
unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
# Any report fails its test. tests/tsan.supp suppresses the vendor driver's, LLVM's and the
# validation layer's own reports, by library, and says why for each. The benchmarks are not run
# here, nor the suite no-tsan (single-threaded tests too slow under ThreadSanitizer).
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp
# The barrier tracker's brute-force checker is one thread of pure logic, twenty times slower
# here: the plain and AddressSanitizer runs check its 50,000 streams, this one 5,000.
export KRONOS_BARRIER_CHECK_STREAMS=5000
[ -f build-tsan/build.ninja ] || meson setup build-tsan -Db_sanitize=thread -Db_lundef=false
meson compile -C build-tsan
meson test -C build-tsan --print-errorlogs --num-processes 2 --suite unit --suite integration \
  --no-suite no-tsan
unset TSAN_OPTIONS KRONOS_BARRIER_CHECK_STREAMS

echo "== libFuzzer: SPIR-V reflector 30 s, manifests 30 s, settings 20 s (clang, ASan + UBSan)"
[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzzing=true
# Only the fuzz targets (and, through the tests' dependencies, the SPIR-V seeds): not the driver
# and its tests a third time.
fuzz_targets=()
for source in tests/fuzz/fuzz_*.c; do
  name=$(basename "$source" .c)
  fuzz_targets+=("tests/fuzz/$name")
done
meson compile -C build-fuzz "${fuzz_targets[@]}"
meson test -C build-fuzz --suite fuzz --print-errorlogs
