/* SPDX-License-Identifier: MIT */
/* The barrier policy's tracker (kr_barrier_policy.h says what it decides and why that never
 * loses an ordering the application asked for).
 *
 * State: the earlier accesses that the vendor does not yet order before every kind of later
 * access (entries, in recording order), the pending requests (their union), and the last
 * barrier given to the vendor (L). Positions count requests, commands and emitted barriers, so
 * "a pending request after entry e" is last_pending > e.position.
 *
 * Why L may stand for later requests it contains: every pending request lies after L (each
 * emission takes all of them). Take an application chain of requests R1 .. Rk ordering (e, f),
 * where the emitted ones went into vendor barriers U1 <= .. <= L and the pending ones are each
 * contained in L, with L after e. Mapping the emitted ones to their U and the pending ones to L
 * keeps their order and contains each one's masks, so the chain stays a chain (links between
 * two requests mapped to the same barrier collapse into it) and the vendor orders (e, f). So a
 * barrier is needed before f only for an entry e with a pending request after it that L does
 * not contain, or with pending requests after it and L not after it. */
#include "kr_barrier_policy.h"

#include <stddef.h>
#include <string.h>

#include "kr_alloc.h"

#define ALL_BITS (~(uint64_t)0)

/* The kinds that write: the table's write column comes from it, and it is at hand (a constant)
 * for every read a command records. */
#define WRITE_KINDS                                                                               \
   ((uint16_t)((1u << KR_ACCESS_SHADER_STORAGE_WRITE) | (1u << KR_ACCESS_COPY_WRITE) |          \
               (1u << KR_ACCESS_CLEAR_WRITE)))
#define WRITES(kind) ((WRITE_KINDS >> (kind)) & 1u)

static const struct {
   VkPipelineStageFlags2 stage;
   VkAccessFlags2 access;
   bool write;
} kinds[KR_ACCESS_KIND_COUNT] = {
   [KR_ACCESS_SHADER_STORAGE_READ] = {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                      VK_ACCESS_2_SHADER_STORAGE_READ_BIT,
                                      WRITES(KR_ACCESS_SHADER_STORAGE_READ)},
   [KR_ACCESS_SHADER_UNIFORM_READ] = {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                      VK_ACCESS_2_UNIFORM_READ_BIT,
                                      WRITES(KR_ACCESS_SHADER_UNIFORM_READ)},
   [KR_ACCESS_SHADER_SAMPLED_READ] = {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                      VK_ACCESS_2_SHADER_SAMPLED_READ_BIT,
                                      WRITES(KR_ACCESS_SHADER_SAMPLED_READ)},
   [KR_ACCESS_SHADER_STORAGE_WRITE] = {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                       VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                                       WRITES(KR_ACCESS_SHADER_STORAGE_WRITE)},
   [KR_ACCESS_COPY_READ] = {VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_READ_BIT,
                            WRITES(KR_ACCESS_COPY_READ)},
   [KR_ACCESS_COPY_WRITE] = {VK_PIPELINE_STAGE_2_COPY_BIT, VK_ACCESS_2_TRANSFER_WRITE_BIT,
                             WRITES(KR_ACCESS_COPY_WRITE)},
   /* Fill and update are "transfer" operations; some read them as clears, some (the 1.3.239
    * validation layer, drivers that run them as copies) as copies: both stages, so the
    * vendor's barriers must name both to order them. */
   [KR_ACCESS_CLEAR_WRITE] = {VK_PIPELINE_STAGE_2_CLEAR_BIT | VK_PIPELINE_STAGE_2_COPY_BIT,
                              VK_ACCESS_2_TRANSFER_WRITE_BIT, WRITES(KR_ACCESS_CLEAR_WRITE)},
   [KR_ACCESS_INDIRECT_READ] = {VK_PIPELINE_STAGE_2_DRAW_INDIRECT_BIT,
                                VK_ACCESS_2_INDIRECT_COMMAND_READ_BIT,
                                WRITES(KR_ACCESS_INDIRECT_READ)},
};

#define ALL_KINDS ((uint16_t)((1u << KR_ACCESS_KIND_COUNT) - 1))

VkPipelineStageFlags2
kr_barrier_kind_stage(enum kr_barrier_access_kind kind)
{
   return kinds[kind].stage;
}

