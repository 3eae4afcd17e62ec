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
   TAG_REQUEST = KR_REPLAY_TAG_REQUEST,
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

/* Accesses a buffer command's key holds at most (a copy of many regions runs live). */
#define MAX_KEYED_ACCESSES 16u

void
kr_barrier_replay_init(struct kr_barrier_replay *r, const VkAllocationCallbacks *alloc,
                       struct kr_replay_log *log)
{
   memset(r, 0, sizeof(*r));
   r->alloc = alloc;
   kr_barrier_tracker_init(&r->tracker, alloc);
   if (log) {
      r->log = *log;
      memset(log, 0, sizeof(*log));
   }
}

void
kr_replay_log_free(struct kr_replay_log *log, const VkAllocationCallbacks *alloc)
{
   kr_free(alloc, log->events);
   kr_free(alloc, log->details);
   kr_free(alloc, log->keys);
   kr_free(alloc, log->accesses);
   memset(log, 0, sizeof(*log));
}

bool
kr_barrier_replay_finish(struct kr_barrier_replay *r, struct kr_replay_log *keep)
{
   kr_barrier_tracker_finish(&r->tracker);
   bool kept = keep && r->log.complete;
   if (kept) {
      *keep = r->log;
      memset(&r->log, 0, sizeof(r->log));
   } else {
      kr_replay_log_free(&r->log, r->alloc);
   }
   return kept;
}

/* Recordings not logged after one that could not be (past a cap, or out of memory): a command
 * buffer that always records too much would pay for logging and never replay. */
#define SKIP_AFTER_UNLOGGED 16u

/* This recording cannot be logged: what the log holds goes (nothing of it will be replayed). */
static void
stop_logging(struct kr_barrier_replay *r)
{
   r->logging = false;
   r->skip_logging = SKIP_AFTER_UNLOGGED;
   kr_replay_log_free(&r->log, r->alloc);
}

void
kr_barrier_replay_begin(struct kr_barrier_replay *r, bool enabled)
{
   r->next = 0;
   r->recovery = false;
   if (enabled && r->skip_logging) {
      r->skip_logging--;
      enabled = false;
   }
   if (enabled && r->log.complete) {
      /* The tracker starts only if this recording departs from the log. */
      r->live = false;
      r->logging = true;
      return;
   }
   r->live = true;
   r->logging = enabled;
   r->log.complete = false;
   r->log.event_count = r->log.key_count = r->log.access_count = 0;
   kr_barrier_tracker_begin(&r->tracker);
}

/* Why a barrier before the event was emitted: what the tracker counts it as. */
static enum kronos_barrier_reason
event_reason(const struct kr_replay_event *e, const struct kr_replay_event_detail *d)
{
   switch ((enum replay_input)e->input) {
   case INPUT_UNTRACKED:
      return (enum kronos_barrier_reason)d->why;
   case INPUT_END:
      return KRONOS_BARRIER_END;
   case INPUT_REQUEST:
   case INPUT_COMMAND:
      break;
   }
   return KRONOS_BARRIER_HAZARD;
}

/* Gives a logged event's input to the tracker, rebuilding its state; returns whether the
 * tracker decided what the log says the vendor was given. */
static bool
feed(struct kr_barrier_replay *r, const struct kr_replay_event *e,
     const struct kr_replay_event_detail *d)
{
   struct kr_barrier_emit emit;
   bool emitted = false;
   switch ((enum replay_input)e->input) {
   case INPUT_REQUEST:
      kr_barrier_tracker_request(&r->tracker, &d->masks);
      break;
   case INPUT_COMMAND:
      emitted = kr_barrier_tracker_command(&r->tracker, r->log.accesses + d->access_first,
                                           d->access_count, &emit);
      break;
   case INPUT_UNTRACKED:
      emitted = kr_barrier_tracker_untracked(&r->tracker, (enum kronos_barrier_reason)d->why,
                                             d->masks.src_stages, d->masks.src_access, &emit);
      break;
   case INPUT_END:
      break; /* the last event of a log: never in a prefix that is followed by another */
   }
   return emitted == e->emitted &&
          (!emitted || kr_barrier_masks_equal(&emit.masks, &d->emit.masks));
}

/* This recording departs from the log at event `next`: the log keeps the matched prefix, the
 * tracker gets its inputs, and the rest of the recording runs live. */
