/* SPDX-License-Identifier: MIT */
#include "kr_manifest.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

/* Manifests are a few hundred bytes; anything this large is not one. */
#define MAX_MANIFEST_SIZE (1 << 20)

/* One decimal field of at most `max`, ending at `end` (a '.' or the string's end). */
static bool
parse_field(const char **text, unsigned long max, char end, unsigned long *out)
{
   const char *start = *text;
   if (*start < '0' || *start > '9')
      return false;
   char *stop;
   errno = 0;
   *out = strtoul(start, &stop, 10);
   if (errno || *out > max || *stop != end)
      return false;
   *text = stop + (end ? 1 : 0);
   return true;
}

bool
kr_parse_version(const char *text, uint32_t *version)
{
   unsigned long major, minor, patch;
   if (!parse_field(&text, 127, '.', &major) || !parse_field(&text, 1023, '.', &minor) ||
       !parse_field(&text, 4095, '\0', &patch))
      return false;
   *version = VK_MAKE_API_VERSION(0, major, minor, patch);
   return true;
}

static bool
resolve_library_path(const char *library, const char *manifest_path, char *out, size_t size)
{
   int n;
   if (library[0] == '/' || !strchr(library, '/')) {
      /* Absolute, or a bare soname for the dynamic linker's search. */
      n = snprintf(out, size, "%s", library);
   } else {
      const char *slash = strrchr(manifest_path, '/');
      int dir_len = slash ? (int)(slash - manifest_path) : 1;
      const char *dir = slash ? manifest_path : ".";
      n = snprintf(out, size, "%.*s/%s", dir_len, dir, library);
   }
   return n > 0 && (size_t)n < size;
}

/* The manifest's "file_format_version" when Kronos reads that format (1.x.y): true with it in
 * *version, else false with the reason in err. */
static bool
file_format_version(const cJSON *root, uint32_t *version, char *err, size_t err_size)
{
   const cJSON *format = cJSON_GetObjectItemCaseSensitive(root, "file_format_version");
   if (!cJSON_IsString(format)) {
      snprintf(err, err_size, "no \"file_format_version\" string");
      return false;
   }
   if (!kr_parse_version(format->valuestring, version) || VK_API_VERSION_MAJOR(*version) != 1) {
      snprintf(err, err_size, "unsupported file_format_version \"%s\"", format->valuestring);
      return false;
   }
   return true;
}

/* Whether an object's optional "library_arch" is this process's; else the reason in err. */
static bool
library_arch_matches(const cJSON *object, char *err, size_t err_size)
{
   const cJSON *arch = cJSON_GetObjectItemCaseSensitive(object, "library_arch");
   const char *want = sizeof(void *) == 8 ? "64" : "32";
   if (arch && (!cJSON_IsString(arch) || strcmp(arch->valuestring, want) != 0)) {
      snprintf(err, err_size, "library_arch is not %s-bit", want);
      return false;
   }
   return true;
}

bool
kr_manifest_parse(const char *text, const char *manifest_path, struct kr_manifest *out,
                  char *err, size_t err_size)
{
   bool ok = false;
   memset(out, 0, sizeof(*out));
   cJSON *root = cJSON_Parse(text);
   if (!root) {
      snprintf(err, err_size, "not valid JSON");
      goto done;
   }
   uint32_t format;
   if (!file_format_version(root, &format, err, err_size))
      goto done;
   /* Kept in its canonical form, which always fits: the text may spell the same version at
    * any length ("1.00000000000000000000.0"), and a copy cut short would not read back. */
   snprintf(out->file_format_version, sizeof(out->file_format_version), "%u.%u.%u",
            VK_API_VERSION_MAJOR(format), VK_API_VERSION_MINOR(format),
            VK_API_VERSION_PATCH(format));

   const cJSON *icd = cJSON_GetObjectItemCaseSensitive(root, "ICD");
   if (!cJSON_IsObject(icd)) {
      snprintf(err, err_size, "no \"ICD\" object");
      goto done;
   }
   const cJSON *library = cJSON_GetObjectItemCaseSensitive(icd, "library_path");
   if (!cJSON_IsString(library) || !library->valuestring[0]) {
      snprintf(err, err_size, "no \"ICD.library_path\" string");
      goto done;
   }
   if (!resolve_library_path(library->valuestring, manifest_path, out->library_path,
                             sizeof(out->library_path))) {
      snprintf(err, err_size, "library_path too long");
      goto done;
   }
   const cJSON *api = cJSON_GetObjectItemCaseSensitive(icd, "api_version");
   if (api && (!cJSON_IsString(api) || !kr_parse_version(api->valuestring, &out->api_version))) {
      snprintf(err, err_size, "malformed \"ICD.api_version\"");
      goto done;
   }
   if (!library_arch_matches(icd, err, err_size))
      goto done;
   ok = true;
done:
   cJSON_Delete(root);
   return ok;
}

char *
kr_manifest_read(const char *path, char *err, size_t err_size)
{
   char *text = NULL;
   FILE *file = fopen(path, "rb");
   if (!file) {
      snprintf(err, err_size, "cannot open: %s", strerror(errno));
      return NULL;
   }
   text = malloc(MAX_MANIFEST_SIZE + 1);
   if (!text) {
      snprintf(err, err_size, "out of host memory");
      goto fail;
   }
   size_t len = fread(text, 1, MAX_MANIFEST_SIZE + 1, file);
   if (ferror(file)) {
      snprintf(err, err_size, "cannot read: %s", strerror(errno));
      goto fail;
   }
   if (len > MAX_MANIFEST_SIZE) {
      snprintf(err, err_size, "larger than %d bytes", MAX_MANIFEST_SIZE);
      goto fail;
   }
   text[len] = '\0';
   fclose(file);
   return text;
fail:
   free(text);
   fclose(file);
   return NULL;
}

