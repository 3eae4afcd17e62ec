#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Whether a second, idle device in the process changes how long a submit of a long command
# buffer takes to come back (issues 10 and 11: kronos-bench measures the vendor's device and
# Kronos's in one process, and Kronos's wait came out ~18 us longer per 256-dispatch submit in
# every KRONOS_DISABLE setting). tools/timestamp-cost's chain-nobarriers shape (256 dispatches
# of 1024 elements, no barriers, recorded once), mode `none`, ROUNDS times (default 3) in turn:
#   direct-alone        the vendor's driver only
#   kronos-alone        Kronos only (everything on), and kronos-off-alone (KRONOS_DISABLE=all)
#   direct+idle-kronos  both drivers loaded, the vendor's device measured, a Kronos device idle
#   kronos+idle-direct  both loaded, Kronos's device measured, the vendor's idle
# each idle device created before and after the measured one; then direct and Kronos (on, and
# KRONOS_DISABLE=all) alone with the command buffer recorded again before every submit
# (--rerecord, as kronos-bench does: the 2026-12-06 run found Kronos's wait equal to the
# vendor's for a command buffer recorded once), without and with a barrier after each dispatch
# (kronos-bench's chain-nobarriers and chain-barriers shapes). Writes $OUT/idle-device.txt:
# every run's output, then the median us per submit of each case.
#   source .gl/on-device; tools/gpu-idle-device.sh build-gpu [ROUNDS]
set -u
build=$1 rounds=${2:-3} out=${OUT:?OUT must name the output folder}
source "$(dirname "${BASH_SOURCE[0]}")/gpu-common.sh"
kronos=$(cd "$build" && pwd)/icd/kronos_icd.x86_64.json
tool=("$build/tools/timestamp-cost" --dispatches 256 --elements 1024 --no-barriers --reps 9)
log=$out/idle-device.txt

# The loader's index of the device whose name starts (or does not start) with "Kronos".
index_of() { # kronos|vendor
  VK_DRIVER_FILES=$vendor:$kronos "${tool[@]}" --device 0 --submits 1 --reps 1 2>/dev/null |
    head -1 | grep -q '^Kronos' && first=kronos || first=vendor
  [ "$1" = "$first" ] && echo 0 || echo 1
}
k=$(index_of kronos) d=$(index_of vendor)

one() { # case label, then env assignments and timestamp-cost options
  local label=$1
  shift
  echo "=== $label" >> "$log"
  timeout 120 env "$@" >> "$log" 2>&1
  echo "exit status $?" >> "$log"
}
for i in $(seq "$rounds"); do
  one direct-alone VK_DRIVER_FILES="$vendor" "${tool[@]}"
  one kronos-alone VK_DRIVER_FILES="$kronos" KRONOS_DISABLE= "${tool[@]}"
  one kronos-off-alone VK_DRIVER_FILES="$kronos" KRONOS_DISABLE=all "${tool[@]}"
  for when in before after; do
    one "direct+idle-kronos-$when" VK_DRIVER_FILES="$vendor:$kronos" KRONOS_DISABLE= \
       "${tool[@]}" --device "$d" --idle-$when "$k"
    one "kronos+idle-direct-$when" VK_DRIVER_FILES="$vendor:$kronos" KRONOS_DISABLE= \
       "${tool[@]}" --device "$k" --idle-$when "$d"
  done
  for shape in nobarriers barriers; do
    again=(--dispatches 256 --elements 1024 --reps 9 --rerecord)
    [ $shape = nobarriers ] && again+=(--no-barriers)
    one "direct-alone-rerecord-$shape" VK_DRIVER_FILES="$vendor" "$build/tools/timestamp-cost" \
       "${again[@]}"
    one "kronos-alone-rerecord-$shape" VK_DRIVER_FILES="$kronos" KRONOS_DISABLE= \
       "$build/tools/timestamp-cost" "${again[@]}"
    one "kronos-off-alone-rerecord-$shape" VK_DRIVER_FILES="$kronos" KRONOS_DISABLE=all \
       "$build/tools/timestamp-cost" "${again[@]}"
  done
done
python3 - "$log" >> "$log" << 'PY'
import re, statistics, sys
cases, label = {}, None
for line in open(sys.argv[1]):
    if line.startswith('=== '):
        label = line[4:].strip()
    m = re.match(r'none\s+([\d.]+)', line)
    if m and label:
        cases.setdefault(label, []).append(float(m.group(1)))
print('median us per submit of mode none (256 dispatches, no barriers), over rounds:')
for label, values in cases.items():
    print(f'{label:28} {statistics.median(values):9.2f}   ({" ".join(f"{v:.2f}" for v in values)})')
PY