VkAccessFlags2
kr_barrier_kind_access(enum kr_barrier_access_kind kind)
{
   return kinds[kind].access;
}

bool
kr_barrier_kind_writes(enum kr_barrier_access_kind kind)
{
   return kinds[kind].write;
}

/* The stages a stage mask names in a barrier's first (or second) scope. Synchronization2 rules,
 * which are synchronization1's too: BOTTOM_OF_PIPE in the first scope and TOP_OF_PIPE in the
 * second are all commands for execution only (they perform no accesses); the other way round
 * they name nothing. The ALL_COMMANDS bit is only in the answer for ALL_COMMANDS, so a wildcard
 * entry (stages = ALL_COMMANDS) is only in a scope that names every command. */
static VkPipelineStageFlags2
stages_in_scope(VkPipelineStageFlags2 mask, bool first_scope, bool memory)
{
   if (mask & VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT)
      return ALL_BITS;
   if (!memory && (mask & (first_scope ? VK_PIPELINE_STAGE_2_BOTTOM_OF_PIPE_BIT
                                       : VK_PIPELINE_STAGE_2_TOP_OF_PIPE_BIT)))
      return ALL_BITS;
   if (mask & VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT)
      mask |= VK_PIPELINE_STAGE_2_COPY_BIT | VK_PIPELINE_STAGE_2_CLEAR_BIT |
              VK_PIPELINE_STAGE_2_RESOLVE_BIT | VK_PIPELINE_STAGE_2_BLIT_BIT;
   if (mask & VK_PIPELINE_STAGE_2_ALL_GRAPHICS_BIT)
      mask |= VK_PIPELINE_STAGE_2_DRAW_INDIRECT_BIT;
   return mask;
}

/* The accesses an access mask names. MEMORY_WRITE is only in the answer for MEMORY_WRITE, so a
 * wildcard's "any write" is only in a scope that names every write. */
static VkAccessFlags2
accesses_in_scope(VkAccessFlags2 mask)
{
   if (mask & VK_ACCESS_2_MEMORY_READ_BIT)
      mask |= VK_ACCESS_2_SHADER_READ_BIT | VK_ACCESS_2_UNIFORM_READ_BIT |
              VK_ACCESS_2_SHADER_SAMPLED_READ_BIT | VK_ACCESS_2_SHADER_STORAGE_READ_BIT |
              VK_ACCESS_2_TRANSFER_READ_BIT | VK_ACCESS_2_INDIRECT_COMMAND_READ_BIT;
   if (mask & VK_ACCESS_2_MEMORY_WRITE_BIT)
      mask |= VK_ACCESS_2_SHADER_WRITE_BIT | VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT |
              VK_ACCESS_2_TRANSFER_WRITE_BIT;
   if (mask & VK_ACCESS_2_SHADER_READ_BIT)
      mask |= VK_ACCESS_2_UNIFORM_READ_BIT | VK_ACCESS_2_SHADER_SAMPLED_READ_BIT |
              VK_ACCESS_2_SHADER_STORAGE_READ_BIT;
   if (mask & VK_ACCESS_2_SHADER_WRITE_BIT)
      mask |= VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT;
   return mask;
}

/* What a barrier orders (struct kr_barrier_scopes), from its masks (for an earlier access
 * that only reads: [0]; one that writes: [1], which also needs its access made available):
 * entry e is in the first scope when its stages are in src_stages[e->write] (and, when e
 * writes, its access in src_access), and then the vendor orders it before a later access of
 * every kind in kinds_ordered[e->write]. Every stage of e and of the kind must be in the
 * scopes (a kind with two stages may be either); a later kind is ordered after a write only
 * when the second access scope makes its access visible. */
static void
barrier_scopes(const struct kr_barrier_masks *m, struct kr_barrier_scopes *s)
{
   VkAccessFlags2 dst_access = accesses_in_scope(m->dst_access);
   s->src_access = accesses_in_scope(m->src_access);
   for (unsigned memory = 0; memory < 2; memory++) {
      s->src_stages[memory] = stages_in_scope(m->src_stages, true, memory);
      VkPipelineStageFlags2 dst_stages = stages_in_scope(m->dst_stages, false, memory);
      uint16_t ordered = 0;
      for (unsigned k = 0; k < KR_ACCESS_KIND_COUNT; k++) {
         if ((kinds[k].stage & ~dst_stages) || (memory && !(dst_access & kinds[k].access)))
            continue;
         ordered |= (uint16_t)(1u << k);
      }
      s->kinds_ordered[memory] = ordered;
   }
}

