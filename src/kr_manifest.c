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
   const cJSON *format = cJSON_GetObjectItemCaseSensitive(root, "file_format_version");
   if (!cJSON_IsString(format)) {
      snprintf(err, err_size, "no \"file_format_version\" string");
      goto done;
   }
   uint32_t format_version;
   if (!kr_parse_version(format->valuestring, &format_version) ||
       VK_API_VERSION_MAJOR(format_version) != 1) {
      snprintf(err, err_size, "unsupported file_format_version \"%s\"", format->valuestring);
      goto done;
   }
   snprintf(out->file_format_version, sizeof(out->file_format_version), "%s",
            format->valuestring);

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
   const cJSON *arch = cJSON_GetObjectItemCaseSensitive(icd, "library_arch");
   if (arch) {
      const char *want = sizeof(void *) == 8 ? "64" : "32";
      if (!cJSON_IsString(arch) || strcmp(arch->valuestring, want) != 0) {
         snprintf(err, err_size, "library_arch is not %s-bit", want);
         goto done;
      }
   }
   ok = true;
done:
   cJSON_Delete(root);
   return ok;
}

bool
kr_manifest_load(const char *path, struct kr_manifest *out, char *err, size_t err_size)
{
   bool ok = false;
   char *text = NULL;
   FILE *file = fopen(path, "rb");
   if (!file) {
      snprintf(err, err_size, "cannot open: %s", strerror(errno));
      return false;
   }
   text = malloc(MAX_MANIFEST_SIZE + 1);
   if (!text) {
      snprintf(err, err_size, "out of host memory");
      goto done;
   }
   size_t len = fread(text, 1, MAX_MANIFEST_SIZE + 1, file);
   if (ferror(file)) {
      snprintf(err, err_size, "cannot read: %s", strerror(errno));
      goto done;
   }
   if (len > MAX_MANIFEST_SIZE) {
      snprintf(err, err_size, "larger than %d bytes", MAX_MANIFEST_SIZE);
      goto done;
   }
   text[len] = '\0';
   ok = kr_manifest_parse(text, path, out, err, err_size);
done:
   free(text);
   fclose(file);
   return ok;
}
