#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: set up (Debian packages), build, then run vulkaninfo and the SAXPY example
# through Kronos on the default vendor driver (the GPU where there is one, lavapipe otherwise).
# Kronos is built with the Vulkan headers that serve the vendor (README "Vulkan headers"):
# Debian 12's own (1.3.239) in build/ for a Vulkan 1.3 vendor such as Debian 12's lavapipe;
# for a newer one (NVIDIA's driver is 1.4), Debian 13's 1.4.309 (tools/newer-vulkan.sh) in
# build-vk14/, so that Kronos offers what the vendor has.
#   KRONOS_VENDOR_ICD   vendor manifest to use instead of the default
#   KRONOS_SKIP_SETUP=1 use an existing build (e.g. one carried to a machine without packages)
#   KRONOS_BUILD_DIR    build folder (default: as above)
#   KRONOS_HEADERS      system or newer: which headers, whatever the vendor's version
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "${KRONOS_SKIP_SETUP:-0}" != 1 ]; then
  tools/setup-debian.sh
fi
vendor=$(tools/vendor-manifest.sh)
vendor_api=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["ICD"]["api_version"])' \
             "$vendor" 2>/dev/null || echo unknown)
headers=${KRONOS_HEADERS:-system}
if [ -z "${KRONOS_HEADERS:-}" ] && [ "$vendor_api" != unknown ] &&
   [ "$(printf '1.3\n%s\n' "${vendor_api%.*}" | sort -V | tail -n 1)" != 1.3 ]; then
  headers=newer
fi
default_build=build
[ "$headers" = newer ] && default_build=build-vk14
build=${KRONOS_BUILD_DIR:-$default_build}

if [ "${KRONOS_SKIP_SETUP:-0}" != 1 ]; then
  setup_args=()
  if [ "$headers" = newer ]; then
    if prefix=$(tools/newer-vulkan.sh --print-headers); then
      echo "== the vendor is Vulkan $vendor_api: building with Vulkan-Headers 1.4.309 in $build"
      setup_args=(-Dvulkan_headers="$prefix")
    else
      # Without Debian 13's headers (no network, say), Debian 12's still build a working
      # Kronos: it offers Vulkan 1.3 and the extensions 1.3.239 knows.
      echo "== could not fetch Vulkan-Headers 1.4.309 (above): building with Debian 12's in build"
      build=${KRONOS_BUILD_DIR:-build}
    fi
  fi
  [ -f "$build/build.ninja" ] || meson setup "$build" "${setup_args[@]}"
  meson compile -C "$build"
fi

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
