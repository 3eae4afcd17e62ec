/* SPDX-License-Identifier: MIT */
/* The replay log of the barrier policy's decisions (kr_barrier_replay.h says why a matching
 * prefix of events may skip the tracker). */
#include "kr_barrier_replay.h"

#include <string.h>

#include "kr_alloc.h"
#include "kr_scratch.h"

/* The first word of the keys made here; callers' own keys start with KR_REPLAY_KEY_CALLER or
 * above, so no key of one kind equals a key of another. */
enum replay_key_tag {
   TAG_REQUEST = 1,
   TAG_UNTRACKED,
   TAG_END,
   TAG_ACCESSES,
};

enum replay_input {
   INPUT_REQUEST,
   INPUT_COMMAND,
   INPUT_UNTRACKED,
   INPUT_END,
};

struct kr_replay_event {
   uint32_t key_first, key_count; /* in keys[]; key_count 0: never matches */
   uint32_t access_first, access_count; /* a command's input, in accesses[] */
   uint8_t input; /* enum replay_input */
   uint8_t why;   /* an untracked command's reason */
   bool emitted;
   /* A request's masks; an untracked command's stages (src_stages) and writes (src_access). */
   struct kr_barrier_masks masks;
   struct kr_barrier_emit emit; /* the barrier given before the event, when emitted */
};

/* Accesses a buffer command's key holds at most (a copy of many regions runs live). */
#define MAX_KEYED_ACCESSES 16u

void
kr_barrier_replay_init(struct kr_barrier_replay *r, const VkAllocationCallbacks *alloc)
{
   memset(r, 0, sizeof(*r));
   r->alloc = alloc;
   kr_barrier_tracker_init(&r->tracker, alloc);
}

void
kr_barrier_replay_finish(struct kr_barrier_replay *r)
{
   kr_barrier_tracker_finish(&r->tracker);
   kr_free(r->alloc, r->events);
   kr_free(r->alloc, r->keys);
   kr_free(r->alloc, r->accesses);
   r->events = NULL;
   r->keys = NULL;
   r->accesses = NULL;
   r->event_count = r->event_capacity = r->key_count = r->key_capacity = 0;
   r->access_count = r->access_capacity = 0;
   r->complete = false;
}

static void
stop_logging(struct kr_barrier_replay *r)
{
   r->logging = false;
   r->complete = false;
}

void
kr_barrier_replay_begin(struct kr_barrier_replay *r, bool enabled)
{
   r->next = 0;
   if (enabled && r->complete) {
      /* The tracker starts only if this recording departs from the log. */
      r->live = false;
      r->logging = true;
      return;
   }
   r->live = true;
   r->logging = enabled;
   r->complete = false;
   r->event_count = r->key_count = r->access_count = 0;
   kr_barrier_tracker_begin(&r->tracker);
}

/* Gives a logged event's input to the tracker (rebuilding its state; the decision is the one
 * logged, as the inputs are the same). */
static void
feed(struct kr_barrier_replay *r, const struct kr_replay_event *e)
{
   struct kr_barrier_emit ignored;
   switch ((enum replay_input)e->input) {
   case INPUT_REQUEST:
      kr_barrier_tracker_request(&r->tracker, &e->masks);
      break;
   case INPUT_COMMAND:
      kr_barrier_tracker_command(&r->tracker, r->accesses + e->access_first, e->access_count,
                                 &ignored);
      break;
   case INPUT_UNTRACKED:
      kr_barrier_tracker_untracked(&r->tracker, (enum kronos_barrier_reason)e->why,
                                   e->masks.src_stages, e->masks.src_access, &ignored);
      break;
   case INPUT_END:
      break; /* the last event of a log: never in a prefix that is followed by another */
   }
}

/* This recording departs from the log at event `next`: the log keeps the matched prefix, the
 * tracker gets its inputs, and the rest of the recording runs live. */
static void
diverge(struct kr_barrier_replay *r)
{
   r->diverged++;
   r->complete = false;
   r->event_count = r->next;
   if (r->next) {
      const struct kr_replay_event *last = &r->events[r->next - 1];
      r->key_count = last->key_first + last->key_count;
      r->access_count = last->access_first + last->access_count;
   } else {
      r->key_count = r->access_count = 0;
   }
   kr_barrier_tracker_begin(&r->tracker);
   for (uint32_t i = 0; i < r->next; i++)
      feed(r, &r->events[i]);
   r->live = true;
}

/* Appends a live event under the key (copied); false when the recording is not (or no longer)
 * logged. */
static bool
open_event(struct kr_barrier_replay *r, const uint64_t *key, uint32_t n)
{
   if (!r->logging)
      return false;
   if (r->event_count >= KR_REPLAY_MAX_EVENTS ||
       kr_array_grow(r->alloc, (void **)&r->events, &r->event_capacity, r->event_count,
                     (uint64_t)r->event_count + 1, sizeof(*r->events), 64) != VK_SUCCESS ||
       kr_array_grow(r->alloc, (void **)&r->keys, &r->key_capacity, r->key_count,
                     (uint64_t)r->key_count + n, sizeof(*r->keys), 256) != VK_SUCCESS) {
      stop_logging(r);
      return false;
   }
   struct kr_replay_event *e = &r->events[r->event_count++];
   memset(e, 0, sizeof(*e));
   e->key_first = r->key_count;
   e->key_count = n;
   if (n)
      memcpy(r->keys + r->key_count, key, n * sizeof(*key));
   r->key_count += n;
   e->access_first = r->access_count;
   return true;
}

