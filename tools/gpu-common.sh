# SPDX-License-Identifier: MIT
# What tools/gpu-sync-check.sh, gpu-descriptor-bench.sh and gpu-barrier-bench.sh share, sourced
# by each after `set -u` and with out set to the output folder: the vendor (NVIDIA_ICD, which
# `source .gl/on-device` sets; the caller stops here without it) as Kronos's vendor driver
# (KRONOS_VENDOR_ICD), runs ($out/runs, the runs' files: a part stopped at its deadline
# still leaves them for tools/gpu-session.sh to pack) and $out/info.txt (the
# date, the GPUs, the driver's version and the CPU count).
vendor=${NVIDIA_ICD:?source .gl/on-device first}
export KRONOS_VENDOR_ICD=$vendor
runs=$out/runs
mkdir -p "$runs"
{ date -u; nvidia-smi -L; nvidia-smi --query-gpu=driver_version --format=csv,noheader; nproc; } \
   > "$out/info.txt" 2>&1

# The vendor's device and the Kronos driver of a build folder, in one instance; the validation
# layer the slim build carries (tools/gpu-slim-build.sh) where the machine has none of its own.
gpu_use() { # build folder
  export VK_DRIVER_FILES=$vendor:$(cd "$1" && pwd)/icd/kronos_icd.x86_64.json
  if [ -d "$1/layers" ] && [ ! -r /usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json ]; then
    export VK_LAYER_PATH=$(cd "$1/layers" && pwd)${VK_LAYER_PATH:+:$VK_LAYER_PATH}
  fi
}

# One program run, appended to $out/FILE: "=== LABEL", what it printed, "exit status N".
gpu_run() { # file, timeout in seconds, label, then what env runs: VARIABLE=value ... program...
  local file=$1 limit=$2 label=$3
  shift 3
  echo "=== $label" >> "$out/$file"
  timeout "$limit" env "$@" >> "$out/$file" 2>&1
  echo "exit status $?" >> "$out/$file"
}

# gpu_cpus: the CPUs next to the GPU (its PCI device's local_cpulist, the first NVIDIA display
# device's; empty where none says); pick: two of them (or of the process's own, without one),
# the first two it names, for runs pinned with taskset.
gpu_pick_cpus() {
  gpu_cpus=
  local dev
  for dev in /sys/bus/pci/devices/*; do
    if [ "$(cat "$dev/vendor" 2>/dev/null)" = 0x10de ] && [ -r "$dev/local_cpulist" ]; then
      gpu_cpus=$(cat "$dev/local_cpulist")
      break
    fi
  done
  pick=$(python3 - "${gpu_cpus:-$(taskset -pc $$ | sed 's/.*: //')}" << 'EOF'
import sys
cpus = []
for part in sys.argv[1].split(","):
    a, _, b = part.partition("-")
    cpus += range(int(a), int(b or a) + 1)
print(",".join(str(c) for c in cpus[:2]))
EOF
)
}

# gpu_pick_cpus, and what it found in $out/host.txt.
gpu_note_cpus() {
  gpu_pick_cpus
  echo "GPU-local CPUs: ${gpu_cpus:-unknown}; pinned runs use CPUs $pick" > "$out/host.txt"
}

# gpu_run twice: the process where the scheduler puts it ("free-LABEL"), then pinned with
# taskset to the CPUs gpu_note_cpus picked ("pinned-LABEL"), under one environment setting.
gpu_free_pinned() { # file, timeout in seconds, label, VARIABLE=value, then the program...
  local file=$1 limit=$2 label=$3 setting=$4
  shift 4
  gpu_run "$file" "$limit" "free-$label" "$setting" "$@"
  gpu_run "$file" "$limit" "pinned-$label" "$setting" taskset -c "$pick" "$@"
}