/* The later access kinds the barrier orders entry e before (none when e is not in its first
 * scope). */
static uint16_t
kinds_ordered_after(const struct kr_barrier_scopes *s, const struct kr_barrier_entry *e)
{
   unsigned memory = e->write;
   if (e->stages & ~s->src_stages[memory])
      return 0;
   if (memory && (e->access & ~s->src_access))
      return 0;
   return s->kinds_ordered[memory];
}

/* Every bit of b is in a: b's scopes are inside a's. */
static inline bool
masks_contain(const struct kr_barrier_masks *a, const struct kr_barrier_masks *b)
{
   return !(b->src_stages & ~a->src_stages) && !(b->dst_stages & ~a->dst_stages) &&
          !(b->src_access & ~a->src_access) && !(b->dst_access & ~a->dst_access);
}

void
kr_barrier_tracker_init(struct kr_barrier_tracker *t, const VkAllocationCallbacks *alloc)
{
   memset(t, 0, sizeof(*t));
   t->alloc = alloc;
}

void
kr_barrier_tracker_finish(struct kr_barrier_tracker *t)
{
   if (t->entries != &t->fallback)
      kr_free(t->alloc, t->entries);
   t->entries = NULL;
   t->count = t->capacity = 0;
}

/* Every entry folded into one wildcard at the earliest position: it conflicts with everything
 * and is ordered by nothing but a barrier naming all commands and all writes, so what the
 * folded entries needed it needs too. Used past KR_BARRIER_MAX_ENTRIES and when out of memory.
 *
 * Except across the last emitted barrier L: for an entry before L, pending requests that L
 * contains need no barrier (may_need_order), for one after L they do. When the folded entries
 * lie on both sides, the wildcard goes at L's own position: not before L, and still before
 * every pending request (they are all after L). */
static void
fold_entries(struct kr_barrier_tracker *t, uint64_t position)
{
   uint64_t latest = position;
   for (uint32_t i = 0; i < t->count; i++) {
      if (t->entries[i].position < position)
         position = t->entries[i].position;
      if (t->entries[i].position > latest)
         latest = t->entries[i].position;
   }
   if (t->has_last && position < t->last_position && latest > t->last_position)
      position = t->last_position;
   t->entries[0] = (struct kr_barrier_entry){
      .position = position,
      .stages = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
      .access = VK_ACCESS_2_MEMORY_WRITE_BIT,
      .unordered = ALL_KINDS,
      .write = true,
      .any_memory = true,
   };
   t->count = 1;
}

static bool
grow_entries(struct kr_barrier_tracker *t)
{
   if (t->capacity >= KR_BARRIER_MAX_ENTRIES)
      return false;
   uint32_t capacity = t->capacity && t->entries != &t->fallback ? t->capacity * 2 : 64;
   if (capacity > KR_BARRIER_MAX_ENTRIES)
      capacity = KR_BARRIER_MAX_ENTRIES;
   struct kr_barrier_entry *entries =
      kr_alloc(t->alloc, (size_t)capacity * sizeof(*entries), _Alignof(struct kr_barrier_entry),
               VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!entries)
      return false;
   if (t->count)
      memcpy(entries, t->entries, (size_t)t->count * sizeof(*entries));
   if (t->entries != &t->fallback)
      kr_free(t->alloc, t->entries);
   t->entries = entries;
   t->capacity = capacity;
   return true;
}

/* Adds e at the end of the list. */
static void
append_entry(struct kr_barrier_tracker *t, const struct kr_barrier_entry *e)
{
   if (t->count == t->capacity && !grow_entries(t)) {
      if (!t->entries) {
         t->entries = &t->fallback;
         t->capacity = 1;
         t->entries[0] = *e;
         t->count = 1;
      }
      fold_entries(t, e->position);
      return;
   }
   t->entries[t->count++] = *e;
}

/* Adds a tracked command's access, recorded at position. A recent entry of the same kind of
 * access recorded since the last emitted barrier, to touching or overlapping bytes of the same
 * memory, grows to take it in instead: the same unordered kinds (no barrier went to the vendor
 * since it was made), the union of the bytes, and the earlier position (a pending request after
 * the access is after it too). So dispatches over neighbouring regions, or reading the same
 * input, keep the list short. */
