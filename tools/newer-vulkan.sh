#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Newer Vulkan for a Debian 12 machine, unpacked into the build tree (build-deps/ by default),
# nothing installed system-wide and Debian 12's loader kept (README "Vulkan headers"):
#   vulkan-headers/  Vulkan-Headers 1.4.309 (headers and vk.xml) from Debian 13's libvulkan-dev,
#                    for meson's -Dvulkan_headers=<that folder>/usr
#   mesa/            Mesa 25's lavapipe from bookworm-backports' mesa-vulkan-drivers, with its
#                    own manifest mesa/lvp_icd.json (a Vulkan 1.4 vendor for the tests)
# Packages are fetched by name with `apt-get download` through an apt state of its own (Debian 13
# and bookworm-backports, signed by Debian's archive keys), so the machine's sources stay as
# they are. Does nothing for what is already unpacked; says on stderr what it unpacked, and on
# stdout only what it is asked for:
#   tools/newer-vulkan.sh [--dir DIR] [--print-headers | --print-mesa]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/build-deps
print=
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=$2; shift 2 ;;
    --print-headers) print=headers; shift ;;
    --print-mesa) print=mesa; shift ;;
    *) echo "usage: $0 [--dir DIR] [--print-headers | --print-mesa]" >&2; exit 2 ;;
  esac
done
headers=$dir/vulkan-headers
mesa=$dir/mesa

apt_state=$dir/apt
apt_opts=(-o "Dir::Etc::SourceList=$apt_state/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o "Dir::State::Lists=$apt_state/lists" -o "Dir::Cache=$apt_state/cache"
          -o APT::Sandbox::User=root -qq)

apt_ready=0
apt_update() {
  [ $apt_ready = 1 ] && return
  mkdir -p "$apt_state/lists/partial" "$apt_state/cache/archives/partial"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  cat > "$apt_state/sources.list" <<EOF
deb [signed-by=$keyring] http://deb.debian.org/debian trixie main
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm-backports main
EOF
  apt-get "${apt_opts[@]}" update
  apt_ready=1
}

# fetch PACKAGE/SUITE DEST: the package's .deb unpacked into DEST (whole, then trimmed by the
# caller); prints the version fetched.
fetch() {
  local package=$1 dest=$2 work
  work=$(mktemp -d)
  (cd "$work" && apt-get "${apt_opts[@]}" download "$package" >&2)
  dpkg-deb -x "$work"/*.deb "$dest"
  dpkg-deb -f "$work"/*.deb Version
  rm -rf "$work"
}

if [ ! -f "$headers/usr/share/vulkan/registry/vk.xml" ]; then
  apt_update
  rm -rf "$headers.tmp"
  version=$(fetch libvulkan-dev/trixie "$headers.tmp")
  # headers and registry only: not the loader's library or pkg-config file
  mkdir -p "$headers/usr/include" "$headers/usr/share/vulkan"
  mv "$headers.tmp/usr/include/vulkan" "$headers.tmp/usr/include/vk_video" "$headers/usr/include/"
  mv "$headers.tmp/usr/share/vulkan/registry" "$headers/usr/share/vulkan/"
  echo "$version" > "$headers/VERSION"
  rm -rf "$headers.tmp"
  echo "newer-vulkan: Vulkan-Headers from libvulkan-dev $version (Debian 13) in $headers" >&2
fi

if [ ! -f "$mesa/lvp_icd.json" ]; then
  apt_update
  rm -rf "$mesa.tmp"
  version=$(fetch mesa-vulkan-drivers/bookworm-backports "$mesa.tmp")
  mkdir -p "$mesa"
  mv "$mesa.tmp/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so" "$mesa/"
  api=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ICD"]["api_version"])' \
        "$mesa.tmp/usr/share/vulkan/icd.d/lvp_icd.json")
  cat > "$mesa/lvp_icd.json" <<EOF
{
    "file_format_version": "1.0.0",
    "ICD": {
        "library_path": "$mesa/libvulkan_lvp.so",
        "api_version": "$api"
    }
}
EOF
  echo "$version" > "$mesa/VERSION"
  rm -rf "$mesa.tmp"
  echo "newer-vulkan: lavapipe from mesa-vulkan-drivers $version (bookworm-backports) in $mesa" >&2
fi

case $print in
  headers) echo "$headers/usr" ;;
  mesa) echo "$mesa/lvp_icd.json" ;;
esac
