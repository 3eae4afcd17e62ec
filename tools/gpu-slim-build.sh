#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copies what tools/gpu-sync-check.sh, gpu-descriptor-bench.sh and gpu-barrier-bench.sh run from
# a build folder into a small one, since what a GPU machine run carries is limited (tens of
# MiB): the driver and its manifest, kronos-bench, kronos-startup (tools/startup-bench.sh) and
# the it_sync_*, it_descriptor* and it_barrier_* programs (shaders are compiled into the
# programs).
#   tools/gpu-slim-build.sh build build-gpu
set -euo pipefail
src=$1 dst=$2
rm -rf "$dst"
mkdir -p "$dst/src" "$dst/icd" "$dst/benchmarks" "$dst/tools" "$dst/tests/integration"
cp "$src/src/libvulkan_kronos.so" "$dst/src/"
cp "$src/icd/kronos_icd.x86_64.json" "$dst/icd/"   # its library_path is relative
cp "$src/benchmarks/kronos-bench" "$dst/benchmarks/"
cp "$src/tools/kronos-startup" "$dst/tools/"
for f in "$src"/tests/integration/it_sync_* "$src"/tests/integration/it_descriptor* \
         "$src"/tests/integration/it_barrier_*; do
  [ -f "$f" ] && cp "$f" "$dst/tests/integration/"
done
du -sh "$dst"
