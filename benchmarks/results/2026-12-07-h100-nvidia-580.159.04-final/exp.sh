#!/usr/bin/env bash
# Nineteenth session's call: issue 10's H200 checks of the final driver, then the log setting.
set -u
b=$1
start=$(date +%s)
nvidia-smi --query-gpu=name,driver_version,uuid --format=csv > "$OUT/card.txt"
cat "$OUT/card.txt"
PAIRED_ROUNDS=3 tools/gpu-session.sh 430 "$b" "$b" paired descriptor barrier-tests
cat "$OUT/session.txt"
left=$((560 - ($(date +%s) - start)))
if [ "$left" -gt 60 ]; then
  mkdir -p "$OUT/defer"
  # .gl/exp4.sh is ../2026-12-07-h100-nvidia-580.159.04-unlogged/exp.sh.
  OUT=$OUT/defer timeout "$left" bash .gl/exp4.sh "$b" 2
  echo "defer: exit $? after $(($(date +%s) - start)) s since start" >> "$OUT/session.txt"
  tar -czf "$OUT/defer.tgz" -C "$OUT" defer && rm -rf "$OUT/defer"
fi
