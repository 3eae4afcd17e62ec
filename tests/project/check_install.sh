#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `meson install` puts the library and a manifest that points at it where the loader looks,
# and the installed driver works through the loader.
# Usage: check_install.sh BUILD_DIR
set -euo pipefail
build=$1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --destdir "$dest" --quiet >/dev/null
prefix=$(meson introspect "$build" --buildoptions | python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
manifest=$(ls "$dest$prefix"/share/vulkan/icd.d/kronos_icd.*.json)
library=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["ICD"]["library_path"])' "$manifest")
case "$library" in
  "$prefix"/*) ;;
  *) echo "installed manifest names $library, outside the prefix $prefix"; exit 1 ;;
esac
[ -f "$dest$library" ] || { echo "installed manifest names $library, which was not installed"; exit 1; }
[ -f "$dest$prefix/include/kronos/kronos.h" ] || { echo "public header not installed"; exit 1; }
[ -x "$dest$prefix/bin/kronos-run" ] || { echo "kronos-run not installed"; exit 1; }
grep -q "^KRONOS_MANIFEST = \"$prefix/share/vulkan/icd.d/kronos_icd" "$dest$prefix/bin/kronos-run" ||
  { echo "the installed kronos-run does not name the installed manifest"; exit 1; }
# Its helper module, where the installed script looks (PYTHONPATH: the staged copy).
PYTHONPATH="$dest$prefix/share/kronos" "$dest$prefix/bin/kronos-run" --list > "$dest/list.txt" 2>&1 ||
  { cat "$dest/list.txt"; echo "the installed kronos-run --list failed"; exit 1; }

# Point a copy of the manifest at the staged library and load it through the loader.
staged="$dest/staged.json"
sed "s|\"$library\"|\"$dest$library\"|" "$manifest" > "$staged"
LD_PRELOAD="${KRONOS_TEST_PRELOAD:-}" ASAN_OPTIONS=detect_leaks=0 VK_DRIVER_FILES="$staged" \
  vulkaninfo --summary > "$dest/summary.txt" 2>&1 || { cat "$dest/summary.txt"; exit 1; }
grep -q "deviceName *= Kronos (" "$dest/summary.txt" || { cat "$dest/summary.txt"; exit 1; }
echo "installed: $library and $manifest; loads through the loader"