static void
diverge(struct kr_barrier_replay *r)
{
   r->diverged++;
   r->log.complete = false;
   r->log.event_count = r->next;
   if (r->next) {
      const struct kr_replay_event *last = &r->log.events[r->next - 1];
      const struct kr_replay_event_detail *detail = &r->log.details[r->next - 1];
      r->log.key_count = last->key_first + last->key_count;
      r->log.access_count = detail->access_first + detail->access_count;
   } else {
      r->log.key_count = r->log.access_count = 0;
   }
   kr_barrier_tracker_begin(&r->tracker);
   /* Same inputs, same decisions, except where memory ran short: a tracker that cannot grow
    * folds its entries and decides differently (more barriers, or earlier ones). Then the
    * rebuilt tracker's idea of what the vendor got is not what it got: a full barrier,
    * containing every request so far, orders all the matched prefix before whatever comes
    * next, and goes to the vendor before the next command (recovery). */
   bool same = true;
   struct kr_barrier_masks requests = {0};
   for (uint32_t i = 0; i < r->next; i++) {
      const struct kr_replay_event *e = &r->log.events[i];
      same &= feed(r, e, &r->log.details[i]);
      if (e->input == INPUT_REQUEST)
         kr_barrier_masks_add(&requests, &r->log.details[i].masks);
   }
   if (!same) {
      /* The counts by reason are what the vendor was given: the log's. */
      memset(r->tracker.counts.emitted, 0, sizeof(r->tracker.counts.emitted));
      for (uint32_t i = 0; i < r->next; i++) {
         const struct kr_replay_event *e = &r->log.events[i];
         if (e->emitted)
            r->tracker.counts.emitted[event_reason(e, &r->log.details[i])]++;
      }
      r->recovery = true;
      r->recoveries++;
      r->recovery_masks = (struct kr_barrier_masks){
         .src_stages = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT | VK_PIPELINE_STAGE_2_HOST_BIT,
         .dst_stages = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT | VK_PIPELINE_STAGE_2_HOST_BIT,
         .src_access = VK_ACCESS_2_MEMORY_WRITE_BIT | VK_ACCESS_2_HOST_WRITE_BIT,
         .dst_access = VK_ACCESS_2_MEMORY_READ_BIT | VK_ACCESS_2_MEMORY_WRITE_BIT |
                       VK_ACCESS_2_HOST_READ_BIT | VK_ACCESS_2_HOST_WRITE_BIT,
      };
      kr_barrier_masks_add(&r->recovery_masks, &requests);
   }
   r->live = true;
}

/* A live event's decision with the recovery barrier (see diverge) added: the event's own
 * barrier, if any, and the recovery barrier become one barrier of both masks before it, which
 * orders at least what the two in a row would. A recovery barrier alone counts as emitted for
 * the event's reason. */
static bool
with_recovery(struct kr_barrier_replay *r, bool emitted, struct kr_barrier_emit *emit,
              enum kronos_barrier_reason reason)
{
   if (!r->recovery)
      return emitted;
   r->recovery = false;
   if (emitted) {
      kr_barrier_masks_add(&emit->masks, &r->recovery_masks);
   } else {
      emit->masks = r->recovery_masks;
      emit->requests = 0;
      r->tracker.counts.emitted[reason]++;
   }
   return true;
}

/* Appends a live event under the key (copied; a key longer than an event can say is logged
 * as one that never matches); false when the recording is not (or no longer) logged. */
static bool
open_event(struct kr_barrier_replay *r, const uint64_t *key, uint32_t n)
{
   if (!r->logging)
      return false;
   if (n > UINT16_MAX)
      n = 0;
   struct kr_replay_log *log = &r->log;
   uint64_t events = (uint64_t)log->event_count + 1;
   if (log->event_count >= KR_REPLAY_MAX_EVENTS || log->key_count + n > KR_REPLAY_MAX_WORDS ||
       kr_array_grow(r->alloc, (void **)&log->events, &log->event_capacity, log->event_count,
                     events, sizeof(*log->events), 64) != VK_SUCCESS ||
       kr_array_grow(r->alloc, (void **)&log->details, &log->detail_capacity, log->event_count,
                     events, sizeof(*log->details), 64) != VK_SUCCESS ||
       kr_array_grow(r->alloc, (void **)&log->keys, &log->key_capacity, log->key_count,
                     (uint64_t)log->key_count + n, sizeof(*log->keys), 256) != VK_SUCCESS) {
      stop_logging(r);
      return false;
   }
   struct kr_replay_event_detail *d = &log->details[log->event_count];
   memset(d, 0, sizeof(*d));
   d->access_first = log->access_count;
   log->events[log->event_count++] = (struct kr_replay_event){
      .key_first = log->key_count,
      .key_count = (uint16_t)n,
   };
   if (n)
      memcpy(log->keys + log->key_count, key, n * sizeof(*key));
   log->key_count += n;
   return true;
}

/* The detail of the event open_event appended, or NULL when not logging. */
static struct kr_replay_event_detail *
open_one(struct kr_barrier_replay *r)
{
   return r->logging && r->log.event_count ? &r->log.details[r->log.event_count - 1] : NULL;
}

