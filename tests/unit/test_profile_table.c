/* SPDX-License-Identifier: MIT */
/* The profile's per-kernel table (kr_profile_table.c): exact counts, totals, means, nearest-rank
 * medians and 99th percentiles against a sorted model, shares, ordering, the grid sizes kept
 * most frequent first with the rest counted together, the printed text, and out-of-memory
 * leaving the table as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kr_profile_table.h"

static uint64_t
next_random(uint64_t *state)
{
   *state ^= *state << 13;
   *state ^= *state >> 7;
   *state ^= *state << 17;
   return *state;
}

static int
compare_u64(const void *a, const void *b)
{
   const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
   return x < y ? -1 : x > y;
}

static void
test_figures_against_model(void **unused)
{
   (void)unused;
   struct kr_profile_table table;
   kr_profile_table_init(&table, NULL);
   enum { NAMES = 3, MAX = 1000 };
   static const char *const names[NAMES] = {"saxpy", "reduce", "copy"};
   static uint64_t model[NAMES][MAX];
   uint64_t counts[NAMES] = {0}, totals[NAMES] = {0}, all = 0;
   uint64_t state = 0x9e3779b97f4a7c15ull;
   for (int i = 0; i < 1700; i++) {
      unsigned n = (unsigned)(next_random(&state) % NAMES);
      if (counts[n] == MAX)
         continue;
      uint64_t d = 1 + next_random(&state) % 100000;
      model[n][counts[n]++] = d;
      totals[n] += d;
      all += d;
      const uint32_t grid[3] = {64, 1, 1};
      assert_int_equal(kr_profile_table_add(&table, names[n], d, n == 2 ? NULL : grid),
                       VK_SUCCESS);
   }
   assert_int_equal(table.count, NAMES);
   assert_int_equal(table.total_ns, all);
   struct kr_profile_row rows[NAMES];
   kr_profile_table_rows(&table, rows);
   for (int r = 0; r < NAMES; r++) {
      if (r > 0)
         assert_true(rows[r - 1].total_ns >= rows[r].total_ns);
      int n = 0;
      while (strcmp(names[n], rows[r].kernel->name) != 0)
         n++;
      qsort(model[n], counts[n], sizeof(uint64_t), compare_u64);
      assert_int_equal(rows[r].count, counts[n]);
      assert_int_equal(rows[r].total_ns, totals[n]);
      assert_int_equal(rows[r].mean_ns, totals[n] / counts[n]);
      /* Nearest rank: the smallest value with at least p% of the values at or below it. */
      assert_int_equal(rows[r].median_ns, model[n][(counts[n] * 50 + 99) / 100 - 1]);
      assert_int_equal(rows[r].p99_ns, model[n][(counts[n] * 99 + 99) / 100 - 1]);
      assert_true(rows[r].share > 0.0 && rows[r].share < 1.0);
      assert_true(rows[r].share * (double)all > (double)totals[n] - 1.0);
      assert_true(rows[r].share * (double)all < (double)totals[n] + 1.0);
      assert_int_equal(rows[r].kernel->grid_count, n == 2 ? 0 : 1);
   }
   kr_profile_table_finish(&table);
}

static void
test_percentiles_small(void **unused)
{
   (void)unused;
   struct kr_profile_table table;
   kr_profile_table_init(&table, NULL);
   /* One value: every percentile is it. Two: the median is the lower, p99 the higher. */
   assert_int_equal(kr_profile_table_add(&table, "one", 7, NULL), VK_SUCCESS);
   assert_int_equal(kr_profile_table_add(&table, "two", 30, NULL), VK_SUCCESS);
   assert_int_equal(kr_profile_table_add(&table, "two", 10, NULL), VK_SUCCESS);
   struct kr_profile_row rows[2];
   kr_profile_table_rows(&table, rows);
   assert_string_equal(rows[0].kernel->name, "two");
   assert_int_equal(rows[0].median_ns, 10);
   assert_int_equal(rows[0].p99_ns, 30);
   assert_int_equal(rows[0].mean_ns, 20);
   assert_string_equal(rows[1].kernel->name, "one");
   assert_int_equal(rows[1].median_ns, 7);
   assert_int_equal(rows[1].p99_ns, 7);
   kr_profile_table_finish(&table);
}

