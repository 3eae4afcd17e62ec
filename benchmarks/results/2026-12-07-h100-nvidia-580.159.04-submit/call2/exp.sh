#!/usr/bin/env bash
# Where Kronos's vkQueueSubmit time goes (instrumented build: build-gpu-exp), by setting.
set -u
out=${OUT:?}
source tools/gpu-common.sh
gpu_use build-gpu-exp
gpu_note_cpus
for i in 1 2 3; do
  for d in "" barrier descriptor batch; do
    gpu_free_pinned submit.txt 60 "$i disable=${d:-none}" KRONOS_DISABLE=$d \
      build-gpu-exp/tools/record-cost --submit --reps 101
  done
done
grep -E "^===|Kronos  |kronos-exp: (kr_Q|vendor|flusher)|^vkQueueSubmit \+ fence +direct  |^vkQueueSubmit2 \+ timeline" "$out/submit.txt"
