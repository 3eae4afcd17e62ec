/* SPDX-License-Identifier: MIT */
/* A small JSON writer: nested objects and arrays, escaped strings, numbers (NaN and
 * infinities become null), indented two spaces. Keys are given inside objects and NULL inside
 * arrays. */
#ifndef BENCH_JSON_H
#define BENCH_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define BENCH_JSON_MAX_DEPTH 16

struct bench_json {
   FILE *file;
   int depth;
   bool has_items[BENCH_JSON_MAX_DEPTH];
};

void bench_json_init(struct bench_json *json, FILE *file);
void bench_json_object_begin(struct bench_json *json, const char *key);
void bench_json_object_end(struct bench_json *json);
void bench_json_array_begin(struct bench_json *json, const char *key);
void bench_json_array_end(struct bench_json *json);
void bench_json_string(struct bench_json *json, const char *key, const char *value);
void bench_json_number(struct bench_json *json, const char *key, double value);
void bench_json_uint(struct bench_json *json, const char *key, uint64_t value);
void bench_json_bool(struct bench_json *json, const char *key, bool value);
void bench_json_null(struct bench_json *json, const char *key);

/* Writes `value` as a JSON string literal, quotes included. */
void bench_json_write_string(FILE *file, const char *value);

#endif
