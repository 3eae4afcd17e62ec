#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs every Debian 12 package Kronos needs to build, test and run (as root, or via sudo).
# Skips apt entirely when everything is already installed. --fuzzing adds what the libFuzzer
# target needs (README.md, "Fuzzing").
set -euo pipefail

packages=(
  build-essential pkg-config python3 meson ninja-build    # build
  libvulkan-dev libvulkan-volk-dev spirv-headers          # Vulkan headers, registry, loader, volk
  libcjson-dev                                            # manifest parsing
  glslc spirv-tools                                       # shaders
  libcmocka-dev                                           # unit tests
  mesa-vulkan-drivers vulkan-tools                        # lavapipe (default vendor), vulkaninfo
  vulkan-validationlayers                                 # the compute example's validation run
  binutils                                                # nm, for the exports test
  python3-matplotlib                                      # kronos-bench's PNG (tools/plot_bench.py)
)
if [ "${1:-}" = "--fuzzing" ]; then
  packages+=(clang libclang-rt-14-dev)                    # -Dfuzzing=true: clang, libFuzzer
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi
echo "kronos setup: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
