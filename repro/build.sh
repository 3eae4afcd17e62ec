#!/usr/bin/env bash
# Builds the reproducers: ./build.sh [out-dir] [extra cflags...]
# Example: ./build.sh out-asan -fsanitize=address,undefined
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/out}; shift || true
mkdir -p "$out"
cd "$here/shaders"
for s in *.comp; do n=${s%.comp}; glslc --target-env=vulkan1.2 -O -mfmt=c -o "$n.inc" "$s"; { echo "static const uint32_t ${n}_spv[] ="; cat "$n.inc"; echo ";"; } > "${n}_spv.h"; rm "$n.inc"; done
cd "$here"
cflags=(-std=gnu11 -g -O1 -Wall -DVK_NO_PROTOTYPES -I"$here" -I"$here/../include" "$@")
[ -f "$out/volk.o" ] || cc "${cflags[@]}" -c /usr/include/volk.c -o "$out/volk.o"
for p in repro_*.c; do
  cc "${cflags[@]}" "$p" rc.c "$out/volk.o" -o "$out/${p%.c}" -ldl -lpthread -lm
done
echo "built into $out"