static void
add_access(struct kr_barrier_tracker *t, const struct kr_barrier_access *a, uint64_t position)
{
   /* Newest first: the likeliest to take it in (the one before it usually does). */
   uint32_t look = t->count < 8 ? t->count : 8;
   for (uint32_t i = t->count; i-- > t->count - look;) {
      struct kr_barrier_entry *old = &t->entries[i];
      /* Entries of one kind have the same stages, access and write. */
      if (old->kind != a->kind || old->any_memory || old->memory != a->memory ||
          old->begin > a->end || a->begin > old->end)
         continue;
      if (t->has_last && old->position <= t->last_position)
         continue;
      old->begin = old->begin < a->begin ? old->begin : a->begin;
      old->end = old->end > a->end ? old->end : a->end;
      return;
   }
   bool write = kinds[a->kind].write;
   const struct kr_barrier_entry e = {
      .memory = a->memory,
      .begin = a->begin,
      .end = a->end,
      .position = position,
      .stages = kinds[a->kind].stage,
      .access = kinds[a->kind].access,
      .unordered = write ? ALL_KINDS : WRITE_KINDS,
      .kind = (uint8_t)a->kind,
      .write = write,
   };
   append_entry(t, &e);
}

static void
add_wildcard(struct kr_barrier_tracker *t, VkPipelineStageFlags2 stages, VkAccessFlags2 writes)
{
   struct kr_barrier_entry e = {
      .position = ++t->now,
      .stages = stages,
      .access = writes,
      .write = writes != 0,
      .unordered = writes ? ALL_KINDS : WRITE_KINDS,
      .any_memory = true,
   };
   append_entry(t, &e);
}

void
kr_barrier_tracker_begin(struct kr_barrier_tracker *t)
{
   const VkAllocationCallbacks *alloc = t->alloc;
   struct kr_barrier_entry *entries = t->entries;
   uint32_t capacity = t->capacity;
   /* Everything but the scopes kept (the last fields) starts from zero. */
   memset(t, 0, offsetof(struct kr_barrier_tracker, scopes_ready));
   t->alloc = alloc;
   t->entries = entries == &t->fallback ? NULL : entries;
   t->capacity = entries == &t->fallback ? 0 : capacity;
   /* What earlier submits did: any command, any write (reads are covered: they conflict only
    * with later writes, which a write conflicts with too). */
   add_wildcard(t, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_ACCESS_2_MEMORY_WRITE_BIT);
   t->recorded_since_last = true;
}

void
kr_barrier_tracker_request(struct kr_barrier_tracker *t, const struct kr_barrier_masks *m)
{
   t->counts.requests++;
   /* Right after an emitted barrier that contains it, with nothing recorded or pending since,
    * a request orders nothing the emitted barrier does not (earlier pending requests would
    * keep it: it may continue their chains). */
   if (t->has_last && !t->recorded_since_last && !t->pending_count &&
       masks_contain(&t->last, m)) {
      t->counts.dropped++;
      return;
   }
   kr_barrier_masks_add(&t->pending, m);
   t->pending_count++;
   t->last_pending = ++t->now;
   if (!t->has_last || !masks_contain(&t->last, m))
      t->last_undominated = t->last_pending;
}

/* Gives the vendor every pending request as one barrier, and takes note of what it orders. */
static void
emit_pending(struct kr_barrier_tracker *t, enum kronos_barrier_reason why,
             struct kr_barrier_emit *emit)
{
   emit->masks = t->pending;
   emit->requests = t->pending_count;
   t->counts.emitted[why]++;
   t->counts.merged += t->pending_count - 1;

   if (!t->scopes_ready || !kr_barrier_masks_equal(&t->scopes_masks, &t->pending)) {
      barrier_scopes(&t->pending, &t->scopes);
      t->scopes_masks = t->pending;
      t->scopes_ready = true;
   }
   const struct kr_barrier_scopes scopes = t->scopes;
   uint32_t kept = 0;
   for (uint32_t i = 0; i < t->count; i++) {
      struct kr_barrier_entry *e = &t->entries[i];
      uint16_t unordered = e->unordered & (uint16_t)~kinds_ordered_after(&scopes, e);
      if (!unordered)
         continue;
      if (kept != i)
         t->entries[kept] = *e;
      t->entries[kept++].unordered = unordered;
   }
   t->count = kept;

