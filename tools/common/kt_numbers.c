/* SPDX-License-Identifier: MIT */
#include "kt_numbers.h"

#include <errno.h>
#include <stdlib.h>

bool
kt_parse_u32(const char *text, uint32_t min, uint32_t max, uint32_t *out)
{
   char *end = NULL;
   errno = 0;
   unsigned long v = strtoul(text, &end, 10);
   if (errno || !end || end == text || *end || v < min || v > max)
      return false;
   *out = (uint32_t)v;
   return true;
}

static int
compare_doubles(const void *a, const void *b)
{
   double x = *(const double *)a, y = *(const double *)b;
   return (x > y) - (x < y);
}

double
kt_median_sort(double *values, size_t count)
{
   qsort(values, count, sizeof(*values), compare_doubles);
   return values[count / 2];
}
