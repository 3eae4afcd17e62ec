/* SPDX-License-Identifier: MIT */
#include "kr_layer_names.h"

#include <stdio.h>
#include <string.h>

bool
kr_parse_layer_names(const char *text, char (*names)[VK_MAX_EXTENSION_NAME_SIZE], uint32_t max,
                     uint32_t *count, char *err, size_t err_size)
{
   const char *sep = KR_LAYER_NAME_SEPARATORS;
   *count = 0;
   for (const char *p = text + strspn(text, sep); *p; p += strspn(p, sep)) {
      size_t len = strcspn(p, sep);
      if (len >= VK_MAX_EXTENSION_NAME_SIZE) {
         snprintf(err, err_size, "layer name \"%.*s\" is longer than %d bytes", (int)len, p,
                  VK_MAX_EXTENSION_NAME_SIZE - 1);
         return false;
      }
      bool seen = false;
      for (uint32_t i = 0; i < *count && !seen; i++)
         seen = strlen(names[i]) == len && strncmp(names[i], p, len) == 0;
      if (!seen) {
         if (*count == max) {
            snprintf(err, err_size, "more than %u layers", max);
            return false;
         }
         memcpy(names[*count], p, len);
         names[(*count)++][len] = '\0';
      }
      p += len;
   }
   return true;
}