bool
kr_manifest_load(const char *path, struct kr_manifest *out, char *err, size_t err_size)
{
   char *text = kr_manifest_read(path, err, err_size);
   if (!text)
      return false;
   bool ok = kr_manifest_parse(text, path, out, err, err_size);
   free(text);
   return ok;
}

/* A member that must be a non-empty string; NULL with the reason in err otherwise. */
static const char *
required_string(const cJSON *object, const char *key, const char *layer, char *err,
                size_t err_size)
{
   const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
   if (!cJSON_IsString(item) || !item->valuestring[0]) {
      snprintf(err, err_size, "layer %s: no \"%s\" string", layer, key);
      return NULL;
   }
   return item->valuestring;
}

/* Copies an optional "functions" member naming the library's own function. */
static bool
function_name(const cJSON *functions, const char *key, char *out, size_t size,
              const char *layer, char *err, size_t err_size)
{
   const cJSON *item = cJSON_GetObjectItemCaseSensitive(functions, key);
   if (!item)
      return true;
   if (!cJSON_IsString(item) || snprintf(out, size, "%s", item->valuestring) >= (int)size) {
      snprintf(err, err_size, "layer %s: malformed \"functions.%s\"", layer, key);
      return false;
   }
   return true;
}

/* One layer object of a layer manifest. */
static bool
parse_layer(const cJSON *object, const char *manifest_path, struct kr_layer_manifest *out,
            char *err, size_t err_size)
{
   memset(out, 0, sizeof(*out));
   if (!cJSON_IsObject(object)) {
      snprintf(err, err_size, "a layer is not an object");
      return false;
   }
   const char *name = required_string(object, "name", "(unnamed)", err, err_size);
   if (!name)
      return false;
   if (snprintf(out->name, sizeof(out->name), "%s", name) >= (int)sizeof(out->name)) {
      snprintf(err, err_size, "layer name longer than %d bytes", VK_MAX_EXTENSION_NAME_SIZE - 1);
      return false;
   }
   static const char *const required[] = {"type", "api_version", "implementation_version",
                                          "description"};
   for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
      if (!required_string(object, required[i], name, err, err_size))
         return false;
   }
   const char *api = cJSON_GetObjectItemCaseSensitive(object, "api_version")->valuestring;
   if (!kr_parse_version(api, &out->api_version)) {
      snprintf(err, err_size, "layer %s: malformed \"api_version\"", name);
      return false;
   }
   out->meta = cJSON_HasObjectItem(object, "component_layers");
   if (!out->meta) {
      const char *library = required_string(object, "library_path", name, err, err_size);
      if (!library)
         return false;
      if (!resolve_library_path(library, manifest_path, out->library_path,
                                sizeof(out->library_path))) {
         snprintf(err, err_size, "layer %s: library_path too long", name);
         return false;
      }
   }
   if (!library_arch_matches(object, err, err_size))
      return false;
   const cJSON *functions = cJSON_GetObjectItemCaseSensitive(object, "functions");
   if (functions && !cJSON_IsObject(functions)) {
      snprintf(err, err_size, "layer %s: \"functions\" is not an object", name);
      return false;
   }
   return function_name(functions, "vkGetInstanceProcAddr", out->get_instance_proc_addr,
                        sizeof(out->get_instance_proc_addr), name, err, err_size) &&
          function_name(functions, "vkGetDeviceProcAddr", out->get_device_proc_addr,
                        sizeof(out->get_device_proc_addr), name, err, err_size) &&
          function_name(functions, "vkNegotiateLoaderLayerInterfaceVersion",
                        out->negotiate_interface, sizeof(out->negotiate_interface), name, err,
                        err_size);
}

bool
kr_layer_manifest_parse(const char *text, const char *manifest_path,
                        void (*declare)(void *ctx, const struct kr_layer_manifest *layer),
                        void *ctx, char *err, size_t err_size)
{
   bool ok = false;
   struct kr_layer_manifest *layer = malloc(sizeof(*layer));
   cJSON *root = cJSON_Parse(text);
   if (!layer) {
      snprintf(err, err_size, "out of host memory");
      goto done;
   }
   if (!root) {
      snprintf(err, err_size, "not valid JSON");
      goto done;
   }
   uint32_t format;
   if (!file_format_version(root, &format, err, err_size))
      goto done;
   const cJSON *one = cJSON_GetObjectItemCaseSensitive(root, "layer");
   const cJSON *many = cJSON_GetObjectItemCaseSensitive(root, "layers");
   if (!one && !cJSON_IsArray(many)) {
      snprintf(err, err_size, "no \"layer\" object or \"layers\" array");
      goto done;
   }
   /* Every layer is checked before any is declared: a manifest is taken whole or not at all. */
   for (int pass = 0; pass < 2; pass++) {
      const cJSON *item = one ? one : many->child;
      for (; item; item = one ? NULL : item->next) {
         if (!parse_layer(item, manifest_path, layer, err, err_size))
            goto done;
         if (pass == 1)
            declare(ctx, layer);
      }
   }
   ok = true;
done:
   cJSON_Delete(root);
   free(layer);
   return ok;
}
