#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs the GPU checks of several issues in one device call, in the order given, each into its
# own folder under $OUT and each bounded so the call ends before the device's per-call limit:
#   barrier      tools/gpu-barrier-bench.sh NEW     (issue 11)
#   descriptor   tools/gpu-descriptor-bench.sh NEW  (issue 10)
#   sync         tools/gpu-sync-check.sh OLD NEW    (issue 9)
#   startup      tools/startup-bench.sh NEW 20 10   (issue 16)
#   profile      tools/profile-check.sh $PROFILE_CHECK_ARGS NEW  (issue 13)
#   vulkan14     tools/gpu-vulkan14-check.sh NEW    (issue 15; NEW built with the newer headers)
#   overhead     tools/gpu-overhead.sh NEW $OVERHEAD_ROUNDS (issues 10 and 11: where the time goes)
#   idle-device  tools/gpu-idle-device.sh NEW       (issues 10 and 11: a second device's cost)
#   split        tools/gpu-barrier-split.sh NEW     (issue 11: chain-barriers' wall, split)
#   barrier-tests  tools/gpu-barrier-bench.sh NEW with BENCH_ROWS=0 RACE_ROUNDS=1 (issue 11's
#                tests alone)
#   paired       tools/gpu-paired-goals.sh NEW ${PAIRED_ROUNDS:-2} 201 (issues 10 and 11)
#   ab           tools/gpu-builds-ab.sh OLD NEW ${AB_ROUNDS:-2} (a change's effect on the goals)
#   submit       tools/gpu-submit-cost.sh NEW ${SUBMIT_ROUNDS:-2} 101 $SUBMIT_DISPATCHES (issue
#                10: the vendor's submit call by its form)
#   settings     tools/gpu-settings-ab.sh NEW ${SETTINGS_ROUNDS:-4} $SETTING_A $SETTING_B (a
#                setting's effect on the goals, e.g. SETTING_A=KRONOS_WAIT_POLL_US=0)
# A part that would start later than DEADLINE seconds after the start is skipped (and says so
# in $OUT/session.txt); a part that runs past what is left is stopped. Each part's folder goes
# back as one archive, $OUT/PART.tgz, since a device call brings back a limited number of files.
#   source .gl/on-device; tools/gpu-session.sh 540 build-old build-gpu barrier descriptor
set -u
deadline=$1 old=$2 new=$3
shift 3
out=${OUT:?OUT must name the output folder}
here=$(dirname "${BASH_SOURCE[0]}")
start=$(date +%s)
for part in "$@"; do
  left=$((deadline - ($(date +%s) - start)))
  if [ "$left" -lt 60 ]; then
    echo "$part: skipped ($left s left)" >> "$out/session.txt"
    continue
  fi
  mkdir -p "$out/$part"
  case $part in
    barrier) cmd=("$here/gpu-barrier-bench.sh" "$new") ;;
    descriptor) cmd=("$here/gpu-descriptor-bench.sh" "$new") ;;
    sync) cmd=("$here/gpu-sync-check.sh" "$old" "$new") ;;
    startup) cmd=("$here/startup-bench.sh" "$new" 20 10) ;;
    profile) cmd=("$here/profile-check.sh" ${PROFILE_CHECK_ARGS:-} "$new") ;;
    vulkan14) cmd=("$here/gpu-vulkan14-check.sh" "$new") ;;
    overhead) cmd=("$here/gpu-overhead.sh" "$new" ${OVERHEAD_ROUNDS:-}) ;;
    idle-device) cmd=("$here/gpu-idle-device.sh" "$new") ;;
    split) cmd=("$here/gpu-barrier-split.sh" "$new") ;;
    barrier-tests) cmd=(env BENCH_ROWS=0 RACE_ROUNDS=1 "$here/gpu-barrier-bench.sh" "$new") ;;
    paired) cmd=("$here/gpu-paired-goals.sh" "$new" "${PAIRED_ROUNDS:-2}" 201) ;;
    ab) cmd=("$here/gpu-builds-ab.sh" "$old" "$new" "${AB_ROUNDS:-2}") ;;
    submit)
      cmd=("$here/gpu-submit-cost.sh" "$new" "${SUBMIT_ROUNDS:-2}" 101 ${SUBMIT_DISPATCHES:-}) ;;
    settings)
      if [ -z "${SETTING_A:-}" ] || [ -z "${SETTING_B:-}" ]; then
        echo "$part: SETTING_A and SETTING_B must name the settings" >> "$out/session.txt"
        continue
      fi
      cmd=("$here/gpu-settings-ab.sh" "$new" "${SETTINGS_ROUNDS:-4}" "$SETTING_A" "$SETTING_B") ;;
    *) echo "$part: unknown part" >> "$out/session.txt"; continue ;;
  esac
  t0=$(date +%s)
  OUT=$out/$part timeout "$left" "${cmd[@]}"
  echo "$part: exit $? after $(($(date +%s) - t0)) s" >> "$out/session.txt"
  # A call brings back only so many files (eight came back of 2026-12-06's call, the rest were
  # left out): each part's folder, its runs included, goes back as one archive, part.tgz.
  tar -czf "$out/$part.tgz" -C "$out" "$part" && rm -rf "${out:?}/$part"
done
