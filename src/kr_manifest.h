/* SPDX-License-Identifier: MIT */
/* Vulkan driver manifests (the loader's ICD JSON files), parsed with cJSON. Pure logic. */
#ifndef KR_MANIFEST_H
#define KR_MANIFEST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kr_manifest {
   /* Where to dlopen the driver: an absolute path, a path relative to the manifest resolved
    * against the manifest's folder, or a bare soname left to the dynamic linker's search. */
   char library_path[PATH_MAX];
   uint32_t api_version;        /* VK_MAKE_API_VERSION of "api_version", 0 when absent */
   char file_format_version[16];
};

/* Parses a manifest's text; manifest_path is used to resolve relative library paths.
 * On failure returns false and writes the reason (without the path) into err. */
bool kr_manifest_parse(const char *text, const char *manifest_path, struct kr_manifest *out,
                       char *err, size_t err_size);

/* Reads and parses a manifest file; on failure writes the reason into err. */
bool kr_manifest_load(const char *path, struct kr_manifest *out, char *err, size_t err_size);

/* Parses "major.minor.patch" into a VK_MAKE_API_VERSION; false if malformed. */
bool kr_parse_version(const char *text, uint32_t *version);

#endif
