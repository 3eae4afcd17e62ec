/* SPDX-License-Identifier: MIT */
/* Numbers in the measuring tools: options parsed strictly, medians of repetitions. */
#ifndef KT_NUMBERS_H
#define KT_NUMBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A decimal number in [min, max], the whole of `text`; false (and *out untouched) otherwise. */
bool kt_parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out);

/* The median of count (>= 1) values, sorting them in place (the upper one of an even count). */
double kt_median_sort(double *values, size_t count);

#endif
