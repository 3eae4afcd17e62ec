/* SPDX-License-Identifier: MIT */
#include "kr_profile_trace.h"

void
kr_json_write_string(FILE *out, const char *s)
{
   fputc('"', out);
   for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
      switch (*p) {
      case '"': fputs("\\\"", out); break;
      case '\\': fputs("\\\\", out); break;
      case '\n': fputs("\\n", out); break;
      case '\r': fputs("\\r", out); break;
      case '\t': fputs("\\t", out); break;
      default:
         if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
         else
            fputc(*p, out);
      }
   }
   fputc('"', out);
}

bool
kr_trace_begin(struct kr_trace_writer *w, FILE *out)
{
   *w = (struct kr_trace_writer){.out = out};
   fputs("{\"traceEvents\":[", out);
   return !ferror(out);
}

/* The separator before an event, and its opening brace. */
static void
open_event(struct kr_trace_writer *w)
{
   fputs(w->events++ ? ",\n{" : "\n{", w->out);
}

void
kr_trace_complete(struct kr_trace_writer *w, const char *name, const char *category,
                  double ts_us, double dur_us, uint32_t pid, uint32_t tid,
                  const struct kr_trace_arg *args, uint32_t arg_count)
{
   FILE *out = w->out;
   open_event(w);
   fputs("\"name\":", out);
   kr_json_write_string(out, name);
   fputs(",\"cat\":", out);
   kr_json_write_string(out, category);
   /* Microseconds with nanosecond digits: what the format's "ts" and "dur" are in. */
   fprintf(out, ",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f,\"pid\":%u,\"tid\":%u", ts_us,
           dur_us < 0 ? 0.0 : dur_us, pid, tid);
   if (arg_count) {
      fputs(",\"args\":{", out);
      for (uint32_t i = 0; i < arg_count; i++) {
         if (i)
            fputc(',', out);
         kr_json_write_string(out, args[i].key);
         fputc(':', out);
         kr_json_write_string(out, args[i].value);
      }
      fputc('}', out);
   }
   fputc('}', out);
}

static void
metadata(struct kr_trace_writer *w, const char *what, uint32_t pid, uint32_t tid,
         const char *name)
{
   open_event(w);
   fprintf(w->out, "\"name\":\"%s\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":",
           what, pid, tid);
   kr_json_write_string(w->out, name);
   fputs("}}", w->out);
}

void
kr_trace_process_name(struct kr_trace_writer *w, uint32_t pid, const char *name)
{
   metadata(w, "process_name", pid, 0, name);
}

void
kr_trace_thread_name(struct kr_trace_writer *w, uint32_t pid, uint32_t tid, const char *name)
{
   metadata(w, "thread_name", pid, tid, name);
}

bool
kr_trace_end(struct kr_trace_writer *w)
{
   fputs("\n],\"displayTimeUnit\":\"ns\"}\n", w->out);
   return !ferror(w->out) && fflush(w->out) == 0;
}
