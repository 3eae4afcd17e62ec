/* SPDX-License-Identifier: MIT */
#include "bench_json.h"

#include <inttypes.h>
#include <math.h>

void
bench_json_init(struct bench_json *json, FILE *file)
{
   json->file = file;
   json->depth = 0;
   json->has_items[0] = false;
}

void
bench_json_write_string(FILE *file, const char *value)
{
   fputc('"', file);
   for (const unsigned char *c = (const unsigned char *)(value ? value : ""); *c; c++) {
      switch (*c) {
      case '"':
         fputs("\\\"", file);
         break;
      case '\\':
         fputs("\\\\", file);
         break;
      case '\n':
         fputs("\\n", file);
         break;
      case '\r':
         fputs("\\r", file);
         break;
      case '\t':
         fputs("\\t", file);
         break;
      default:
         if (*c < 0x20 || *c == 0x7f)
            fprintf(file, "\\u%04x", *c);
         else
            fputc(*c, file);
      }
   }
   fputc('"', file);
}

/* The separator, indentation and key before a value. */
static void
prefix(struct bench_json *json, const char *key)
{
   if (json->depth > 0) {
      fputs(json->has_items[json->depth] ? ",\n" : "\n", json->file);
      json->has_items[json->depth] = true;
      for (int i = 0; i < json->depth; i++)
         fputs("  ", json->file);
   }
   if (key) {
      bench_json_write_string(json->file, key);
      fputs(": ", json->file);
   }
}

static void
open_scope(struct bench_json *json, const char *key, char bracket)
{
   prefix(json, key);
   fputc(bracket, json->file);
   if (json->depth + 1 < BENCH_JSON_MAX_DEPTH)
      json->depth++;
   json->has_items[json->depth] = false;
}

static void
close_scope(struct bench_json *json, char bracket)
{
   bool had_items = json->has_items[json->depth];
   if (json->depth > 0)
      json->depth--;
   if (had_items) {
      fputc('\n', json->file);
      for (int i = 0; i < json->depth; i++)
         fputs("  ", json->file);
   }
   fputc(bracket, json->file);
   if (json->depth == 0)
      fputc('\n', json->file);
}

void
bench_json_object_begin(struct bench_json *json, const char *key)
{
   open_scope(json, key, '{');
}

void
bench_json_object_end(struct bench_json *json)
{
   close_scope(json, '}');
}

void
bench_json_array_begin(struct bench_json *json, const char *key)
{
   open_scope(json, key, '[');
}

void
bench_json_array_end(struct bench_json *json)
{
   close_scope(json, ']');
}

void
bench_json_string(struct bench_json *json, const char *key, const char *value)
{
   prefix(json, key);
   bench_json_write_string(json->file, value);
}

void
bench_json_number(struct bench_json *json, const char *key, double value)
{
   prefix(json, key);
   if (isfinite(value))
      fprintf(json->file, "%.9g", value);
   else
      fputs("null", json->file);
}

void
bench_json_uint(struct bench_json *json, const char *key, uint64_t value)
{
   prefix(json, key);
   fprintf(json->file, "%" PRIu64, value);
}

void
bench_json_bool(struct bench_json *json, const char *key, bool value)
{
   prefix(json, key);
   fputs(value ? "true" : "false", json->file);
}

void
bench_json_null(struct bench_json *json, const char *key)
{
   prefix(json, key);
   fputs("null", json->file);
}
