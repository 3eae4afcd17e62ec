/* SPDX-License-Identifier: MIT */
#include "bench_barrier_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
push(struct bench_barrier_model *m, const struct bench_barrier_model_entry *entry)
{
   if (m->count == m->capacity) {
      uint32_t capacity = m->capacity ? m->capacity * 2 : 64;
      struct bench_barrier_model_entry *entries =
         realloc(m->entries, capacity * sizeof(*entries));
      if (!entries) {
         fprintf(stderr, "kronos-bench: out of memory in the barrier model\n");
         m->failed = true;
         return false;
      }
      m->entries = entries;
      m->capacity = capacity;
   }
   m->entries[m->count++] = *entry;
   return true;
}

void
bench_barrier_model_begin(struct bench_barrier_model *m, bool previous_work)
{
   m->count = 0;
   m->now = 0;
   m->last_request = 0;
   m->hazards = m->ends = 0;
   m->failed = false;
   if (previous_work) {
      const struct bench_barrier_model_entry any = {.access.write = true, .position = ++m->now,
                                                    .any = true};
      push(m, &any);
   }
}

void
bench_barrier_model_request(struct bench_barrier_model *m)
{
   m->last_request = ++m->now;
}

static bool
conflicts(const struct bench_barrier_model_entry *e, const struct bench_barrier_access *a)
{
   if (!e->access.write && !a->write)
      return false; /* read after read */
   if (e->any)
      return true;
   return e->access.buffer == a->buffer && e->access.begin < a->end && a->begin < e->access.end;
}

bool
bench_barrier_model_command(struct bench_barrier_model *m,
                            const struct bench_barrier_access *accesses, uint32_t count)
{
   bool hazard = false;
   /* Only what was recorded before a pending request can need a barrier: the application
    * ordered nothing after its last one. */
   for (uint32_t i = 0; i < m->count && m->last_request && !hazard; i++) {
      if (m->entries[i].position >= m->last_request)
         continue;
      for (uint32_t a = 0; a < count && !hazard; a++)
         hazard = conflicts(&m->entries[i], &accesses[a]);
   }
   if (hazard) {
      m->hazards++;
      m->count = 0; /* the barrier orders everything before it */
      m->last_request = 0;
   }
   uint64_t position = ++m->now;
   for (uint32_t a = 0; a < count; a++)
      push(m, &(struct bench_barrier_model_entry){.access = accesses[a], .position = position});
   return hazard;
}

bool
bench_barrier_model_end(struct bench_barrier_model *m)
{
   if (!m->last_request)
      return false;
   m->ends++;
   m->last_request = 0;
   m->count = 0;
   return true;
}

void
bench_barrier_model_finish(struct bench_barrier_model *m)
{
   free(m->entries);
   memset(m, 0, sizeof(*m));
}
