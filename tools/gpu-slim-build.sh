#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copies what tools/gpu-sync-check.sh, gpu-descriptor-bench.sh and gpu-barrier-bench.sh run from
# a build folder into a small one, since what a GPU machine run carries is limited (tens of
# MiB): the driver and its manifest, kronos-bench, kronos-startup (tools/startup-bench.sh),
# timestamp-cost and record-cost, and
# the it_sync_*, it_descriptor*, it_barrier_* and it_maintenance6 programs (shaders are compiled into the
# programs), and this machine's Khronos validation layer (Debian's vulkan-validationlayers), since
# the GPU machine has none: tools/gpu-common.sh points VK_LAYER_PATH at it there.
#   tools/gpu-slim-build.sh build build-gpu
set -euo pipefail
src=$1 dst=$2
rm -rf "$dst"
mkdir -p "$dst/src" "$dst/icd" "$dst/benchmarks" "$dst/tools" "$dst/tests/integration"
cp "$src/src/libvulkan_kronos.so" "$dst/src/"
cp "$src/icd/kronos_icd.x86_64.json" "$dst/icd/"   # its library_path is relative
cp "$src/benchmarks/kronos-bench" "$dst/benchmarks/"
cp "$src/tools/kronos-startup" "$src/tools/timestamp-cost" "$src/tools/record-cost" "$dst/tools/"
for f in "$src"/tests/integration/it_sync_* "$src"/tests/integration/it_descriptor* \
         "$src"/tests/integration/it_barrier_* "$src"/tests/integration/it_maintenance6; do
  [ -f "$f" ] && cp "$f" "$dst/tests/integration/"
done
layer=/usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json
if [ -r "$layer" ]; then
  mkdir -p "$dst/layers"
  library=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["layer"]["library_path"])' "$layer")
  [ "${library#/}" = "$library" ] && library=/usr/lib/x86_64-linux-gnu/$library
  cp "$library" "$dst/layers/"
  # The manifest names its library relative to itself, so the copy finds its own.
  python3 -c '
import json, os, sys
m = json.load(open(sys.argv[1]))
m["layer"]["library_path"] = "./" + os.path.basename(m["layer"]["library_path"])
json.dump(m, open(sys.argv[2], "w"), indent=4)' "$layer" "$dst/layers/VkLayer_khronos_validation.json"
fi
# Without debug information the programs and the driver take a tenth of the room, which leaves
# the validation layer room in a call's carry (64 MiB with the working tree).
find "$dst" -type f \( -perm -u+x -o -name '*.so' \) ! -path "$dst/layers/*" \
   -exec strip --strip-debug {} +
du -sh "$dst"
