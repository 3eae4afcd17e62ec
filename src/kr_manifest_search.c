/* SPDX-License-Identifier: MIT */
#include "kr_manifest_search.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FOLDER_MANIFESTS 64

bool
kr_is_manifest_path(const char *path)
{
   size_t len = strlen(path);
   return len > 5 && strcmp(path + len - 5, ".json") == 0;
}

static int
compare_names(const void *a, const void *b)
{
   return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool
kr_manifest_scan_folder(const char *folder, bool (*visit)(void *ctx, const char *path),
                        void *ctx)
{
   DIR *dir = opendir(folder);
   if (!dir)
      return true;
   char *names[MAX_FOLDER_MANIFESTS];
   unsigned count = 0;
   struct dirent *entry;
   while ((entry = readdir(dir)) && count < MAX_FOLDER_MANIFESTS) {
      if (kr_is_manifest_path(entry->d_name))
         names[count++] = strdup(entry->d_name);
   }
   closedir(dir);
   qsort(names, count, sizeof(names[0]), compare_names);
   bool go_on = true;
   for (unsigned i = 0; i < count; i++) {
      char path[PATH_MAX];
      if (go_on && names[i] &&
          snprintf(path, sizeof(path), "%s/%s", folder, names[i]) < (int)sizeof(path))
         go_on = visit(ctx, path);
      free(names[i]);
   }
   return go_on;
}

unsigned
kr_manifest_standard_folders(const char *suffix, char folders[][PATH_MAX], unsigned max)
{
   const char *home = secure_getenv("HOME");
   const char *config_home = secure_getenv("XDG_CONFIG_HOME");
   const char *config_dirs = secure_getenv("XDG_CONFIG_DIRS");
   const char *data_home = secure_getenv("XDG_DATA_HOME");
   const char *data_dirs = secure_getenv("XDG_DATA_DIRS");
   char list[4 * PATH_MAX];
   unsigned n = 0;

   if (config_home && *config_home)
      snprintf(list, sizeof(list), "%s", config_home);
   else
      snprintf(list, sizeof(list), "%s/.config", home ? home : "");
   size_t len = strlen(list);
   snprintf(list + len, sizeof(list) - len, ":%s:/etc", config_dirs && *config_dirs
                                                           ? config_dirs : "/etc/xdg");
   len = strlen(list);
   if (data_home && *data_home)
      snprintf(list + len, sizeof(list) - len, ":%s", data_home);
   else
      snprintf(list + len, sizeof(list) - len, ":%s/.local/share", home ? home : "");
   len = strlen(list);
   snprintf(list + len, sizeof(list) - len, ":%s",
            data_dirs && *data_dirs ? data_dirs : "/usr/local/share:/usr/share");

   char *save = NULL;
   for (char *dir = strtok_r(list, ":", &save); dir && n < max;
        dir = strtok_r(NULL, ":", &save)) {
      if (dir[0] != '/')
         continue;
      if (snprintf(folders[n], PATH_MAX, "%s/%s", dir, suffix) >= PATH_MAX)
         continue;
      bool seen = false;
      for (unsigned i = 0; i < n; i++)
         seen = seen || strcmp(folders[i], folders[n]) == 0;
      if (!seen)
         n++;
   }
   return n;
}
