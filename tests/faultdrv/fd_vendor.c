/* SPDX-License-Identifier: MIT */
/* The driver under the fault driver: found through its manifest (or named as a library) and
 * dlopen'ed. It stays loaded for the life of the process, as Kronos keeps its vendors: its
 * process-lifetime allocations stay attributable to it (tests/lsan.supp). */
#include <cjson/cJSON.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fd_runtime.h"

static bool
ends_with(const char *s, const char *suffix)
{
   size_t n = strlen(s), m = strlen(suffix);
   return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The library a manifest names, resolved as the loader does: a relative path with a '/' is
 * relative to the manifest's folder, a bare name is left to dlopen's search. */
static bool
manifest_library(const char *manifest, char *out, size_t size)
{
   bool ok = false;
   char *text = NULL;
   cJSON *root = NULL;
   FILE *file = fopen(manifest, "rb");
   if (!file) {
      fprintf(stderr, FD_PREFIX "cannot open vendor manifest %s\n", manifest);
      return false;
   }
   if (fseek(file, 0, SEEK_END) != 0)
      goto done;
   long length = ftell(file);
   if (length < 0 || fseek(file, 0, SEEK_SET) != 0)
      goto done;
   text = malloc((size_t)length + 1);
   if (!text || fread(text, 1, (size_t)length, file) != (size_t)length)
      goto done;
   text[length] = '\0';
   root = cJSON_Parse(text);
   const cJSON *icd = cJSON_GetObjectItemCaseSensitive(root, "ICD");
   const cJSON *path = cJSON_GetObjectItemCaseSensitive(icd, "library_path");
   if (!cJSON_IsString(path)) {
      fprintf(stderr, FD_PREFIX "vendor manifest %s names no ICD.library_path\n", manifest);
      goto done;
   }
   const char *library = path->valuestring;
   const char *slash = strrchr(manifest, '/');
   int written;
   if (library[0] != '/' && strchr(library, '/') && slash)
      written = snprintf(out, size, "%.*s/%s", (int)(slash - manifest), manifest, library);
   else
      written = snprintf(out, size, "%s", library);
   ok = written > 0 && (size_t)written < size;

done:
   cJSON_Delete(root);
   free(text);
   fclose(file);
   return ok;
}

bool
fd_vendor_load(const char *path, struct fd_vendor *vendor)
{
   char library[PATH_MAX];
   if (ends_with(path, ".json")) {
      if (!manifest_library(path, library, sizeof(library)))
         return false;
   } else {
      snprintf(library, sizeof(library), "%s", path);
   }
   vendor->library = dlopen(library, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
   if (!vendor->library) {
      fprintf(stderr, FD_PREFIX "cannot load vendor %s: %s\n", library, dlerror());
      return false;
   }
   vendor->gipa = (PFN_vkGetInstanceProcAddr)dlsym(vendor->library, "vk_icdGetInstanceProcAddr");
   vendor->gpdpa = (PFN_vk_icdGetPhysicalDeviceProcAddr)dlsym(vendor->library,
                                                              "vk_icdGetPhysicalDeviceProcAddr");
   vendor->negotiate = (PFN_vk_icdNegotiateLoaderICDInterfaceVersion)dlsym(
      vendor->library, "vk_icdNegotiateLoaderICDInterfaceVersion");
   if (!vendor->gipa) {
      fprintf(stderr, FD_PREFIX "vendor %s exports no vk_icdGetInstanceProcAddr\n", library);
      return false;
   }
   return true;
}
