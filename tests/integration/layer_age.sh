# SPDX-License-Identifier: MIT
# Sourced by the scripts that load a layer below Kronos. layer_older_than_headers MANIFEST exits
# 77 (skipped), saying why, when the layer's api_version is an older Vulkan version than the
# headers Kronos was built with (KRONOS_HEADERS_VERSION): Debian 12's validation layer (1.3.239)
# does not know the structures of Vulkan 1.4 and its extensions, which Kronos then gives the
# vendor, and reports each as invalid.
layer_older_than_headers() {
  local manifest=$1 layer oldest
  [ -n "${KRONOS_HEADERS_VERSION:-}" ] || return 0
  layer=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print((d.get("layers") or [d["layer"]])[0]["api_version"])' "$manifest") ||
    return 0
  # major.minor of each, the older first
  oldest=$(printf '%s\n%s\n' "${layer%.*}" "${KRONOS_HEADERS_VERSION%.*}" | sort -V | head -n 1)
  if [ "$oldest" != "${KRONOS_HEADERS_VERSION%.*}" ]; then
    echo "SKIP: the layer of $manifest is Vulkan $layer, older than the headers Kronos was built" \
         "with ($KRONOS_HEADERS_VERSION): it cannot check what Kronos gives the vendor"
    exit 77
  fi
}
