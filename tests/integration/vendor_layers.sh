#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# KRONOS_VENDOR_LAYERS (issue 11): layers between Kronos and its vendor driver (lavapipe here).
# The Khronos validation layer goes below Kronos with synchronization validation on
# (VK_LAYER_ENABLES) and writes what it reports to a log file (vk_layer_settings.txt through
# VK_LAYER_SETTINGS_PATH), so any program's validation errors from below Kronos can be counted
# without changing it; no layer runs above Kronos. Cases:
#   saxpy, threads       existing compute programs (tools/kronos-saxpy, tests/programs/
#                        test_threads) pass with the layer loaded and 0 validation errors;
#   bench                every kronos-bench row (--quick) through Kronos with its barrier policy:
#                        the barriers the vendor receives leave no hazard (0 errors);
#   bench-drop-all       the same with KRONOS_BARRIER_DROP_ALL=1: hazards reported (proof that
#                        the bench case would see a barrier the policy wrongly dropped);
#   barrier-policy       it_barrier_policy (tests/integration/barrier_policy.c: chains, hazards of
#                        every kind, transfers, indirect arguments, aliases, sub-ranges,
#                        secondaries, events) through the policy: 0 errors from below;
#   barrier-policy-drop-all
#                        the same with KRONOS_BARRIER_DROP_ALL=1 (--expect-drop-all): hazards
#                        reported, so the case above would see a barrier wrongly dropped;
#   profile, bench-profile, profile-resets, profile-resets-no-batch
#                        the profiler's timestamp queries (issue 13: it_profile's known program,
#                        every kronos-bench row, --quick, and it_profile_resets's scenarios,
#                        batching on and off, with KRONOS_PROFILE): each query reset before it
#                        is written again, 0 errors from below;
#   profile-resets-faults
#                        it_profile_resets over the fault driver (tests/faultdrv), failing the
#                        profiler's look at a still running run's completion (overlapped: an
#                        error that is no loss, so its queries must not be reset yet), then
#                        (resubmitted, batching off) the profiler's completion submit: no
#                        query reset error from below;
#   hazard               vendor_layers.c's missing barriers: synchronization hazards reported,
#                        to the program's messenger and in the log (proof the layer runs below);
#   clean                the same work with barriers: 0 errors;
#   invalid              a vkCmdFillBuffer of a bad size: the layer's core checks report it;
#   two-layers           Mesa's overlay layer above the validation layer: the hazard still shows;
#   layer-path           the layer found through VK_LAYER_PATH (a folder elsewhere);
#   missing, override, missing-library, not-a-layer, meta
#                        a named layer that cannot be used: Kronos's vkCreateInstance fails with
#                        VK_ERROR_LAYER_NOT_PRESENT and one "kronos: error:" line says which and
#                        why (vendor_layers_error.c, Kronos loaded as the loader loads a driver).
# Cases that need the validation layer (or Mesa's overlay) exit 77 (skipped) without it.
# Usage: vendor_layers.sh CASE IT_VENDOR_LAYERS IT_VENDOR_LAYERS_ERROR KRONOS_LIBRARY
#                         KRONOS_SAXPY TEST_THREADS NOT_A_LAYER_LIBRARY KRONOS_BENCH
#                         IT_BARRIER_POLICY
# Environment (meson's test_env): VK_DRIVER_FILES (Kronos's manifest), KRONOS_VENDOR_ICD
# (lavapipe's manifest).
set -u
case_name=$1
program=$2
error_program=$3
kronos_library=$4
kronos_saxpy=$5
test_threads=$6
not_a_layer=$7
kronos_bench=$8
barrier_policy=$9
profile_program=${10}
profile_resets=${11}
faultdrv_manifest=${12}

here=$(cd "$(dirname "$0")" && pwd)
. "$here/layer_age.sh"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
log=$dir/validation.log
validation=VK_LAYER_KHRONOS_validation

