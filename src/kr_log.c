/* SPDX-License-Identifier: MIT */
#include "kr_log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kr_settings.h"

static enum kr_log_level log_level = KR_LOG_WARN;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static const char *const level_names[] = {"none", "error", "warn", "info", "debug"};

bool
kr_log_parse_level(const char *text, enum kr_log_level *level)
{
   for (unsigned i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
      if (strcmp(text, level_names[i]) == 0) {
         *level = (enum kr_log_level)i;
         return true;
      }
   }
   if (strcmp(text, "warning") == 0) {
      *level = KR_LOG_WARN;
      return true;
   }
   return false;
}

static void
log_init(void)
{
   const char *text = kr_setting(KR_SETTING_LOG);
   if (text && *text && !kr_log_parse_level(text, &log_level))
      fprintf(stderr, "kronos: warn: KRONOS_LOG=%s is not one of none, error, warn, info, "
                      "debug; using warn\n", text);
}

bool
kr_log_enabled(enum kr_log_level level)
{
   pthread_once(&log_once, log_init);
   return level != KR_LOG_NONE && level <= log_level;
}

void
kr_log(enum kr_log_level level, const char *fmt, ...)
{
   if (!kr_log_enabled(level))
      return;

   /* Format the whole line first so that concurrent threads never interleave within a line. */
   char line[1024];
   int n = snprintf(line, sizeof(line), "kronos: %s: ", level_names[level]);
   va_list args;
   va_start(args, fmt);
   vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, args);
   va_end(args);
   fprintf(stderr, "%s\n", line);
}

void
kr_log_unsupported(const char *command)
{
   kr_error("%s is a graphics command and Kronos is a compute-only driver: not supported",
            command);
}
