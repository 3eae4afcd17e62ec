#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: set up (Debian packages), build, then run vulkaninfo and the SAXPY example
# through Kronos on the default vendor driver (the GPU where there is one, lavapipe otherwise).
#   KRONOS_VENDOR_ICD   vendor manifest to use instead of the default
#   KRONOS_SKIP_SETUP=1 use an existing build (e.g. one carried to a machine without packages)
#   KRONOS_BUILD_DIR    build folder (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${KRONOS_BUILD_DIR:-build}

if [ "${KRONOS_SKIP_SETUP:-0}" != 1 ]; then
  tools/setup-debian.sh
  [ -f "$build/build.ninja" ] || meson setup "$build"
  meson compile -C "$build"
fi

vendor=$(tools/vendor-manifest.sh)
kronos=$(ls "$root/$build"/icd/kronos_icd.*.json)
export KRONOS_VENDOR_ICD="$vendor"
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}

echo "== vulkaninfo through Kronos (vendor driver: $vendor)"
report="$root/$build/vulkaninfo-kronos.txt"
VK_DRIVER_FILES="$kronos" vulkaninfo > "$report"
echo "full report: $report ($(wc -l < "$report") lines)"
VK_DRIVER_FILES="$kronos" vulkaninfo --summary | sed -n '/^Devices:/,$p'
echo
echo "queue families:"
grep -A5 'queueProperties\[' "$report" | grep -E 'queueProperties|queueCount|queueFlags'

echo
echo "== SAXPY on the vendor directly and through Kronos"
validation=()
for dir in /usr/share/vulkan/explicit_layer.d /etc/vulkan/explicit_layer.d /opt/vk/usr/share/vulkan/explicit_layer.d; do
  if [ -r "$dir/VkLayer_khronos_validation.json" ]; then
    validation=(--validation)
    export VK_LAYER_PATH="$dir${VK_LAYER_PATH:+:$VK_LAYER_PATH}"
    break
  fi
done
VK_DRIVER_FILES="$vendor:$kronos" "$build/tools/kronos-saxpy" "${validation[@]}" "$@"
