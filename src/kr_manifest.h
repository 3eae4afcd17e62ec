/* SPDX-License-Identifier: MIT */
/* Vulkan manifests, parsed with cJSON: driver manifests (the loader's ICD JSON files) and layer
 * manifests (its layer JSON files). Pure logic. */
#ifndef KR_MANIFEST_H
#define KR_MANIFEST_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

struct kr_manifest {
   /* Where to dlopen the driver: an absolute path, a path relative to the manifest resolved
    * against the manifest's folder, or a bare soname left to the dynamic linker's search. */
   char library_path[PATH_MAX];
   uint32_t api_version;        /* VK_MAKE_API_VERSION of "api_version", 0 when absent */
   char file_format_version[16]; /* "1.x.y", as parsed: canonical, whatever the spelling */
};

/* Parses a manifest's text; manifest_path is used to resolve relative library paths.
 * On failure returns false and writes the reason (without the path) into err. */
bool kr_manifest_parse(const char *text, const char *manifest_path, struct kr_manifest *out,
                       char *err, size_t err_size);

/* Reads and parses a manifest file; on failure writes the reason into err. */
bool kr_manifest_load(const char *path, struct kr_manifest *out, char *err, size_t err_size);

/* One layer that a layer manifest declares. */
struct kr_layer_manifest {
   char name[VK_MAX_EXTENSION_NAME_SIZE];
   /* Resolved as a driver's library_path is; empty for a meta layer. */
   char library_path[PATH_MAX];
   /* A meta layer ("component_layers"): a list of other layers, no library of its own. */
   bool meta;
   uint32_t api_version;
   /* The library's own names for these functions ("functions"); empty: the standard names. */
   char get_instance_proc_addr[VK_MAX_EXTENSION_NAME_SIZE];
   char get_device_proc_addr[VK_MAX_EXTENSION_NAME_SIZE];
   char negotiate_interface[VK_MAX_EXTENSION_NAME_SIZE];
};

/* Parses a layer manifest's text (a "layer" object, or a "layers" array), as the loader reads
 * one: every layer needs "name", "type", "api_version", "implementation_version", "description",
 * and "library_path" unless it has "component_layers". When every layer is well formed, calls
 * declare for each in order and returns true; else returns false with the reason in err, and
 * declares none. manifest_path resolves relative library paths. */
bool kr_layer_manifest_parse(const char *text, const char *manifest_path,
                             void (*declare)(void *ctx, const struct kr_layer_manifest *layer),
                             void *ctx, char *err, size_t err_size);

/* Reads a manifest file into a NUL-terminated string to free(); NULL with the reason in err
 * when it cannot be read or is larger than any manifest. */
char *kr_manifest_read(const char *path, char *err, size_t err_size);

/* Parses "major.minor.patch" into a VK_MAKE_API_VERSION; false if malformed. */
bool kr_parse_version(const char *text, uint32_t *version);

#endif
