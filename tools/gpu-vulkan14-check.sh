#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The GPU side of issue 15 (Vulkan 1.4 and the compute extensions), in one call on the GPU
# machine after `source .gl/on-device` (NVIDIA_ICD), with a slim build made with the newer
# headers (tools/newer-vulkan.sh, -Dvulkan_headers; tools/gpu-slim-build.sh):
#  - vulkaninfo directly and through Kronos: apiVersion and the issue's extensions, each side
#    (vulkaninfo.txt: the lines that differ between the two are what Kronos leaves out);
#  - it_maintenance6 over NVIDIA (vendor against Kronos);
#  - kronos-bench's gemm-coopmat rows (8 and 64 MiB, 1 and 16 per submit), twice, with the saxpy
#    and gemm rows of the same sizes for comparison. Not under the validation layer: Debian 12's
#    (1.3.239) knows neither VK_KHR_cooperative_matrix nor Vulkan 1.4.
# Writes under OUT: info.txt, vulkaninfo.txt, tests.txt, coopmat-rows.txt, results.tgz.
#   tools/gpu-vulkan14-check.sh build-gpu
set -u
build=$1 out=${OUT:?OUT must name the output folder}
source "$(dirname "${BASH_SOURCE[0]}")/gpu-common.sh"
gpu_use "$build"
kronos_only=$(cd "$build" && pwd)/icd/kronos_icd.x86_64.json

extensions='apiVersion|VK_KHR_cooperative_matrix|VK_NV_cooperative_matrix2|VK_KHR_shader_bfloat16'
extensions+='|VK_KHR_shader_float_controls2|VK_KHR_shader_subgroup_rotate'
extensions+='|VK_KHR_shader_expect_assume|VK_KHR_shader_integer_dot_product|VK_KHR_maintenance[5-8]'
extensions+='|VK_KHR_compute_shader_derivatives|VK_EXT_shader_replicated_composites'
extensions+='|VK_KHR_shader_relaxed_extended_instruction|VK_KHR_push_descriptor|driverInfo'
{
  for side in direct kronos; do
    manifest=$vendor
    [ "$side" = kronos ] && manifest=$kronos_only
    echo "=== vulkaninfo, $side"
    VK_DRIVER_FILES=$manifest timeout 60 vulkaninfo > "$runs/vulkaninfo-$side.txt" 2>&1
    echo "exit status $?"
    grep -E "$extensions" "$runs/vulkaninfo-$side.txt" | sed 's/^[ \t]*//; s/[ \t][ \t]*/ /g' | sort -u \
      > "$runs/extensions-$side.txt"
    cat "$runs/extensions-$side.txt"
  done
  echo "=== in the direct list, not through Kronos"
  comm -23 "$runs/extensions-direct.txt" "$runs/extensions-kronos.txt"
} > "$out/vulkaninfo.txt" 2>&1

gpu_run tests.txt 120 "it_maintenance6" "$build/tests/integration/it_maintenance6"

bench() { # name, then kronos-bench arguments
  local name=$1
  shift
  "$build/benchmarks/kronos-bench" --no-plot --out "$runs/$name" "$@" > "$runs/$name.log" 2>&1
  echo "== $name ($*): exit $?" >> "$out/coopmat-rows.txt"
  grep -E "^row|^gemm|^saxpy|^result" "$runs/$name.log" >> "$out/coopmat-rows.txt"
}
for i in 1 2; do
  bench "coopmat-$i" --workload gemm-coopmat,gemm,saxpy --size 8M,64M --batch 1,16
done
tar -czf "$out/results.tgz" -C "$runs" .
