/* SPDX-License-Identifier: MIT */
/* Binds and dispatches the barrier policy holds back while nothing is pending (pure logic: a
 * log of words; kr_barrier_record.c decides when to keep, replay or drop it).
 *
 * Once the tracker has given the vendor a barrier, no request is pending until the application
 * records the next one: no command can make the tracker emit before then, and a command's
 * accesses matter only to requests recorded after it. Programs that order a command buffer's
 * work once (a barrier at the start, then hundreds of independent dispatches, each with its own
 * descriptor set) would have every dispatch worked out, or matched against the replay log, for
 * nothing. So from a barrier given to the vendor until the next request, the recording keeps
 * its binds, direct dispatches and the commands the policy does not understand (a timestamp)
 * here, as they come (a few words each, nothing looked up), and gives them to the policy in
 * order only when a request, a transfer or an indirect dispatch follows; at the end of the
 * command buffer they are dropped unread. The decisions are those of
 * giving each as it came: nothing is pending while they wait, so the tracker would have said
 * nothing, and the replay log holds the same events (each recording that matches it drops the
 * same dispatches at its end).
 *
 * Most such logs are never read: the command buffer ends before another request (a barrier at
 * the start, then independent dispatches). Writing one still costs every bind three words of
 * memory, cold again at each recording. So once a command buffer has ended a recording with a
 * request, and none of its recordings has read a log with dispatches in it, it records
 * without a log ("unlogged", kr_barrier_record.h): a one-set bind only replaces the last kept
 * at its set index, a pipeline bound again is nothing new, direct dispatches are counted in
 * `pending` as here, and anything else goes to the policy at once, after what was kept. That is
 * given coarser than the log would give it: where a bind was kept, the dispatches kept become
 * one command of unknown accesses (the policy's wildcard, every byte of every memory, as for a
 * dispatch whose accesses are not known), followed by each index's last bind. A wildcard in
 * their place can only add barriers, never lose one. It can add many: until a barrier orders
 * compute writes before everything, every later request may have to go to the vendor. So a
 * command buffer that needs it logs from there on, in that recording and every later one: it
 * pays for it in one recording at most. */
#ifndef KR_BARRIER_DEFER_H
#define KR_BARRIER_DEFER_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

enum kr_deferred_kind {
   KR_DEFERRED_PIPELINE, /* a compute pipeline bound: its accesses, referenced by the log */
   KR_DEFERRED_SETS,     /* descriptor sets bound from index `first` on */
   KR_DEFERRED_PUSH,     /* descriptors pushed at set index `first` */
   KR_DEFERRED_UNTRACKED, /* a command the policy does not understand (why, stages, writes) */
};

/* Sets and dynamic offsets a kept bind holds at most (a bigger bind is given at once). */
#define KR_DEFERRED_MAX_SETS 32u
#define KR_DEFERRED_MAX_DYNAMIC 64u
/* The largest set index an entry holds (the policy follows fewer). */
#define KR_DEFERRED_MAX_FIRST 0xffu
/* Words the log holds at most (8 MiB): past it, what was kept is given to the policy. */
#define KR_DEFERRED_MAX_WORDS (1u << 20)

/* Direct dispatches take no word of their own: a dispatch only counts itself in `pending`, and
 * the next entry's head carries that count (its run: the dispatches recorded just before it).
 * The dispatches after the last entry are the `pending` left at the end. A kept dispatch then
 * writes no memory but one counter, which shares a cache line with the rest of the log's state
 * (kr_command_buffer keeps it among what every command reads). */
struct kr_barrier_deferred {
   uint64_t *words;
   uint32_t count, capacity;
   uint32_t pending;    /* direct dispatches after the last entry */
   uint32_t pipelines;  /* pipeline entries in the log, whose references it holds */
   uint64_t dispatches; /* direct dispatches in the entries' runs */
   /* The callbacks the words are allocated with: kept here, so that appending reads nothing
    * outside the log. */
   const VkAllocationCallbacks *alloc;
};

/* One entry of the log, read back (kr_deferred_read). */
struct kr_deferred_op {
   enum kr_deferred_kind kind;
   uint32_t run;           /* direct dispatches recorded before this entry */
   uint32_t first;         /* SETS: the first set index; PUSH: the set index */
   uint32_t count;         /* SETS: sets */
   uint32_t dynamic_count; /* SETS: dynamic offsets of the whole bind */
   void *pipeline;         /* PIPELINE */
   void *sets[KR_DEFERRED_MAX_SETS];    /* SETS: the sets' objects (NULL: none) */
   void *entries[KR_DEFERRED_MAX_SETS]; /* SETS: their descriptor cache entries (NULL: none) */
   uint32_t dynamic[KR_DEFERRED_MAX_DYNAMIC];
   uint32_t why;                    /* UNTRACKED: its enum kronos_barrier_reason */
   VkPipelineStageFlags2 stages;    /* UNTRACKED */
   VkAccessFlags2 writes;           /* UNTRACKED */
};

