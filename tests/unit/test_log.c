/* SPDX-License-Identifier: MIT */
/* Unit tests of the logger (src/kr_log.h): KRONOS_LOG parsing, the level filter and the line
 * format "kronos: <level>: <message>". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kr_log.h"

static void
parses_every_level(void **state)
{
   (void)state;
   static const struct {
      const char *text;
      enum kr_log_level level;
   } cases[] = {
      {"none", KR_LOG_NONE},   {"error", KR_LOG_ERROR}, {"warn", KR_LOG_WARN},
      {"warning", KR_LOG_WARN}, {"info", KR_LOG_INFO},  {"debug", KR_LOG_DEBUG},
   };
   for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
      /* Start from a level different from the expected one. */
      enum kr_log_level level = cases[i].level == KR_LOG_DEBUG ? KR_LOG_NONE : KR_LOG_DEBUG;
      assert_true(kr_log_parse_level(cases[i].text, &level));
      assert_int_equal(level, cases[i].level);
   }
}

static void
rejects_unknown_levels(void **state)
{
   (void)state;
   static const char *const bad[] = {
      "", "verbose", "trace", "err", "warn ", " warn", "debug2", "3", "errors", "nonee",
   };
   for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
      /* On failure the level is left as it was: the logger keeps its default. */
      enum kr_log_level level = KR_LOG_INFO;
      assert_false(kr_log_parse_level(bad[i], &level));
      assert_int_equal(level, KR_LOG_INFO);
   }
}

/* Runs fn with stderr going to a temporary file; returns what it wrote (caller frees). */
static char *
capture_stderr(void (*fn)(void))
{
   FILE *file = tmpfile();
   assert_non_null(file);
   fflush(stderr);
   int saved = dup(STDERR_FILENO);
   assert_true(saved >= 0);
   assert_true(dup2(fileno(file), STDERR_FILENO) >= 0);
   fn();
   fflush(stderr);
   assert_true(dup2(saved, STDERR_FILENO) >= 0);
   close(saved);

   long size = ftell(file);
   assert_true(size >= 0);
   char *text = calloc(1, (size_t)size + 1);
   assert_non_null(text);
   rewind(file);
   assert_int_equal(fread(text, 1, (size_t)size, file), (size_t)size);
   fclose(file);
   return text;
}

static void
log_some_lines(void)
{
   kr_error("first %d", 1);
   kr_warn("second %s", "two");
   kr_info("third");
   kr_debug("not shown at info");
   kr_log(KR_LOG_NONE, "never shown");
   kr_log_unsupported("vkCmdDraw");
}

static void
filters_and_formats_lines(void **state)
{
   (void)state;
   /* main() set KRONOS_LOG=info before the first log call. */
   assert_true(kr_log_enabled(KR_LOG_ERROR));
   assert_true(kr_log_enabled(KR_LOG_WARN));
   assert_true(kr_log_enabled(KR_LOG_INFO));
   assert_false(kr_log_enabled(KR_LOG_DEBUG));
   assert_false(kr_log_enabled(KR_LOG_NONE));

   char *text = capture_stderr(log_some_lines);
   const char *unsupported = "kronos: error: vkCmdDraw ";
   char expected[256];
   snprintf(expected, sizeof(expected),
            "kronos: error: first 1\nkronos: warn: second two\nkronos: info: third\n%s",
            unsupported);
   bool ok = strncmp(text, expected, strlen(expected)) == 0 &&
             strchr(text + strlen(expected), '\n') == text + strlen(text) - 1;
   if (!ok)
      print_error("captured:\n%s\n", text);
   free(text);
   assert_true(ok);
}

int
main(void)
{
   if (setenv("KRONOS_LOG", "info", 1) != 0)
      return 1;
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_every_level),
      cmocka_unit_test(rejects_unknown_levels),
      cmocka_unit_test(filters_and_formats_lines),
   };
   return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
