#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 14's one-GPU part on the GPU machine, after `source .gl/on-device`: the GPU and lavapipe,
# two vendors in one Kronos instance. Lavapipe (Debian 12's mesa-vulkan-drivers and the
# libraries it needs, as .deb files under DEBS, which the machine lacks) is unpacked into / first.
# Then, with BUILD (a build made with the newer headers): vulkaninfo --summary through Kronos over
# both vendors, test_multi_device (one thread per Kronos device, each against its vendor device),
# and, over NVIDIA alone, it_proc_addr, it_properties_1_4, it_maintenance6 and kronos-bench's
# gemm-coopmat rows. Writes OUT/multi.txt.
#   tools/gpu-multi-device.sh build-gpu-multi build-lvpdebs/b
set -u
build=$(cd "$1" && pwd) debs=$2 out=${OUT:?OUT must name the output folder}
nvidia=${NVIDIA_ICD:?source .gl/on-device first}
for f in "$debs"/*.deb; do dpkg -x "$f" /; done
ldconfig
lvp=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
kronos=$build/icd/kronos_icd.x86_64.json
run() { # label, then the command
  echo "=== $1" >> "$out/multi.txt"
  shift
  timeout 300 "$@" >> "$out/multi.txt" 2>&1
  echo "exit status $?" >> "$out/multi.txt"
}
{ date -u; nvidia-smi -L; nvidia-smi --query-gpu=driver_version --format=csv,noheader; } \
  >> "$out/multi.txt" 2>&1
export KRONOS_VENDOR_ICD=$nvidia:$lvp
run "vulkaninfo --summary through Kronos over NVIDIA and lavapipe" \
  env VK_DRIVER_FILES=$kronos vulkaninfo --summary
run "test_multi_device, NVIDIA and lavapipe" \
  env VK_DRIVER_FILES=$nvidia:$lvp:$kronos "$build/tests/programs/test_multi_device" \
  --expect-devices 2 --rounds 6
export KRONOS_VENDOR_ICD=$nvidia
for t in it_proc_addr it_properties_1_4 it_maintenance6; do
  run "$t over NVIDIA" env VK_DRIVER_FILES=$nvidia:$kronos "$build/tests/integration/$t"
done
run "kronos-bench gemm-coopmat over NVIDIA" env VK_DRIVER_FILES=$nvidia:$kronos \
  "$build/benchmarks/kronos-bench" --no-plot --workload gemm-coopmat --size 8M,64M --batch 1,16
