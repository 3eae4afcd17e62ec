/* SPDX-License-Identifier: MIT */
/* Replaying the barrier policy's decisions when a command buffer records the same commands
 * again (pure logic, around the tracker of kr_barrier_policy.h).
 *
 * Programs record the same command buffer over and over (a framework re-records its graph each
 * iteration; benchmarks too). The tracker is a deterministic function of its inputs (requests,
 * tracked commands' accesses, untracked commands, the end), so a recording whose inputs equal the
 * last one's, event for event, gets the same decisions. The replay log keeps, per event of the
 * last recording, a key that determines the event's input, the input itself and the decision
 * (whether a barrier went to the vendor before it, with which masks). While a new recording's
 * events match the log's keys, decisions come from the log and the tracker does not run; at the
 * first event that differs, the tracker is rebuilt from the logged inputs of the matched prefix
 * (the inputs this recording gave too) and runs live from there, logging anew.
 *
 * A key must determine the input exactly: for requests, untracked commands, the end and buffer
 * copies it is the input itself; a dispatch's key names what its accesses are computed from
 * (kr_barrier_record.c), so a matching dispatch skips computing them. */
#ifndef KR_BARRIER_REPLAY_H
#define KR_BARRIER_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "kr_barrier_policy.h"

/* Keys that callers make (kr_barrier_replay_match) start with a word of at least this value;
 * smaller first words are the replay's own keys. */
#define KR_REPLAY_KEY_CALLER 0x100u

/* What a log holds at most (events, key words, accesses: about 4 MiB in all); a recording with
 * more is not logged (the next one runs live). */
#define KR_REPLAY_MAX_EVENTS 16384u
#define KR_REPLAY_MAX_WORDS 131072u
#define KR_REPLAY_MAX_ACCESSES 65536u

/* One event of a log: what the replay's fast path (below, inline) reads of every event, kept
 * to 8 bytes since a replayed recording reads them one after another, cold in the CPU's cache
 * by the next recording; the rest is the event's detail, read only where it emitted. */
struct kr_replay_event {
   uint32_t key_first; /* in keys[] */
   uint16_t key_count; /* 0: never matches */
   uint8_t input;      /* enum replay_input (kr_barrier_replay.c) */
   bool emitted;
};

/* The rest of an event (the log's details[], one per event, at the event's index). */
struct kr_replay_event_detail {
   uint32_t access_first, access_count; /* a command's input, in accesses[] */
   uint8_t why;                         /* an untracked command's reason */
   /* A request's masks; an untracked command's stages (src_stages) and writes (src_access). */
   struct kr_barrier_masks masks;
   struct kr_barrier_emit emit; /* the barrier given before the event, when emitted */
};

/* One recording's log. Any log may serve any command buffer of the device (keys decide), so a
 * command pool keeps the logs of freed command buffers for the next ones it allocates. */
struct kr_replay_log {
   bool complete; /* it holds one whole recording (ended while logging) */
   struct kr_replay_event *events;
   struct kr_replay_event_detail *details; /* event_count of them, like events */
   uint32_t event_count, event_capacity, detail_capacity;
   uint64_t *keys; /* every event's key words, one after another */
   uint32_t key_count, key_capacity;
   struct kr_barrier_access *accesses; /* tracked commands' inputs, one after another */
   uint32_t access_count, access_capacity;
   struct kr_barrier_counts end_counts; /* the tracker's counts at the recording's end */
};

struct kr_barrier_replay {
   const VkAllocationCallbacks *alloc;
   struct kr_barrier_tracker tracker; /* valid while live */
   bool live;     /* the tracker runs, and events are appended to the log */
   bool logging;  /* this recording is being logged (false: out of memory, or too long) */
   uint32_t skip_logging; /* recordings left not to log, after one that could not be */
   uint32_t next; /* events of this recording so far */
   struct kr_replay_log log;
   /* A full barrier owed to the vendor before the next command (kr_barrier_replay.c: diverge). */
   bool recovery;
   struct kr_barrier_masks recovery_masks;
   /* Counters of the replay itself (tests and statistics): events replayed from a log,
    * recordings that diverged from theirs, and of those, recordings whose rebuilt tracker did
    * not decide as the log (memory ran short in one of the two) and got a recovery barrier. */
   uint64_t replayed, diverged, recoveries;
};

/* log: a log to start from (taken over; from kr_barrier_replay_finish), or NULL. */
void kr_barrier_replay_init(struct kr_barrier_replay *r, const VkAllocationCallbacks *alloc,
                            struct kr_replay_log *log);
/* keep: where the log goes when it holds a whole recording (the caller frees it later with
 * kr_replay_log_free), or NULL to free it now; returns whether it went there. */
bool kr_barrier_replay_finish(struct kr_barrier_replay *r, struct kr_replay_log *keep);
void kr_replay_log_free(struct kr_replay_log *log, const VkAllocationCallbacks *alloc);

/* Whether events need keys: false when the replay neither reads nor writes a log (replay off,
 * or this recording stopped logging), so a caller may skip working out a costly key and give
 * the event live. */
static inline bool
kr_barrier_replay_keyed(const struct kr_barrier_replay *r)
{
   return !r->live || r->logging;
}

/* A new recording (kr_barrier_tracker_begin's moment). enabled false: no replay, no log. */
void kr_barrier_replay_begin(struct kr_barrier_replay *r, bool enabled);

