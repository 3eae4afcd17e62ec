#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Prints the manifest of the default vendor driver: KRONOS_VENDOR_ICD if set, else NVIDIA's
# (NVIDIA_ICD, or an NVIDIA manifest in the standard folders), else lavapipe's.
set -euo pipefail

if [ -n "${KRONOS_VENDOR_ICD:-}" ]; then
  echo "$KRONOS_VENDOR_ICD"
  exit 0
fi
if [ -n "${NVIDIA_ICD:-}" ] && [ -r "$NVIDIA_ICD" ]; then
  echo "$NVIDIA_ICD"
  exit 0
fi
for dir in /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/share/vulkan/icd.d \
           /usr/local/nvidia/share/vulkan/icd.d; do
  for manifest in "$dir"/nvidia*.json; do
    if [ -r "$manifest" ]; then
      echo "$manifest"
      exit 0
    fi
  done
done
for manifest in /usr/share/vulkan/icd.d/lvp_icd.*.json; do
  if [ -r "$manifest" ]; then
    echo "$manifest"
    exit 0
  fi
done
echo "no vendor Vulkan driver manifest found (install mesa-vulkan-drivers for lavapipe)" >&2
exit 1
