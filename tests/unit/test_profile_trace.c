/* SPDX-License-Identifier: MIT */
/* The trace-event JSON writer (kr_profile_trace.c): what it writes parses as JSON (cJSON) and
 * follows the trace-event format (an object whose traceEvents array holds complete events with
 * name, cat, ph "X", ts, dur, pid, tid and string args, and metadata events naming processes and
 * threads); names with quotes, backslashes, control characters and UTF-8 come back unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <cmocka.h>

#include "kr_profile_trace.h"

static const char *const awkward = "a \"quoted\" \\ back\\slash\ttab\nnewline\x01\x1f caf\xc3\xa9";

static cJSON *
write_and_parse(void (*write)(struct kr_trace_writer *))
{
   char *text = NULL;
   size_t size = 0;
   FILE *out = open_memstream(&text, &size);
   assert_non_null(out);
   struct kr_trace_writer w;
   assert_true(kr_trace_begin(&w, out));
   write(&w);
   assert_true(kr_trace_end(&w));
   fclose(out);
   cJSON *root = cJSON_Parse(text);
   if (!root)
      fail_msg("not JSON: %s", text);
   free(text);
   return root;
}

static void
write_events(struct kr_trace_writer *w)
{
   kr_trace_process_name(w, 1, "Kronos (llvmpipe)");
   kr_trace_thread_name(w, 1, 100, "queue 0.0");
   const struct kr_trace_arg args[2] = {{"grid", "64x1x1"}, {"note", awkward}};
   kr_trace_complete(w, "saxpy", "gpu,dispatch", 12.5, 3.25, 1, 100, args, 2);
   kr_trace_complete(w, awkward, "cpu", 1e9 + 0.001, 0.0, 1, 7, NULL, 0);
   kr_trace_complete(w, "negative", "cpu", 5, -1.0, 1, 7, NULL, 0);
}

static void
test_events(void **unused)
{
   (void)unused;
   cJSON *root = write_and_parse(write_events);
   assert_string_equal(cJSON_GetObjectItem(root, "displayTimeUnit")->valuestring, "ns");
   cJSON *events = cJSON_GetObjectItem(root, "traceEvents");
   assert_true(cJSON_IsArray(events));
   assert_int_equal(cJSON_GetArraySize(events), 5);

   cJSON *e = cJSON_GetArrayItem(events, 0);
   assert_string_equal(cJSON_GetObjectItem(e, "name")->valuestring, "process_name");
   assert_string_equal(cJSON_GetObjectItem(e, "ph")->valuestring, "M");
   assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "args"), "name")->valuestring,
                       "Kronos (llvmpipe)");
   e = cJSON_GetArrayItem(events, 1);
   assert_string_equal(cJSON_GetObjectItem(e, "name")->valuestring, "thread_name");
   assert_int_equal(cJSON_GetObjectItem(e, "tid")->valueint, 100);

   e = cJSON_GetArrayItem(events, 2);
   assert_string_equal(cJSON_GetObjectItem(e, "name")->valuestring, "saxpy");
   assert_string_equal(cJSON_GetObjectItem(e, "cat")->valuestring, "gpu,dispatch");
   assert_string_equal(cJSON_GetObjectItem(e, "ph")->valuestring, "X");
   assert_true(cJSON_GetObjectItem(e, "ts")->valuedouble == 12.5);
   assert_true(cJSON_GetObjectItem(e, "dur")->valuedouble == 3.25);
   assert_int_equal(cJSON_GetObjectItem(e, "pid")->valueint, 1);
   assert_int_equal(cJSON_GetObjectItem(e, "tid")->valueint, 100);
   cJSON *args = cJSON_GetObjectItem(e, "args");
   assert_string_equal(cJSON_GetObjectItem(args, "grid")->valuestring, "64x1x1");
   assert_string_equal(cJSON_GetObjectItem(args, "note")->valuestring, awkward);

   e = cJSON_GetArrayItem(events, 3);
   assert_string_equal(cJSON_GetObjectItem(e, "name")->valuestring, awkward);
   /* Nanosecond digits survive a large timestamp. */
   assert_true(cJSON_GetObjectItem(e, "ts")->valuedouble > 1e9 + 0.0005);
   assert_null(cJSON_GetObjectItem(e, "args"));
   e = cJSON_GetArrayItem(events, 4);
   assert_true(cJSON_GetObjectItem(e, "dur")->valuedouble == 0.0); /* never negative */
   cJSON_Delete(root);
}

static void
write_nothing(struct kr_trace_writer *w)
{
   (void)w;
}

static void
test_empty(void **unused)
{
   (void)unused;
   cJSON *root = write_and_parse(write_nothing);
   assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "traceEvents")), 0);
   cJSON_Delete(root);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_events),
      cmocka_unit_test(test_empty),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
