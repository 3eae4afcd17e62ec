/* SPDX-License-Identifier: MIT */
/* Where the Khronos loader looks for manifests on Linux, shared by vendor driver manifests
 * (vulkan/icd.d) and layer manifests (vulkan/explicit_layer.d). */
#ifndef KR_MANIFEST_SEARCH_H
#define KR_MANIFEST_SEARCH_H

#include <limits.h>
#include <stdbool.h>

#define KR_MAX_MANIFEST_FOLDERS 32

/* The loader's standard folders for one kind of manifest, in its search order:
 * $XDG_CONFIG_HOME (default ~/.config), $XDG_CONFIG_DIRS (default /etc/xdg), /etc,
 * $XDG_DATA_HOME (default ~/.local/share), $XDG_DATA_DIRS (default /usr/local/share:/usr/share),
 * each followed by "/" and suffix (e.g. "vulkan/icd.d"); relative entries and duplicates are
 * left out. Returns how many were written (at most max). */
unsigned kr_manifest_standard_folders(const char *suffix, char folders[][PATH_MAX], unsigned max);

/* Whether a path names a manifest: it ends in ".json". */
bool kr_is_manifest_path(const char *path);

/* Calls visit with the path of every manifest in folder (at most 64), in name order, until it
 * returns false. A folder that cannot be opened has none. Returns false if visit stopped it. */
bool kr_manifest_scan_folder(const char *folder, bool (*visit)(void *ctx, const char *path),
                             void *ctx);

#endif
