#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The hostile reviews of issue 11's barrier policy: runs case CASE of PROGRAM (barrier_review.c,
# barrier_review2.c) twice with
# the Khronos validation layer (synchronization validation, errors to a log file and to the
# program's messenger):
#   1. above the vendor's device (VK_INSTANCE_LAYERS, --device vendor): the program's own
#      barriers must be right, so no hazard may be reported;
#   2. below Kronos (KRONOS_VENDOR_LAYERS): a hazard is a barrier the policy did not give the
#      vendor.
# CASE "held" runs the cases HELD... (those that held up in the review) one after the other, both
# ways. Exits 77 (skipped) without the layer.
# Usage: barrier_review.sh CASE PROGRAM [HELD...]
# Environment (meson's test_env): VK_DRIVER_FILES (Kronos's manifest), KRONOS_VENDOR_ICD
# (lavapipe's manifest).
set -u
case_name=$1
program=$2
shift 2
held="$*"
validation=VK_LAYER_KHRONOS_validation

folders=${XDG_CONFIG_HOME:-$HOME/.config}:${XDG_CONFIG_DIRS:-/etc/xdg}:/etc
folders=$folders:${XDG_DATA_HOME:-$HOME/.local/share}:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}
found=
IFS=: read -ra list <<<"$folders"
for folder in "${list[@]}"; do
  if grep -ls "\"$validation\"" "$folder"/vulkan/explicit_layer.d/*.json >/dev/null 2>&1; then
    found=1
    break
  fi
done
if [ -z "$found" ]; then
  echo "SKIP: $case_name: layer $validation is not installed (Debian package vulkan-validationlayers)"
  exit 77
fi

here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export LSAN_OPTIONS="suppressions=$here/vendor_layers.supp:print_suppressions=0"
export VK_LAYER_ENABLES=VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT
export VK_LAYER_SETTINGS_PATH=$dir
cat >"$dir/vk_layer_settings.txt" <<SETTINGS
khronos_validation.debug_action = VK_DBG_LAYER_ACTION_LOG_MSG,VK_DBG_LAYER_ACTION_CALLBACK
khronos_validation.log_filename = $dir/validation.log
khronos_validation.report_flags = error
SETTINGS

# Runs one case one way ("above" or "below"); fails the script on a non-zero status.
run_one() {
  local name=$1 way=$2 rc
  rm -f "$dir/validation.log"
  if [ "$way" = above ]; then
    # The layer above the loader is unloaded before LeakSanitizer looks, so its own leaks have
    # no library name to suppress: this run checks the program's barriers, not Kronos (the
    # run below Kronos keeps leak checking on).
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
      VK_DRIVER_FILES=$KRONOS_VENDOR_ICD:$VK_DRIVER_FILES VK_INSTANCE_LAYERS=$validation \
      "$program" --device vendor --only "$name" >"$dir/out" 2>"$dir/err"
  else
    KRONOS_VENDOR_LAYERS=$validation "$program" --only "$name" >"$dir/out" 2>"$dir/err"
  fi
  rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "FAIL: $name ($way): exit status $rc" >&2
    for f in "$dir/out" "$dir/err" "$dir/validation.log"; do
      [ -s "$f" ] && { echo "--- $(basename "$f"):" >&2; tail -n 20 "$f" >&2; }
    done
    if [ "$way" = above ]; then
      echo "(the program itself is wrong: fix the case, not Kronos)" >&2
    else
      echo "(the vendor lacks a barrier the application recorded: a barrier policy bug)" >&2
    fi
    exit 1
  fi
  echo "ok: $name ($way)"
}

if [ "$case_name" = held ]; then
  cases=$held
else
  cases=$case_name
fi
for name in $cases; do
  run_one "$name" above
  run_one "$name" below
done