static void
close_event(struct kr_barrier_replay *r, enum replay_input input, bool emitted,
            const struct kr_barrier_emit *emit)
{
   if (r->logging && r->log.event_count) {
      struct kr_replay_event *e = &r->log.events[r->log.event_count - 1];
      e->input = (uint8_t)input;
      e->emitted = emitted;
      if (emitted)
         r->log.details[r->log.event_count - 1].emit = *emit;
   }
   r->next++;
}

bool
kr_barrier_replay_mismatch(struct kr_barrier_replay *r, const uint64_t *key, uint32_t n)
{
   if (!r->live)
      diverge(r);
   open_event(r, key, n);
   return false;
}

bool
kr_barrier_replay_live_command(struct kr_barrier_replay *r,
                               const struct kr_barrier_access *accesses, uint32_t count,
                               struct kr_barrier_emit *emit)
{
   bool emitted = kr_barrier_tracker_command(&r->tracker, accesses, count, emit);
   emitted = with_recovery(r, emitted, emit, KRONOS_BARRIER_HAZARD);
   struct kr_replay_event_detail *d = open_one(r);
   if (d) {
      struct kr_replay_log *log = &r->log;
      if (log->access_count + count > KR_REPLAY_MAX_ACCESSES ||
          kr_array_grow(r->alloc, (void **)&log->accesses, &log->access_capacity,
                        log->access_count, (uint64_t)log->access_count + count,
                        sizeof(*log->accesses), 256) != VK_SUCCESS) {
         stop_logging(r);
      } else {
         if (count)
            memcpy(log->accesses + log->access_count, accesses, count * sizeof(*accesses));
         d->access_count = count;
         log->access_count += count;
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
   emitted = with_recovery(r, emitted, emit, why);
   struct kr_replay_event_detail *d = open_one(r);
   if (d) {
      d->why = (uint8_t)why;
      d->masks.src_stages = stages;
      d->masks.src_access = write_access;
   }
   close_event(r, INPUT_UNTRACKED, emitted, emit);
   return emitted;
}

void
kr_barrier_replay_request_live(struct kr_barrier_replay *r, const struct kr_barrier_masks *m)
{
   if (!kr_barrier_replay_keyed(r)) {
      kr_barrier_tracker_request(&r->tracker, m);
      r->next++;
      return;
   }
   const uint64_t key[KR_REPLAY_REQUEST_WORDS] = {KR_REPLAY_TAG_REQUEST, m->src_stages,
                                                  m->dst_stages, m->src_access, m->dst_access};
   kr_barrier_replay_mismatch(r, key, KR_REPLAY_REQUEST_WORDS);
   kr_barrier_tracker_request(&r->tracker, m);
   struct kr_replay_event_detail *d = open_one(r);
   if (d)
      d->masks = *m;
   close_event(r, INPUT_REQUEST, false, NULL);
}

bool
kr_barrier_replay_untracked(struct kr_barrier_replay *r, enum kronos_barrier_reason why,
                            VkPipelineStageFlags2 stages, VkAccessFlags2 write_access,
                            struct kr_barrier_emit *emit)
{
   if (!kr_barrier_replay_keyed(r))
      return kr_barrier_replay_live_untracked(r, why, stages, write_access, emit);
   const uint64_t key[4] = {TAG_UNTRACKED, (uint64_t)why, stages, write_access};
   bool emitted = false;
   if (kr_barrier_replay_match(r, key, 4, &emitted, emit))
      return emitted;
   return kr_barrier_replay_live_untracked(r, why, stages, write_access, emit);
}

bool
kr_barrier_replay_accesses(struct kr_barrier_replay *r, const struct kr_barrier_access *accesses,
                           uint32_t count, struct kr_barrier_emit *emit)
{
   if (!kr_barrier_replay_keyed(r))
      return kr_barrier_replay_live_command(r, accesses, count, emit);
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
   bool emitted = false;
   if (kr_barrier_replay_match(r, key, n, &emitted, emit))
      return emitted;
   return kr_barrier_replay_live_command(r, accesses, count, emit);
}

bool
kr_barrier_replay_end(struct kr_barrier_replay *r, struct kr_barrier_emit *emit)
{
   const uint64_t key[1] = {TAG_END};
   bool emitted = false;
   if (kr_barrier_replay_match(r, key, 1, &emitted, emit))
      return emitted; /* the whole recording matched: the log stays complete */
   emitted = with_recovery(r, kr_barrier_tracker_end(&r->tracker, emit), emit,
                           KRONOS_BARRIER_END);
   close_event(r, INPUT_END, emitted, emit);
   if (r->logging) {
      r->log.end_counts = r->tracker.counts;
      r->log.complete = true;
   }
   return emitted;
}

const struct kr_barrier_counts *
kr_barrier_replay_counts(const struct kr_barrier_replay *r)
{
   return r->live ? &r->tracker.counts : &r->log.end_counts;
}
