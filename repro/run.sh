#!/usr/bin/env bash
# Runs one reproducer through the loader with lavapipe and Kronos (from a build dir) in one
# instance: ./run.sh [-b build-dir] program [args...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../build
if [ "${1:-}" = -b ]; then build=$2; shift 2; fi
prog=$1; shift
[ -x "$prog" ] || prog=$here/out/$prog
lvp=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
export VK_DRIVER_FILES="$lvp:$(ls "$build"/icd/kronos_icd.*.json | grep -v install)"
export KRONOS_VENDOR_ICD=$lvp
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
exec "$prog" "$@"