   t->last = t->pending;
   t->has_last = true;
   t->last_position = ++t->now;
   t->recorded_since_last = false;
   t->pending = (struct kr_barrier_masks){0};
   t->pending_count = 0;
   t->last_pending = t->last_undominated = 0;
}

/* Whether a pending request may order entry e before a later command that the vendor does
 * not already order it before (see the top of this file): the last emitted barrier is after e,
 * so only pending requests it does not contain matter, or it is not. */
static inline bool
may_need_order(const struct kr_barrier_tracker *t, const struct kr_barrier_entry *e)
{
   if (t->has_last && t->last_position > e->position)
      return t->last_undominated > e->position;
   return t->last_pending > e->position;
}

/* Whether a later access conflicts with e, unordered: e leaves the access's kind unordered
 * and their bytes meet. Two reads never conflict: an entry that reads has only write kinds
 * unordered (it starts with WRITE_KINDS, and barriers only take kinds away). */
static inline bool
conflicts(const struct kr_barrier_entry *e, const struct kr_barrier_access *a)
{
   if (!(e->unordered & (1u << a->kind)))
      return false;
   return e->any_memory || (e->memory == a->memory && e->begin < a->end && a->begin < e->end);
}

static bool
needs_barrier(const struct kr_barrier_tracker *t, const struct kr_barrier_access *accesses,
              uint32_t count)
{
   if (!t->pending_count)
      return false;
   uint16_t command_kinds = 0;
   for (uint32_t a = 0; a < count; a++)
      command_kinds |= (uint16_t)(1u << accesses[a].kind);
   for (uint32_t i = 0; i < t->count; i++) {
      const struct kr_barrier_entry *e = &t->entries[i];
      if (!(e->unordered & command_kinds) || !may_need_order(t, e))
         continue;
      for (uint32_t a = 0; a < count; a++) {
         if (conflicts(e, &accesses[a]))
            return true;
      }
   }
   return false;
}

/* Whether write w (of the same command as read r) covers r: the same memory, all of r's bytes
 * and every stage of r's. Then r need not be kept: w has r's position, conflicts with every
 * later access that r conflicts with (a write conflicts with any access, and its unordered
 * kinds stay a superset of r's), and a barrier that orders w before a later access orders r
 * too (w's stages are in the first scope, which for an execution dependency only is no
 * smaller; the kinds ordered after a read are no fewer than after a write). */
static bool
write_covers(const struct kr_barrier_access *w, const struct kr_barrier_access *r)
{
   return kinds[w->kind].write && w->memory == r->memory && w->begin <= r->begin &&
          r->end <= w->end && !(kinds[r->kind].stage & ~kinds[w->kind].stage);
}

bool
kr_barrier_tracker_command(struct kr_barrier_tracker *t, const struct kr_barrier_access *accesses,
                           uint32_t count, struct kr_barrier_emit *emit)
{
   bool emitted = needs_barrier(t, accesses, count);
   if (emitted)
      emit_pending(t, KRONOS_BARRIER_HAZARD, emit);
   uint64_t position = ++t->now;
   for (uint32_t a = 0; a < count; a++) {
      const struct kr_barrier_access *access = &accesses[a];
      if (access->begin >= access->end)
         continue;
      /* A descriptor read and written: its read, then its write (only the next access is
       * looked at, so that a command of many accesses stays linear). */
      if (!kinds[access->kind].write && a + 1 < count && write_covers(&accesses[a + 1], access))
         continue;
      add_access(t, access, position);
   }
   t->recorded_since_last = true;
   return emitted;
}

bool
kr_barrier_tracker_untracked(struct kr_barrier_tracker *t, enum kronos_barrier_reason why,
                             VkPipelineStageFlags2 stages, VkAccessFlags2 write_access,
                             struct kr_barrier_emit *emit)
{
   bool emitted = t->pending_count != 0;
   if (emitted)
      emit_pending(t, why, emit);
   if (stages)
      add_wildcard(t, stages, write_access);
   t->recorded_since_last = true;
   return emitted;
}

bool
kr_barrier_tracker_end(struct kr_barrier_tracker *t, struct kr_barrier_emit *emit)
{
   if (!t->pending_count)
      return false;
   emit_pending(t, KRONOS_BARRIER_END, emit);
   return true;
}