/* The tracker's calls, through the log (same meaning and results as kr_barrier_tracker_*).
 * kr_barrier_replay_request is inline, below. */
static inline void kr_barrier_replay_request(struct kr_barrier_replay *r,
                                             const struct kr_barrier_masks *m);
bool kr_barrier_replay_untracked(struct kr_barrier_replay *r, enum kronos_barrier_reason why,
                                 VkPipelineStageFlags2 stages, VkAccessFlags2 write_access,
                                 struct kr_barrier_emit *emit);
bool kr_barrier_replay_end(struct kr_barrier_replay *r, struct kr_barrier_emit *emit);
/* A tracked command whose accesses are their own key (copies, fills, updates). */
bool kr_barrier_replay_accesses(struct kr_barrier_replay *r,
                                const struct kr_barrier_access *accesses, uint32_t count,
                                struct kr_barrier_emit *emit);

/* An event known by a key of its own (a dispatch): true when the log's next event has this key,
 * and then *emitted and *emit are its decision and the event is done. false: the caller works
 * out the input and gives it with one of the kr_barrier_replay_live_* calls, which logs it under
 * this key (key words are copied; n 0 logs a key that never matches). */
static inline bool kr_barrier_replay_match(struct kr_barrier_replay *r, const uint64_t *key,
                                           uint32_t n, bool *emitted,
                                           struct kr_barrier_emit *emit);
bool kr_barrier_replay_live_command(struct kr_barrier_replay *r,
                                    const struct kr_barrier_access *accesses, uint32_t count,
                                    struct kr_barrier_emit *emit);
bool kr_barrier_replay_live_untracked(struct kr_barrier_replay *r,
                                      enum kronos_barrier_reason why,
                                      VkPipelineStageFlags2 stages,
                                      VkAccessFlags2 write_access, struct kr_barrier_emit *emit);

/* kr_barrier_replay_match when the event does not match the log's next (or nothing is
 * replayed): departs from the log if replaying, and opens the event live under the key. */
bool kr_barrier_replay_mismatch(struct kr_barrier_replay *r, const uint64_t *key, uint32_t n);

/* The log's next event while replaying, NULL otherwise: a caller may compare its key in place
 * (kr_barrier_replay_key) and, when it is the event's own, take its decision with
 * kr_barrier_replay_take instead of kr_barrier_replay_match. */
static inline const struct kr_replay_event *
kr_barrier_replay_peek(const struct kr_barrier_replay *r)
{
   return !r->live && r->next < r->log.event_count ? &r->log.events[r->next] : NULL;
}

static inline const uint64_t *
kr_barrier_replay_key(const struct kr_barrier_replay *r, const struct kr_replay_event *e)
{
   return r->log.keys + e->key_first;
}

/* The peeked event is done: *emitted and *emit are its decision. */
static inline void
kr_barrier_replay_take(struct kr_barrier_replay *r, const struct kr_replay_event *e,
                       bool *emitted, struct kr_barrier_emit *emit)
{
   *emitted = e->emitted;
   if (e->emitted)
      *emit = r->log.details[r->next].emit;
   r->next++;
   r->replayed++;
}

/* Inline: every request and dispatch of a replayed recording comes here, and a key is a few
 * words. */
static inline bool
kr_barrier_replay_match(struct kr_barrier_replay *r, const uint64_t *key, uint32_t n,
                        bool *emitted, struct kr_barrier_emit *emit)
{
   const struct kr_replay_event *e = kr_barrier_replay_peek(r);
   if (e && n && e->key_count == n) {
      const uint64_t *logged = kr_barrier_replay_key(r, e);
      bool equal = true;
      for (uint32_t i = 0; equal && i < n; i++)
         equal = logged[i] == key[i];
      if (equal) {
         kr_barrier_replay_take(r, e, emitted, emit);
         return true;
      }
   }
   return kr_barrier_replay_mismatch(r, key, n);
}

/* A request's key: this tag and its four masks. */
#define KR_REPLAY_TAG_REQUEST 1u
#define KR_REPLAY_REQUEST_WORDS 5u

/* kr_barrier_replay_request when the request is not the log's next event. */
void kr_barrier_replay_request_live(struct kr_barrier_replay *r,
                                    const struct kr_barrier_masks *m);

/* Inline: requests come as often as dispatches. The key compared in place. */
static inline void
kr_barrier_replay_request(struct kr_barrier_replay *r, const struct kr_barrier_masks *m)
{
   const struct kr_replay_event *e = kr_barrier_replay_peek(r);
   if (e && e->key_count == KR_REPLAY_REQUEST_WORDS) {
      const uint64_t *w = kr_barrier_replay_key(r, e);
      if (w[0] == KR_REPLAY_TAG_REQUEST && w[1] == m->src_stages && w[2] == m->dst_stages &&
          w[3] == m->src_access && w[4] == m->dst_access) {
         bool emitted; /* a request never emits */
         struct kr_barrier_emit emit;
         kr_barrier_replay_take(r, e, &emitted, &emit);
         return;
      }
   }
   kr_barrier_replay_request_live(r, m);
}

/* The recording's counts (valid after kr_barrier_replay_end). */
const struct kr_barrier_counts *kr_barrier_replay_counts(const struct kr_barrier_replay *r);

#endif
