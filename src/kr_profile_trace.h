/* SPDX-License-Identifier: MIT */
/* A Chrome trace-event JSON writer (issue 13's profile file: it opens in Perfetto and in
 * chrome://tracing): {"traceEvents":[...],"displayTimeUnit":"ns"} with complete events ("ph":
 * "X", timestamps and durations in microseconds) and the metadata events that name processes
 * and threads (tracks). Pure formatting onto a FILE; the profiler decides what to write. */
#ifndef KR_PROFILE_TRACE_H
#define KR_PROFILE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct kr_trace_writer {
   FILE *out;
   uint64_t events;
};

/* A string argument of an event ("args": {key: value}). */
struct kr_trace_arg {
   const char *key, *value;
};

/* Writes the file's head; false when writing failed. */
bool kr_trace_begin(struct kr_trace_writer *w, FILE *out);

/* A complete event: name on track (pid, tid), starting at ts_us, dur_us long, in category
 * (a comma-separated list, e.g. "gpu,dispatch"), with arg_count string arguments. */
void kr_trace_complete(struct kr_trace_writer *w, const char *name, const char *category,
                       double ts_us, double dur_us, uint32_t pid, uint32_t tid,
                       const struct kr_trace_arg *args, uint32_t arg_count);

/* The name shown for a process (tid 0 ignored) or for a thread's track. */
void kr_trace_process_name(struct kr_trace_writer *w, uint32_t pid, const char *name);
void kr_trace_thread_name(struct kr_trace_writer *w, uint32_t pid, uint32_t tid, const char *name);

/* Writes the file's tail; false when any write failed. The FILE stays open. */
bool kr_trace_end(struct kr_trace_writer *w);

/* s as a JSON string, quotes included (control characters, quotes and backslashes escaped;
 * other bytes as they are: names are UTF-8). */
void kr_json_write_string(FILE *out, const char *s);

#endif