static void
test_grids_most_frequent_first(void **unused)
{
   (void)unused;
   struct kr_profile_table table;
   kr_profile_table_init(&table, NULL);
   /* Six grids, grid g seen g + 1 times, added in increasing g: the four kept first are the
    * first four seen, reordered by count; the last two go to other_grids. */
   for (uint32_t g = 0; g < 6; g++) {
      for (uint32_t i = 0; i <= g; i++) {
         const uint32_t grid[3] = {g + 1, 2, 3};
         assert_int_equal(kr_profile_table_add(&table, "k", 1, grid), VK_SUCCESS);
      }
   }
   const struct kr_profile_kernel *k = &table.kernels[0];
   assert_int_equal(k->grid_count, KR_PROFILE_GRIDS);
   for (uint32_t i = 0; i < KR_PROFILE_GRIDS; i++) {
      assert_int_equal(k->grids[i].x, KR_PROFILE_GRIDS - i);
      assert_int_equal(k->grids[i].count, KR_PROFILE_GRIDS - i);
      assert_int_equal(k->grids[i].y, 2);
      assert_int_equal(k->grids[i].z, 3);
   }
   assert_int_equal(k->other_grids, 5 + 6);
   kr_profile_table_finish(&table);
}

static void
test_print(void **unused)
{
   (void)unused;
   struct kr_profile_table table;
   kr_profile_table_init(&table, NULL);
   char *text = NULL;
   size_t size = 0;
   FILE *out = open_memstream(&text, &size);
   assert_non_null(out);
   assert_true(kr_profile_table_print(&table, out)); /* empty: nothing */
   fflush(out);
   assert_int_equal(size, 0);
   const uint32_t grid[3] = {256, 1, 1};
   assert_int_equal(kr_profile_table_add(&table, "saxpy (main, 1a2b3c4d)", 1500, grid),
                    VK_SUCCESS);
   assert_int_equal(kr_profile_table_add(&table, "vkCmdCopyBuffer", 500, NULL), VK_SUCCESS);
   assert_true(kr_profile_table_print(&table, out));
   fclose(out);
   const char *line = strchr(text, '\n') + 1;
   assert_true(strncmp(text, "kernel ", 7) == 0);
   assert_true(strncmp(line, "saxpy (main, 1a2b3c4d) ", 23) == 0);
   assert_non_null(strstr(line, "1.500"));  /* total us */
   assert_non_null(strstr(line, " 75.0%")); /* share */
   assert_non_null(strstr(line, "256x1x1 (1)"));
   line = strchr(line, '\n') + 1;
   assert_true(strncmp(line, "vkCmdCopyBuffer ", 16) == 0);
   assert_non_null(strstr(line, " 25.0%"));
   free(text);
   kr_profile_table_finish(&table);
}

/* Allocation callbacks that refuse once armed. */
static int refuse;

static void *VKAPI_PTR
refusing_alloc(void *user, size_t size, size_t alignment, VkSystemAllocationScope scope)
{
   (void)user;
   (void)scope;
   if (refuse)
      return NULL;
   void *p = NULL;
   return posix_memalign(&p, alignment < sizeof(void *) ? sizeof(void *) : alignment, size) ? NULL
                                                                                             : p;
}

static void VKAPI_PTR
refusing_free(void *user, void *p)
{
   (void)user;
   free(p);
}

static void *VKAPI_PTR
refusing_realloc(void *user, void *p, size_t size, size_t alignment, VkSystemAllocationScope s)
{
   (void)user;
   (void)p;
   (void)size;
   (void)alignment;
   (void)s;
   return NULL;
}

static void
test_out_of_memory(void **unused)
{
   (void)unused;
   const VkAllocationCallbacks callbacks = {
      .pfnAllocation = refusing_alloc,
      .pfnReallocation = refusing_realloc,
      .pfnFree = refusing_free,
   };
   struct kr_profile_table table;
   kr_profile_table_init(&table, &callbacks);
   refuse = 0;
   assert_int_equal(kr_profile_table_add(&table, "a", 5, NULL), VK_SUCCESS);
   refuse = 1;
   assert_int_equal(kr_profile_table_add(&table, "b", 5, NULL), VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_int_equal(table.count, 1);
   assert_int_equal(table.total_ns, 5);
   /* "a" has room for more without allocating. */
   assert_int_equal(kr_profile_table_add(&table, "a", 6, NULL), VK_SUCCESS);
   assert_int_equal(table.kernels[0].count, 2);
   char *text = NULL;
   size_t size = 0;
   FILE *out = open_memstream(&text, &size);
   assert_false(kr_profile_table_print(&table, out)); /* its rows need memory */
   fclose(out);
   assert_int_equal(size, 0);
   free(text);
   refuse = 0;
   kr_profile_table_finish(&table);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_figures_against_model),
      cmocka_unit_test(test_percentiles_small),
      cmocka_unit_test(test_grids_most_frequent_first),
      cmocka_unit_test(test_print),
      cmocka_unit_test(test_out_of_memory),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
