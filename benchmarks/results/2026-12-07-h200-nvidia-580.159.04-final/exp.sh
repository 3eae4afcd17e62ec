#!/usr/bin/env bash
# Nineteenth session, the two calls on the H200 (run from the repository root on the GPU
# machine; build-gpu-s19 is `tools/gpu-slim-build.sh build build-gpu-s19` of 3a35f11's driver).
# Call 1 (a call that stops at once where the card is not an H200):
source .gl/on-device
nvidia-smi --query-gpu=name --format=csv,noheader | grep -q H200 || { nvidia-smi -L; exit 3; }
nvidia-smi --query-gpu=name,driver_version,uuid --format=csv > "$OUT/card.txt"
PAIRED_ROUNDS=3 tools/gpu-session.sh 250 build-gpu-s19 build-gpu-s19 paired descriptor barrier-tests
# Call 2, on the same machine right after (call2/):
#   PAIRED_ROUNDS=3 tools/gpu-session.sh 100 build-gpu-s19 build-gpu-s19 paired
