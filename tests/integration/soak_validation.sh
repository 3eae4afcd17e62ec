#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The soak (it_soak) under the Khronos validation layer with synchronization validation, in two
# runs: above both devices (VK_INSTANCE_LAYERS: the soak's own calls must be valid, on the
# vendor's device and on Kronos's), then below Kronos (KRONOS_VENDOR_LAYERS: what Kronos gives
# lavapipe, after its barrier policy dropped and merged the application's barriers, must have no
# hazard; lavapipe runs commands one after the other, so a lost barrier would not show in the
# buffers the soak compares). Any validation error fails.
# usage: soak_validation.sh IT_SOAK [SOAK ARGUMENTS...]
set -u
soak=$1
shift
soak_args=("$@")
here=$(cd "$(dirname "$0")" && pwd)
validation=VK_LAYER_KHRONOS_validation
. "$here/layer_age.sh"
layer_older_than_headers "${KRONOS_VALIDATION_MANIFEST:?names the validation layer manifest}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# The validation layer's own leaks (sanitizer builds); never Kronos's.
export LSAN_OPTIONS="suppressions=$here/vendor_layers.supp:print_suppressions=0"
export VK_LAYER_ENABLES=VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT
export VK_LAYER_SETTINGS_PATH=$dir

# run WHERE ENVIRONMENT...: the soak with the layer where it says, its errors in $dir/WHERE.log.
run() {
  local where=$1
  shift
  local log=$dir/$where.log
  cat >"$dir/vk_layer_settings.txt" <<SETTINGS
khronos_validation.debug_action = VK_DBG_LAYER_ACTION_LOG_MSG
khronos_validation.log_filename = $log
khronos_validation.report_flags = error
SETTINGS
  env "$@" KRONOS_LOG=info "$soak" "${soak_args[@]}" >"$dir/out" 2>"$dir/err"
  local rc=$?
  grep "^soak: \|^ok \|^FAIL " "$dir/out"
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: the soak with the layer $where exited with $rc" >&2
    tail -n 20 "$dir/err" >&2
    exit 1
  fi
  if [ ! -e "$log" ]; then
    echo "FAIL: the layer $where wrote no log: not loaded" >&2
    exit 1
  fi
  local n
  n=$(grep -c "Validation Error: \[" "$log" || true)
  if [ "$n" -ne 0 ]; then
    echo "FAIL: $n validation error(s) with the layer $where; the first:" >&2
    grep -m 3 -A 3 "Validation Error: \[" "$log" >&2
    exit 1
  fi
  echo "ok: $validation $where, synchronization validation on: 0 errors"
}

# The layer above the loader is unloaded before LeakSanitizer looks, so its own leaks have no
# library name to suppress: that run checks the soak's calls, and leak checking stays on below
# (as in barrier_review.sh).
run above VK_INSTANCE_LAYERS=$validation ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
run below KRONOS_VENDOR_LAYERS=$validation
if ! grep -q "^kronos: info: vendor layer $validation " "$dir/err"; then
  echo "FAIL: Kronos did not log loading $validation below it" >&2
  exit 1
fi
