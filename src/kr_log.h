/* SPDX-License-Identifier: MIT */
/* The one logger: lines to stderr, "kronos: <level>: <message>", level from KRONOS_LOG. */
#ifndef KR_LOG_H
#define KR_LOG_H

#include <stdbool.h>

enum kr_log_level {
   KR_LOG_NONE,
   KR_LOG_ERROR,
   KR_LOG_WARN,
   KR_LOG_INFO,
   KR_LOG_DEBUG,
};

/* Parses a KRONOS_LOG value ("error", "warn", "info", "debug", "none"); false if unknown. */
bool kr_log_parse_level(const char *text, enum kr_log_level *level);

bool kr_log_enabled(enum kr_log_level level);

void kr_log(enum kr_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define kr_error(...) kr_log(KR_LOG_ERROR, __VA_ARGS__)
#define kr_warn(...) kr_log(KR_LOG_WARN, __VA_ARGS__)
#define kr_info(...) kr_log(KR_LOG_INFO, __VA_ARGS__)
#define kr_debug(...) kr_log(KR_LOG_DEBUG, __VA_ARGS__)

/* A graphics (or otherwise unsupported) command was called. */
void kr_log_unsupported(const char *command);

#endif
