/* SPDX-License-Identifier: MIT */
#include "kr_profile_table.h"

#include <stdlib.h>
#include <string.h>

#include "kr_alloc.h"

/* FNV-1a: names are compared by hash first (a program has tens of kernels, not thousands). */
static uint64_t
name_hash(const char *name)
{
   uint64_t h = 0xcbf29ce484222325ull;
   for (const unsigned char *p = (const unsigned char *)name; *p; p++)
      h = (h ^ *p) * 0x100000001b3ull;
   return h;
}

void
kr_profile_table_init(struct kr_profile_table *table, const VkAllocationCallbacks *alloc)
{
   *table = (struct kr_profile_table){.alloc = alloc};
}

static struct kr_profile_kernel *
find_kernel(struct kr_profile_table *table, const char *name, uint64_t hash)
{
   for (uint32_t i = 0; i < table->count; i++) {
      struct kr_profile_kernel *k = &table->kernels[i];
      if (k->hash == hash && strcmp(k->name, name) == 0)
         return k;
   }
   return NULL;
}

static struct kr_profile_kernel *
add_kernel(struct kr_profile_table *table, const char *name, uint64_t hash)
{
   if (table->count == table->capacity) {
      uint32_t capacity = table->capacity ? table->capacity * 2 : 16;
      struct kr_profile_kernel *kernels =
         kr_alloc(table->alloc, capacity * sizeof(*kernels), _Alignof(struct kr_profile_kernel),
                  VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
      if (!kernels)
         return NULL;
      if (table->count)
         memcpy(kernels, table->kernels, table->count * sizeof(*kernels));
      kr_free(table->alloc, table->kernels);
      table->kernels = kernels;
      table->capacity = capacity;
   }
   char *copy = kr_strdup(table->alloc, name, VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!copy)
      return NULL;
   struct kr_profile_kernel *k = &table->kernels[table->count++];
   *k = (struct kr_profile_kernel){.name = copy, .hash = hash};
   return k;
}

static bool
reserve_duration(const VkAllocationCallbacks *alloc, struct kr_profile_kernel *k)
{
   if (k->count < k->capacity)
      return true;
   uint64_t capacity = k->capacity ? k->capacity * 2 : 64;
   uint64_t *durations = kr_alloc(alloc, capacity * sizeof(*durations), _Alignof(uint64_t),
                                  VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!durations)
      return false;
   if (k->count)
      memcpy(durations, k->durations_ns, k->count * sizeof(*durations));
   kr_free(alloc, k->durations_ns);
   k->durations_ns = durations;
   k->capacity = capacity;
   return true;
}

static void
count_grid(struct kr_profile_kernel *k, const uint32_t grid[3])
{
   for (uint32_t i = 0; i < k->grid_count; i++) {
      struct kr_profile_grid *g = &k->grids[i];
      if (g->x == grid[0] && g->y == grid[1] && g->z == grid[2]) {
         g->count++;
         /* Kept most frequent first. */
         for (; i > 0 && k->grids[i - 1].count < k->grids[i].count; i--) {
            struct kr_profile_grid t = k->grids[i - 1];
            k->grids[i - 1] = k->grids[i];
            k->grids[i] = t;
         }
         return;
      }
   }
   if (k->grid_count < KR_PROFILE_GRIDS)
      k->grids[k->grid_count++] = (struct kr_profile_grid){grid[0], grid[1], grid[2], 1};
   else
      k->other_grids++;
}

VkResult
kr_profile_table_add(struct kr_profile_table *table, const char *name, uint64_t duration_ns,
                     const uint32_t grid[3])
{
   const uint64_t hash = name_hash(name);
   struct kr_profile_kernel *k = find_kernel(table, name, hash);
   if (!k && !(k = add_kernel(table, name, hash)))
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   if (!reserve_duration(table->alloc, k)) {
      if (k->count == 0) {
         /* Just added: taken out again, so a name never shows with nothing. */
         kr_free(table->alloc, k->name);
         table->count--;
      }
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   k->durations_ns[k->count++] = duration_ns;
   k->total_ns += duration_ns;
   table->total_ns += duration_ns;
   if (grid)
      count_grid(k, grid);
   return VK_SUCCESS;
}

static int
compare_u64(const void *a, const void *b)
{
   const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
   return x < y ? -1 : x > y;
}

static int
compare_rows(const void *a, const void *b)
{
   const struct kr_profile_row *x = a, *y = b;
   if (x->total_ns != y->total_ns)
      return x->total_ns > y->total_ns ? -1 : 1;
   return strcmp(x->kernel->name, y->kernel->name);
}

/* The nearest-rank percentile (percent in (0, 100]) of count sorted values, count > 0. */
static uint64_t
percentile(const uint64_t *sorted, uint64_t count, unsigned percent)
{
   uint64_t rank = (count * percent + 99) / 100; /* ceil(count * percent / 100) */
   return sorted[rank ? rank - 1 : 0];
}

void
kr_profile_table_rows(struct kr_profile_table *table, struct kr_profile_row *rows)
{
   for (uint32_t i = 0; i < table->count; i++) {
      struct kr_profile_kernel *k = &table->kernels[i];
      qsort(k->durations_ns, k->count, sizeof(uint64_t), compare_u64);
      rows[i] = (struct kr_profile_row){
         .kernel = k,
         .count = k->count,
         .total_ns = k->total_ns,
         .mean_ns = k->total_ns / k->count,
         .median_ns = percentile(k->durations_ns, k->count, 50),
         .p99_ns = percentile(k->durations_ns, k->count, 99),
         .share = table->total_ns ? (double)k->total_ns / (double)table->total_ns : 0.0,
      };
   }
   qsort(rows, table->count, sizeof(*rows), compare_rows);
}

static int
print_grids(FILE *out, const struct kr_profile_kernel *k)
{
   int status = 0;
   for (uint32_t i = 0; i < k->grid_count && status >= 0; i++) {
      const struct kr_profile_grid *g = &k->grids[i];
      status = fprintf(out, "%s%ux%ux%u (%llu)", i ? ", " : "  ", g->x, g->y, g->z,
                       (unsigned long long)g->count);
   }
   if (k->other_grids && status >= 0)
      status = fprintf(out, ", others (%llu)", (unsigned long long)k->other_grids);
   return status;
}

bool
kr_profile_table_print(struct kr_profile_table *table, FILE *out)
{
   if (table->count == 0)
      return true;
   struct kr_profile_row *rows =
      kr_alloc(table->alloc, table->count * sizeof(*rows), _Alignof(struct kr_profile_row),
               VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!rows)
      return false;
   kr_profile_table_rows(table, rows);
   int status = fprintf(out, "%-40s %9s %12s %10s %10s %10s %6s  %s\n", "kernel", "count",
                        "total us", "mean us", "median us", "p99 us", "share", "grids");
   for (uint32_t i = 0; i < table->count && status >= 0; i++) {
      const struct kr_profile_row *r = &rows[i];
      status = fprintf(out, "%-40s %9llu %12.3f %10.3f %10.3f %10.3f %5.1f%%", r->kernel->name,
                       (unsigned long long)r->count, (double)r->total_ns / 1e3,
                       (double)r->mean_ns / 1e3, (double)r->median_ns / 1e3,
                       (double)r->p99_ns / 1e3, r->share * 100.0);
      if (status >= 0)
         status = print_grids(out, r->kernel);
      if (status >= 0)
         status = fputc('\n', out) == EOF ? -1 : 0;
   }
   kr_free(table->alloc, rows);
   return status >= 0 && !ferror(out);
}

void
kr_profile_table_finish(struct kr_profile_table *table)
{
   for (uint32_t i = 0; i < table->count; i++) {
      kr_free(table->alloc, table->kernels[i].name);
      kr_free(table->alloc, table->kernels[i].durations_ns);
   }
   kr_free(table->alloc, table->kernels);
   *table = (struct kr_profile_table){.alloc = table->alloc};
}