/* An empty log whose words come from alloc. */
static inline void
kr_deferred_init(struct kr_barrier_deferred *d, const VkAllocationCallbacks *alloc)
{
   *d = (struct kr_barrier_deferred){.alloc = alloc};
}

/* An entry's first word: kind (bits 0-7), sets or an untracked command's reason (8-15), dynamic
 * offsets (16-23), first set index (24-31) and the run of dispatches before it (32-63), which
 * it takes from `pending`. */
static inline uint64_t
kr_deferred_head(struct kr_barrier_deferred *d, enum kr_deferred_kind kind, uint32_t count,
                 uint32_t dynamic_count, uint32_t first)
{
   uint64_t run = d->pending;
   d->dispatches += d->pending;
   d->pending = 0;
   return (uint64_t)kind | (uint64_t)count << 8 | (uint64_t)dynamic_count << 16 |
          (uint64_t)first << 24 | run << 32;
}

/* Appending: false when the log is full or out of host memory (nothing appended; the caller
 * gives the log and then the command to the policy as it is). */
bool kr_deferred_grow(struct kr_barrier_deferred *d, uint32_t words);

/* A direct dispatch kept: counted, inline (the common case); false, like a full log, after
 * UINT32_MAX of them with no entry between. No call, so a caller's fast path needs no frame. */
static inline bool
kr_deferred_dispatch(struct kr_barrier_deferred *d)
{
   if (d->pending == UINT32_MAX)
      return false;
   d->pending++;
   return true;
}

/* pipeline: the bound pipeline's accesses, whose reference the log takes on success. */
bool kr_deferred_pipeline(struct kr_barrier_deferred *d, void *pipeline);
/* count sets (objects; entries NULL or one per set) bound from first on, with the bind's
 * dynamic offsets. */
bool kr_deferred_sets(struct kr_barrier_deferred *d, uint32_t first, uint32_t count,
                      void *const *sets, void *const *entries, uint32_t dynamic_count,
                      const uint32_t *dynamic);

/* Whether `words` more fit without growing the log. */
static inline bool
kr_deferred_room(const struct kr_barrier_deferred *d, uint32_t words)
{
   return d->capacity - d->count >= words;
}

/* A bind of one set (index <= KR_DEFERRED_MAX_FIRST) without dynamic offsets, where
 * kr_deferred_room(d, 3) said it fits: what kr_deferred_sets writes for it, three words, no
 * check, no call. */
static inline void
kr_deferred_put_one_set(struct kr_barrier_deferred *d, uint32_t index, void *set, void *entry)
{
   uint64_t *w = d->words + d->count;
   w[0] = kr_deferred_head(d, KR_DEFERRED_SETS, 1, 0, index);
   w[1] = (uint64_t)(uintptr_t)set;
   w[2] = (uint64_t)(uintptr_t)entry;
   d->count += 3;
}

bool kr_deferred_push(struct kr_barrier_deferred *d, uint32_t index);
bool kr_deferred_untracked(struct kr_barrier_deferred *d, uint32_t why,
                           VkPipelineStageFlags2 stages, VkAccessFlags2 writes);

/* Whether anything is kept: an entry, or dispatches after the last. */
static inline bool
kr_deferred_any(const struct kr_barrier_deferred *d)
{
   return d->count || d->pending;
}

/* Every direct dispatch kept. */
static inline uint64_t
kr_deferred_dispatch_count(const struct kr_barrier_deferred *d)
{
   return d->dispatches + d->pending;
}

/* Reads the entry at word `at` into *op; returns where the next one starts (d->count after the
 * last). The dispatches after the last entry are d->pending. */
uint32_t kr_deferred_read(const struct kr_barrier_deferred *d, uint32_t at,
                          struct kr_deferred_op *op);

/* Empties the log. The references of its pipeline entries pass to whoever read them
 * (kr_deferred_read); to drop them instead, the caller reads them and lets go first. */
static inline void
kr_deferred_clear(struct kr_barrier_deferred *d)
{
   d->count = 0;
   d->pending = 0;
   d->dispatches = 0;
   d->pipelines = 0;
}

/* Frees the words; the log stays usable (empty, with its callbacks). */
void kr_deferred_free(struct kr_barrier_deferred *d);

#endif
