/* SPDX-License-Identifier: MIT */
/* The log of binds and dispatches held back while nothing is pending (kr_barrier_defer.h).
 * An entry's first word is its head (kr_deferred_head); a pipeline's pointer follows, a bind's
 * (set, entry) pointer pairs and then its dynamic offsets, two to a word, or an untracked
 * command's stages and writes. */
#include "kr_barrier_defer.h"

#include "kr_alloc.h"
#include "kr_scratch.h"

bool
kr_deferred_grow(struct kr_barrier_deferred *d, uint32_t words)
{
   uint64_t need = (uint64_t)d->count + words;
   return need <= KR_DEFERRED_MAX_WORDS &&
          kr_array_grow(d->alloc, (void **)&d->words, &d->capacity, d->count, need,
                        sizeof(*d->words), 256) == VK_SUCCESS;
}

bool
kr_deferred_pipeline(struct kr_barrier_deferred *d, void *pipeline)
{
   if (!kr_deferred_grow(d, 2))
      return false;
   d->words[d->count] = kr_deferred_head(d, KR_DEFERRED_PIPELINE, 0, 0, 0);
   d->words[d->count + 1] = (uint64_t)(uintptr_t)pipeline;
   d->count += 2;
   d->pipelines++;
   return true;
}

bool
kr_deferred_sets(struct kr_barrier_deferred *d, uint32_t first, uint32_t count,
                 void *const *sets, void *const *entries, uint32_t dynamic_count,
                 const uint32_t *dynamic)
{
   if (count > KR_DEFERRED_MAX_SETS || dynamic_count > KR_DEFERRED_MAX_DYNAMIC ||
       first > KR_DEFERRED_MAX_FIRST ||
       !kr_deferred_grow(d, 1 + 2 * count + (dynamic_count + 1) / 2))
      return false;
   uint64_t *w = d->words + d->count;
   *w++ = kr_deferred_head(d, KR_DEFERRED_SETS, count, dynamic_count, first);
   for (uint32_t i = 0; i < count; i++) {
      *w++ = (uint64_t)(uintptr_t)sets[i];
      *w++ = entries ? (uint64_t)(uintptr_t)entries[i] : 0;
   }
   for (uint32_t i = 0; i < dynamic_count; i += 2) {
      uint64_t high = i + 1 < dynamic_count ? dynamic[i + 1] : 0;
      *w++ = (uint64_t)dynamic[i] | high << 32;
   }
   d->count = (uint32_t)(w - d->words);
   return true;
}

bool
kr_deferred_push(struct kr_barrier_deferred *d, uint32_t index)
{
   if (index > KR_DEFERRED_MAX_FIRST || !kr_deferred_grow(d, 1))
      return false;
   d->words[d->count] = kr_deferred_head(d, KR_DEFERRED_PUSH, 0, 0, index);
   d->count++;
   return true;
}

bool
kr_deferred_untracked(struct kr_barrier_deferred *d, uint32_t why, VkPipelineStageFlags2 stages,
                      VkAccessFlags2 writes)
{
   if (why > 0xff || !kr_deferred_grow(d, 3))
      return false;
   d->words[d->count] = kr_deferred_head(d, KR_DEFERRED_UNTRACKED, why, 0, 0);
   d->words[d->count + 1] = stages;
   d->words[d->count + 2] = writes;
   d->count += 3;
   return true;
}

uint32_t
kr_deferred_read(const struct kr_barrier_deferred *d, uint32_t at, struct kr_deferred_op *op)
{
   const uint64_t *w = d->words + at;
   uint64_t h = *w++;
   op->kind = (enum kr_deferred_kind)(h & 0xff);
   op->count = (uint32_t)(h >> 8) & 0xff;
   op->dynamic_count = (uint32_t)(h >> 16) & 0xff;
   op->first = (uint32_t)(h >> 24) & 0xff;
   op->run = (uint32_t)(h >> 32);
   switch (op->kind) {
   case KR_DEFERRED_PIPELINE:
      op->pipeline = (void *)(uintptr_t)*w++;
      break;
   case KR_DEFERRED_SETS:
      for (uint32_t i = 0; i < op->count; i++) {
         op->sets[i] = (void *)(uintptr_t)*w++;
         op->entries[i] = (void *)(uintptr_t)*w++;
      }
      for (uint32_t i = 0; i < op->dynamic_count; i += 2) {
         uint64_t pair = *w++;
         op->dynamic[i] = (uint32_t)pair;
         if (i + 1 < op->dynamic_count)
            op->dynamic[i + 1] = (uint32_t)(pair >> 32);
      }
      break;
   case KR_DEFERRED_UNTRACKED:
      op->why = op->count;
      op->stages = *w++;
      op->writes = *w++;
      break;
   case KR_DEFERRED_PUSH:
      break;
   }
   return (uint32_t)(w - d->words);
}

void
kr_deferred_free(struct kr_barrier_deferred *d)
{
   kr_free(d->alloc, d->words);
   kr_deferred_init(d, d->alloc);
}