# LeakSanitizer (sanitizer builds): the layers' own leaks are suppressed by their library names.
# No layer runs above Kronos, so no Kronos allocation has a layer frame on its stack.
export LSAN_OPTIONS="suppressions=$here/vendor_layers.supp:print_suppressions=0"
export KRONOS_VENDOR_LAYERS=$validation
export VK_LAYER_ENABLES=VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT
export VK_LAYER_SETTINGS_PATH=$dir
cat >"$dir/vk_layer_settings.txt" <<SETTINGS
khronos_validation.debug_action = VK_DBG_LAYER_ACTION_LOG_MSG
khronos_validation.log_filename = $log
khronos_validation.report_flags = error
SETTINGS

fail() {
  echo "FAIL: $case_name: $*" >&2
  for f in "$dir/out" "$dir/err" "$log"; do
    if [ -s "$f" ]; then
      echo "--- $(basename "$f"):" >&2
      tail -n 40 "$f" >&2
    fi
  done
  exit 1
}

# Sets layer_manifest to the manifest declaring layer $1 in the loader's standard folders, or
# exits 77 (skipped) naming the Debian package $2 that installs it.
need_layer() {
  local folders=${XDG_CONFIG_HOME:-$HOME/.config}:${XDG_CONFIG_DIRS:-/etc/xdg}:/etc
  folders=$folders:${XDG_DATA_HOME:-$HOME/.local/share}:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}
  local folder list
  IFS=: read -ra list <<<"$folders"
  for folder in "${list[@]}"; do
    layer_manifest=$(grep -ls "\"$1\"" "$folder"/vulkan/explicit_layer.d/*.json | head -n 1)
    if [ -n "$layer_manifest" ]; then
      layer_older_than_headers "$layer_manifest"
      return 0
    fi
  done
  echo "SKIP: $case_name: layer $1 is not installed (Debian package $2)"
  exit 77
}

validation_errors() {
  grep -c "Validation Error: \[" "$log" 2>/dev/null || true
}

# Runs a program below which the layer must load; its status must be 0.
run_layered() {
  KRONOS_LOG=info "$@" >"$dir/out" 2>"$dir/err"
  local rc=$?
  [ "$rc" -eq 0 ] || fail "$* exited with $rc"
  grep -q "^kronos: info: vendor layer $validation " "$dir/err" ||
    fail "Kronos did not log loading $validation"
}

expect_no_errors() {
  local n
  n=$(validation_errors)
  [ "$n" -eq 0 ] || fail "$n validation error(s) from below Kronos"
  echo "ok: $case_name: $validation loaded below Kronos, 0 validation errors"
}

expect_hazard() {
  local n
  n=$(grep -c "Validation Error: \[ SYNC-HAZARD-" "$log" 2>/dev/null || true)
  [ "$n" -ge 1 ] || fail "no synchronization hazard in the layer's log"
  echo "ok: $case_name: $n synchronization hazard(s) reported from below Kronos:"
  grep -o "SYNC-HAZARD-[A-Z-]*.*Access info ([^)]*)" "$log" | sed 's/^/  /'
}

# A layer manifest in $dir/layers: name, then the "layer" members after the common ones.
write_manifest() {
  mkdir -p "$dir/layers"
  printf '{"file_format_version": "1.2.0", "layer": {"name": "%s", "type": "GLOBAL", %s, %s}}\n' \
    "$1" '"api_version": "1.3.239", "implementation_version": "1", "description": "test"' \
    "$2" >"$dir/layers/test_layer.json"
}

# Kronos's vkCreateInstance must fail with VK_ERROR_LAYER_NOT_PRESENT and one error line that
# names the layer and gives the reason.
expect_layer_error() {
  local layer=$1 reason=$2
  KRONOS_VENDOR_LAYERS=$layer "$error_program" "$kronos_library" >"$dir/out" 2>"$dir/err"
  local rc=$?
  [ "$rc" -eq 0 ] || fail "vendor_layers_error exited with $rc"
  local lines count
  lines=$(grep "^kronos: error: " "$dir/err")
  count=$(grep -c "^kronos: error: " "$dir/err")
  [ "$count" -eq 1 ] || fail "$count \"kronos: error:\" lines, not one"
  grep -qF "$layer" <<<"$lines" || fail "the error does not name $layer: $lines"
  grep -qF "$reason" <<<"$lines" || fail "the error does not give the reason ($reason): $lines"
  echo "ok: $case_name: VK_ERROR_LAYER_NOT_PRESENT; $lines"
}

case $case_name in
  saxpy)
    need_layer $validation vulkan-validationlayers
    # kronos-saxpy compares Kronos with lavapipe directly: both manifests.
    VK_DRIVER_FILES=$KRONOS_VENDOR_ICD:$VK_DRIVER_FILES run_layered "$kronos_saxpy"
    grep -q "^result: PASS" "$dir/out" || fail "kronos-saxpy did not pass"
    expect_no_errors
    ;;
  bench)
    need_layer $validation vulkan-validationlayers
    VK_DRIVER_FILES=$KRONOS_VENDOR_ICD:$VK_DRIVER_FILES run_layered "$kronos_bench" --quick \
      --no-plot
    grep -q "^result: PASS" "$dir/out" || fail "kronos-bench did not pass"
    expect_no_errors
    ;;
  bench-drop-all)
    need_layer $validation vulkan-validationlayers
    KRONOS_BARRIER_DROP_ALL=1 VK_DRIVER_FILES=$KRONOS_VENDOR_ICD:$VK_DRIVER_FILES \
      run_layered "$kronos_bench" --quick --no-plot --workload reduce,scan --expect-drop-all
    expect_hazard
    ;;
  profile)
    need_layer $validation vulkan-validationlayers
    KRONOS_PROFILE=$dir/trace.json VK_DRIVER_FILES=$KRONOS_VENDOR_ICD:$VK_DRIVER_FILES \
      run_layered "$profile_program"
    expect_no_errors
    ;;
  bench-profile)
    need_layer $validation vulkan-validationlayers
    KRONOS_PROFILE=$dir/trace.json VK_DRIVER_FILES=$KRONOS_VENDOR_ICD:$VK_DRIVER_FILES \
      run_layered "$kronos_bench" --quick --no-plot
    grep -q "^result: PASS" "$dir/out" || fail "kronos-bench did not pass"
    [ -s "$dir/trace.json" ] || fail "no trace written"
    expect_no_errors
    ;;
  profile-resets|profile-resets-no-batch)
    need_layer $validation vulkan-validationlayers
    disable=
    [ "$case_name" = profile-resets-no-batch ] && disable=batch
    KRONOS_DISABLE=$disable KRONOS_PROFILE=$dir/trace.json \
      VK_DRIVER_FILES=$KRONOS_VENDOR_ICD:$VK_DRIVER_FILES run_layered "$profile_resets"
    expect_no_errors
    ;;
  profile-resets-faults)
    need_layer $validation vulkan-validationlayers
    # overlapped: the first vkGetSemaphoreCounterValue is the profiler's look, at the second
    # command buffer's submit, at the first one's completion while that one still runs.
    for fault in "vkGetSemaphoreCounterValue 1 overlapped" "vkQueueSubmit 2 resubmitted batch"; do
      read -r function nth only disable <<<"$fault"
      # The layer sits above the fault driver and takes a refused call for one made (a
      # refused signal of the profiler's own timeline reads to it as a value signalled twice):
      # only query reset errors count here.
      KRONOS_DISABLE=$disable KRONOS_PROFILE=$dir/trace.json \
        KRONOS_VENDOR_ICD=$faultdrv_manifest KRONOS_FAULT_FUNCTION=$function \
        KRONOS_FAULT_NTH=$nth VK_DRIVER_FILES=$KRONOS_VENDOR_ICD:$VK_DRIVER_FILES \
        run_layered "$profile_resets" --only "$only"
      n=$(grep -c "QueryNotReset\|vkResetQueryPool-firstQuery" "$log" 2>/dev/null || true)
      [ "$n" -eq 0 ] || fail "$n query reset error(s) from below Kronos with $function failing"
      grep -q "injected" "$dir/err" || fail "the fault driver injected no fault into $function"
      rm -f "$log"
    done
    echo "ok: $case_name: no query reset error with the profiler's completion checks failing"
    ;;
  barrier-policy)
    need_layer $validation vulkan-validationlayers
    # it_barrier_policy compares Kronos with lavapipe directly: both manifests.
    VK_DRIVER_FILES=$KRONOS_VENDOR_ICD:$VK_DRIVER_FILES run_layered "$barrier_policy"
    expect_no_errors
    ;;
  barrier-policy-drop-all)
    need_layer $validation vulkan-validationlayers
    KRONOS_BARRIER_DROP_ALL=1 VK_DRIVER_FILES=$KRONOS_VENDOR_ICD:$VK_DRIVER_FILES \
      run_layered "$barrier_policy" --expect-drop-all
    expect_hazard
    ;;
  threads)
    need_layer $validation vulkan-validationlayers
    run_layered "$test_threads" --expect kronos
    expect_no_errors
    ;;
  hazard)
    need_layer $validation vulkan-validationlayers
    run_layered "$program" --expect-hazard
    expect_hazard
    ;;
  clean)
    need_layer $validation vulkan-validationlayers
    run_layered "$program" --expect-clean
    expect_no_errors
    ;;
  invalid)
    need_layer $validation vulkan-validationlayers
    run_layered "$program" --expect-invalid
    grep -q "Validation Error: \[ VUID-vkCmdFillBuffer-size" "$log" ||
      fail "the bad fill size is not in the layer's log"
    echo "ok: $case_name: the bad vkCmdFillBuffer size reported from below Kronos"
    ;;
  two-layers)
    need_layer $validation vulkan-validationlayers
    need_layer VK_LAYER_MESA_overlay mesa-vulkan-drivers
    KRONOS_VENDOR_LAYERS=VK_LAYER_MESA_overlay:$validation run_layered "$program" --expect-hazard
    order=$(grep -o "^kronos: info: vendor layer [A-Za-z_]*" "$dir/err" | awk '{print $5}' |
            paste -sd ' ')
    [ "$order" = "VK_LAYER_MESA_overlay $validation" ] || fail "layers loaded as: $order"
    expect_hazard
    ;;
  layer-path)
    need_layer $validation vulkan-validationlayers
    mkdir -p "$dir/elsewhere"
    # A bare soname as library_path still resolves from the copy; a relative one would not.
    cp "$layer_manifest" "$dir/elsewhere/copy_of_validation.json"
    VK_LAYER_PATH=$dir/elsewhere run_layered "$program" --expect-hazard
    grep -q "vendor layer $validation ($dir/elsewhere/copy_of_validation.json" "$dir/err" ||
      fail "the layer did not come from VK_LAYER_PATH"
    expect_hazard
    ;;
  missing)
    expect_layer_error VK_LAYER_KRONOS_missing "not found"
    ;;
  override)
    # VK_LAYER_PATH replaces the standard folders: an empty one hides every layer.
    mkdir -p "$dir/empty"
    VK_LAYER_PATH=$dir/empty expect_layer_error $validation "VK_LAYER_PATH=$dir/empty"
    ;;
  missing-library)
    write_manifest VK_LAYER_KRONOS_test "\"library_path\": \"./libVkLayer_missing.so\""
    VK_LAYER_PATH=$dir/layers expect_layer_error VK_LAYER_KRONOS_test "cannot load library"
    ;;
  not-a-layer)
    [ -e "$not_a_layer" ] || fail "$not_a_layer does not exist"
    write_manifest VK_LAYER_KRONOS_test "\"library_path\": \"$not_a_layer\""
    VK_LAYER_PATH=$dir/layers expect_layer_error VK_LAYER_KRONOS_test \
      "exports no vkGetInstanceProcAddr"
    ;;
  meta)
    write_manifest VK_LAYER_KRONOS_test "\"component_layers\": [\"$validation\"]"
    VK_LAYER_PATH=$dir/layers expect_layer_error VK_LAYER_KRONOS_test "meta layer"
    ;;
  *)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
esac
exit 0