/* The event open_event appended, or NULL when not logging. */
static struct kr_replay_event *
open_one(struct kr_barrier_replay *r)
{
   return r->logging && r->event_count ? &r->events[r->event_count - 1] : NULL;
}

static void
close_event(struct kr_barrier_replay *r, enum replay_input input, bool emitted,
            const struct kr_barrier_emit *emit)
{
   struct kr_replay_event *e = open_one(r);
   if (e) {
      e->input = (uint8_t)input;
      e->emitted = emitted;
      if (emitted)
         e->emit = *emit;
   }
   r->next++;
}

bool
kr_barrier_replay_match(struct kr_barrier_replay *r, const uint64_t *key, uint32_t n,
                        bool *emitted, struct kr_barrier_emit *emit)
{
   if (!r->live) {
      if (n && r->next < r->event_count) {
         const struct kr_replay_event *e = &r->events[r->next];
         if (e->key_count == n && memcmp(r->keys + e->key_first, key, n * sizeof(*key)) == 0) {
            *emitted = e->emitted;
            if (e->emitted)
               *emit = e->emit;
            r->next++;
            r->replayed++;
            return true;
         }
      }
      diverge(r);
   }
   open_event(r, key, n);
   return false;
}

bool
kr_barrier_replay_live_command(struct kr_barrier_replay *r,
                               const struct kr_barrier_access *accesses, uint32_t count,
                               struct kr_barrier_emit *emit)
{
   bool emitted = kr_barrier_tracker_command(&r->tracker, accesses, count, emit);
   struct kr_replay_event *e = open_one(r);
   if (e) {
      if (kr_array_grow(r->alloc, (void **)&r->accesses, &r->access_capacity, r->access_count,
                        (uint64_t)r->access_count + count, sizeof(*r->accesses),
                        256) != VK_SUCCESS) {
         stop_logging(r);
      } else {
         if (count)
            memcpy(r->accesses + r->access_count, accesses, count * sizeof(*accesses));
         e->access_count = count;
         r->access_count += count;
      }
   }
   close_event(r, INPUT_COMMAND, emitted, emit);
   return emitted;
}

bool
kr_barrier_replay_live_untracked(struct kr_barrier_replay *r, enum kronos_barrier_reason why,
                                 VkPipelineStageFlags2 stages, VkAccessFlags2 write_access,
                                 struct kr_barrier_emit *emit)
{
   bool emitted = kr_barrier_tracker_untracked(&r->tracker, why, stages, write_access, emit);
   struct kr_replay_event *e = open_one(r);
   if (e) {
      e->why = (uint8_t)why;
      e->masks.src_stages = stages;
      e->masks.src_access = write_access;
   }
   close_event(r, INPUT_UNTRACKED, emitted, emit);
   return emitted;
}

void
kr_barrier_replay_request(struct kr_barrier_replay *r, const struct kr_barrier_masks *m)
{
   const uint64_t key[5] = {TAG_REQUEST, m->src_stages, m->dst_stages, m->src_access,
                            m->dst_access};
   bool emitted;
   struct kr_barrier_emit emit;
   if (kr_barrier_replay_match(r, key, 5, &emitted, &emit))
      return; /* a request never emits */
   kr_barrier_tracker_request(&r->tracker, m);
   struct kr_replay_event *e = open_one(r);
   if (e)
      e->masks = *m;
   close_event(r, INPUT_REQUEST, false, NULL);
}

bool
kr_barrier_replay_untracked(struct kr_barrier_replay *r, enum kronos_barrier_reason why,
                            VkPipelineStageFlags2 stages, VkAccessFlags2 write_access,
                            struct kr_barrier_emit *emit)
{
   const uint64_t key[4] = {TAG_UNTRACKED, (uint64_t)why, stages, write_access};
   bool emitted;
   if (kr_barrier_replay_match(r, key, 4, &emitted, emit))
      return emitted;
   return kr_barrier_replay_live_untracked(r, why, stages, write_access, emit);
}

bool
kr_barrier_replay_accesses(struct kr_barrier_replay *r, const struct kr_barrier_access *accesses,
                           uint32_t count, struct kr_barrier_emit *emit)
{
   uint64_t key[2 + 4 * MAX_KEYED_ACCESSES];
   uint32_t n = 0;
   if (count <= MAX_KEYED_ACCESSES) {
      key[n++] = TAG_ACCESSES;
      key[n++] = count;
      for (uint32_t i = 0; i < count; i++) {
         key[n++] = accesses[i].memory;
         key[n++] = accesses[i].begin;
         key[n++] = accesses[i].end;
         key[n++] = (uint64_t)accesses[i].kind;
      }
   }
   bool emitted;
   if (kr_barrier_replay_match(r, key, n, &emitted, emit))
      return emitted;
   return kr_barrier_replay_live_command(r, accesses, count, emit);
}

bool
kr_barrier_replay_end(struct kr_barrier_replay *r, struct kr_barrier_emit *emit)
{
   const uint64_t key[1] = {TAG_END};
   bool emitted;
   if (kr_barrier_replay_match(r, key, 1, &emitted, emit))
      return emitted; /* the whole recording matched: the log stays complete */
   emitted = kr_barrier_tracker_end(&r->tracker, emit);
   close_event(r, INPUT_END, emitted, emit);
   if (r->logging) {
      r->end_counts = r->tracker.counts;
      r->complete = true;
   }
   return emitted;
}

const struct kr_barrier_counts *
kr_barrier_replay_counts(const struct kr_barrier_replay *r)
{
   return r->live ? &r->tracker.counts : &r->end_counts;
}
