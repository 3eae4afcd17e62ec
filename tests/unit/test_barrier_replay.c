/* SPDX-License-Identifier: MIT */
/* The barrier policy's replay log (kr_barrier_replay.h): a command buffer recorded again with
 * the same commands gets the same decisions without running the tracker, and any difference
 * (a changed, added or missing event, a recording abandoned half way, allocations failing)
 * gives exactly the decisions of a tracker run afresh.
 *
 * The differential check: random programs of events (barrier requests, tracked commands, keyed
 * dispatches whose key names their input, untracked commands), each recorded several times
 * through one replay (unchanged, or changed at a random point), every decision compared with a
 * fresh tracker's on the same recording. KRONOS_REPLAY_CHECK_PROGRAMS sets how many (default
 * 20000). */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kr_barrier_replay.h"
#include "test_counting.h"
#include "test_random.h"

/* Most programs are short; one in LONG_PROGRAM_ONE_IN runs up to MAX_EVENTS, past the replay
 * log's first capacity (64 events), so that its arrays grow while logging. */
#define SHORT_EVENTS 48
#define MAX_EVENTS 200
#define LONG_PROGRAM_ONE_IN 8
#define MAX_ACCESSES 3
#define DISPATCH_INPUTS 12 /* the distinct inputs keyed dispatches take, per program */

enum event_type { EV_REQUEST, EV_COMMAND, EV_DISPATCH, EV_UNTRACKED };

struct input {
   uint32_t access_count; /* UINT32_MAX: the dispatch turns out untracked */
   struct kr_barrier_access accesses[MAX_ACCESSES];
};

struct event {
   enum event_type type;
   struct kr_barrier_masks masks;    /* requests */
   struct input input;               /* commands */
   uint32_t dispatch;                /* keyed dispatches: which of the program's inputs */
   VkPipelineStageFlags2 stages;     /* untracked */
   VkAccessFlags2 writes;
   enum kronos_barrier_reason why;
};

struct program {
   uint32_t count;
   struct event events[MAX_EVENTS];
   struct input dispatches[DISPATCH_INPUTS]; /* key k names dispatches[k] */
};

/* One decision: whether a barrier went before the event, and its masks. */
struct decision {
   bool emitted;
   struct kr_barrier_masks masks;
};

static uint32_t
roll(struct test_random *r, uint32_t n)
{
   return (uint32_t)(test_random_next(r) % n);
}

static struct kr_barrier_masks
random_masks(struct test_random *r)
{
   static const struct kr_barrier_masks usual[] = {
      {VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
       VK_ACCESS_2_MEMORY_WRITE_BIT, VK_ACCESS_2_MEMORY_READ_BIT | VK_ACCESS_2_MEMORY_WRITE_BIT},
      {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
       VK_ACCESS_2_SHADER_WRITE_BIT, VK_ACCESS_2_SHADER_READ_BIT},
      {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_2_COPY_BIT,
       VK_ACCESS_2_SHADER_WRITE_BIT, VK_ACCESS_2_TRANSFER_READ_BIT},
      {VK_PIPELINE_STAGE_2_COPY_BIT, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
       VK_ACCESS_2_TRANSFER_WRITE_BIT, VK_ACCESS_2_SHADER_READ_BIT},
      {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, 0, 0},
      {VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_2_DRAW_INDIRECT_BIT,
       VK_ACCESS_2_SHADER_WRITE_BIT, VK_ACCESS_2_INDIRECT_COMMAND_READ_BIT},
   };
   return usual[roll(r, sizeof(usual) / sizeof(usual[0]))];
}

static void
random_input(struct test_random *r, struct input *in, bool may_be_untracked)
{
   if (may_be_untracked && roll(r, 8) == 0) {
      in->access_count = UINT32_MAX;
      return;
   }
   in->access_count = roll(r, MAX_ACCESSES + 1);
   for (uint32_t i = 0; i < in->access_count; i++) {
      uint64_t begin = 16 * roll(r, 6);
      in->accesses[i] = (struct kr_barrier_access){
         .memory = 1 + roll(r, 2),
         .begin = begin,
         .end = begin + 16 * (1 + roll(r, 2)),
         .kind = (enum kr_barrier_access_kind)roll(r, KR_ACCESS_KIND_COUNT),
      };
   }
}

static void
random_event(struct test_random *r, struct event *e)
{
   memset(e, 0, sizeof(*e));
   uint32_t x = roll(r, 100);
   if (x < 35) {
      e->type = EV_REQUEST;
      e->masks = random_masks(r);
   } else if (x < 55) {
      e->type = EV_COMMAND;
      random_input(r, &e->input, false);
   } else if (x < 90) {
      e->type = EV_DISPATCH;
      e->dispatch = roll(r, DISPATCH_INPUTS);
   } else {
      e->type = EV_UNTRACKED;
      e->stages = roll(r, 3) ? VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT : 0;
      e->writes = roll(r, 2) ? VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT : 0;
      e->why = roll(r, 2) ? KRONOS_BARRIER_OTHER_COMMAND : KRONOS_BARRIER_QUERY;
   }
}

static void
random_program(struct test_random *r, struct program *p)
{
   p->count = 1 + roll(r, roll(r, LONG_PROGRAM_ONE_IN) ? SHORT_EVENTS : MAX_EVENTS);
   for (uint32_t i = 0; i < p->count; i++)
      random_event(r, &p->events[i]);
   for (uint32_t k = 0; k < DISPATCH_INPUTS; k++)
      random_input(r, &p->dispatches[k], true);
}

/* The next recording of a program: the same, or with one event changed, added or removed, or
 * cut short. */
static void
vary_program(struct test_random *r, struct program *p)
{
   uint32_t at = roll(r, p->count + 1);
   switch (roll(r, 6)) {
   case 0:
   case 1:
      break; /* the same commands again */
   case 2:
      if (at < p->count)
         random_event(r, &p->events[at]);
      break;
   case 3:
      if (p->count < MAX_EVENTS) {
         memmove(&p->events[at + 1], &p->events[at], (p->count - at) * sizeof(p->events[0]));
         random_event(r, &p->events[at]);
         p->count++;
      }
      break;
   case 4:
      if (at < p->count) {
         memmove(&p->events[at], &p->events[at + 1],
                 (p->count - at - 1) * sizeof(p->events[0]));
         p->count--;
      }
      break;
   default:
      p->count = at;
      break;
   }
}

/* One event through the replay; its decision. */
static struct decision
replay_event(struct kr_barrier_replay *r, const struct program *p, const struct event *e)
{
   struct decision d = {0};
   struct kr_barrier_emit emit = {0};
   switch (e->type) {
   case EV_REQUEST:
      kr_barrier_replay_request(r, &e->masks);
      return d;
   case EV_COMMAND:
      d.emitted = kr_barrier_replay_accesses(r, e->input.accesses, e->input.access_count, &emit);
      break;
   case EV_DISPATCH: {
      const uint64_t key[2] = {KR_REPLAY_KEY_CALLER, e->dispatch};
      if (kr_barrier_replay_match(r, key, 2, &d.emitted, &emit))
         break;
      const struct input *in = &p->dispatches[e->dispatch];
      if (in->access_count == UINT32_MAX)
         d.emitted = kr_barrier_replay_live_untracked(r, KRONOS_BARRIER_UNKNOWN_ACCESS,
                                                      VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                                      VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT,
                                                      &emit);
      else
         d.emitted = kr_barrier_replay_live_command(r, in->accesses, in->access_count, &emit);
      break;
   }
   case EV_UNTRACKED:
      d.emitted = kr_barrier_replay_untracked(r, e->why, e->stages, e->writes, &emit);
      break;
   }
   if (d.emitted)
      d.masks = emit.masks;
   return d;
}

/* The same event through a tracker. */
static struct decision
tracker_event(struct kr_barrier_tracker *t, const struct program *p, const struct event *e)
{
   struct decision d = {0};
   struct kr_barrier_emit emit = {0};
   switch (e->type) {
   case EV_REQUEST:
      kr_barrier_tracker_request(t, &e->masks);
      return d;
   case EV_COMMAND:
      d.emitted = kr_barrier_tracker_command(t, e->input.accesses, e->input.access_count, &emit);
      break;
   case EV_DISPATCH: {
      const struct input *in = &p->dispatches[e->dispatch];
      if (in->access_count == UINT32_MAX)
         d.emitted = kr_barrier_tracker_untracked(t, KRONOS_BARRIER_UNKNOWN_ACCESS,
                                                  VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
                                                  VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT, &emit);
      else
         d.emitted = kr_barrier_tracker_command(t, in->accesses, in->access_count, &emit);
      break;
   }
   case EV_UNTRACKED:
      d.emitted = kr_barrier_tracker_untracked(t, e->why, e->stages, e->writes, &emit);
      break;
   }
   if (d.emitted)
      d.masks = emit.masks;
   return d;
}

static bool
decisions_equal(const struct decision *a, const struct decision *b)
{
   if (a->emitted != b->emitted)
      return false;
   return !a->emitted ||
          (a->masks.src_stages == b->masks.src_stages &&
           a->masks.dst_stages == b->masks.dst_stages &&
           a->masks.src_access == b->masks.src_access &&
           a->masks.dst_access == b->masks.dst_access);
}

static bool
counts_equal(const struct kr_barrier_counts *a, const struct kr_barrier_counts *b)
{
   return memcmp(a, b, sizeof(*a)) == 0;
}

/* Records the program through the replay and through a fresh tracker, comparing every
 * decision; `abandon` stops the recording before its end (the command buffer is reset). */
static void
record_both(struct kr_barrier_replay *r, const struct program *p, uint32_t abandon,
            const char *label)
{
   struct kr_barrier_tracker t;
   kr_barrier_tracker_init(&t, NULL);
   kr_barrier_tracker_begin(&t);
   kr_barrier_replay_begin(r, true);
   for (uint32_t i = 0; i < p->count && i < abandon; i++) {
      const struct decision a = replay_event(r, p, &p->events[i]);
      const struct decision b = tracker_event(&t, p, &p->events[i]);
      if (!decisions_equal(&a, &b))
         fail_msg("%s: event %u (type %d): the replay %s, the tracker %s", label, i,
                  p->events[i].type, a.emitted ? "emits" : "does not emit",
                  b.emitted ? "emits" : "does not emit");
   }
   if (abandon > p->count) {
      struct decision a = {0}, b = {0};
      struct kr_barrier_emit emit;
      a.emitted = kr_barrier_replay_end(r, &emit);
      if (a.emitted)
         a.masks = emit.masks;
      b.emitted = kr_barrier_tracker_end(&t, &emit);
      if (b.emitted)
         b.masks = emit.masks;
      if (!decisions_equal(&a, &b))
         fail_msg("%s: the end differs", label);
      if (!counts_equal(kr_barrier_replay_counts(r), &t.counts))
         fail_msg("%s: the recording's counts differ", label);
   }
   kr_barrier_tracker_finish(&t);
}

/* A recording repeated unchanged is replayed whole: no tracker, no divergence. */
static void
same_commands_replay_whole(void **state)
{
   (void)state;
   struct test_random rnd;
   test_random_seed(&rnd, 7);
   struct program p;
   random_program(&rnd, &p);
   struct kr_barrier_replay r;
   kr_barrier_replay_init(&r, NULL, NULL);
   record_both(&r, &p, UINT32_MAX, "first");
   assert_int_equal(r.replayed, 0);
   for (int round = 0; round < 3; round++) {
      uint64_t replayed = r.replayed;
      record_both(&r, &p, UINT32_MAX, "again");
      assert_int_equal(r.diverged, 0);
      assert_int_equal(r.replayed - replayed, p.count + 1); /* every event and the end */
   }
   kr_barrier_replay_finish(&r, NULL);
}

/* One changed event: the prefix before it is replayed, the rest runs live, and the recording
 * after that replays the changed program whole. */
static void
a_change_diverges_once(void **state)
{
   (void)state;
   struct program p = {.count = 4};
   const struct kr_barrier_masks full = {
      VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
      VK_ACCESS_2_MEMORY_WRITE_BIT, VK_ACCESS_2_MEMORY_READ_BIT | VK_ACCESS_2_MEMORY_WRITE_BIT};
   p.dispatches[0] = (struct input){1, {{1, 0, 16, KR_ACCESS_SHADER_STORAGE_WRITE}}};
   p.dispatches[1] = (struct input){1, {{1, 0, 16, KR_ACCESS_SHADER_STORAGE_READ}}};
   p.dispatches[2] = (struct input){1, {{2, 0, 16, KR_ACCESS_SHADER_STORAGE_READ}}};
   p.events[0] = (struct event){.type = EV_DISPATCH, .dispatch = 0};
   p.events[1] = (struct event){.type = EV_REQUEST, .masks = full};
   p.events[2] = (struct event){.type = EV_DISPATCH, .dispatch = 2};
   p.events[3] = (struct event){.type = EV_DISPATCH, .dispatch = 0};
   struct kr_barrier_replay r;
   kr_barrier_replay_init(&r, NULL, NULL);
   record_both(&r, &p, UINT32_MAX, "first");
   /* Now the third event reads what the first wrote: the pending barrier must go before it,
    * which the log (no conflict there) does not say. */
   p.events[2].dispatch = 1;
   uint64_t replayed = r.replayed;
   record_both(&r, &p, UINT32_MAX, "changed");
   assert_int_equal(r.diverged, 1);
   assert_int_equal(r.replayed - replayed, 2);
   replayed = r.replayed;
   record_both(&r, &p, UINT32_MAX, "changed, again");
   assert_int_equal(r.diverged, 1);
   assert_int_equal(r.replayed - replayed, p.count + 1);
   kr_barrier_replay_finish(&r, NULL);
}

/* With replay off nothing is logged or replayed. */
static void
disabled_never_replays(void **state)
{
   (void)state;
   struct test_random rnd;
   test_random_seed(&rnd, 11);
   struct program p;
   random_program(&rnd, &p);
   struct kr_barrier_replay r;
   kr_barrier_replay_init(&r, NULL, NULL);
   for (int round = 0; round < 3; round++) {
      kr_barrier_replay_begin(&r, false);
      for (uint32_t i = 0; i < p.count; i++)
         replay_event(&r, &p, &p.events[i]);
      struct kr_barrier_emit emit;
      kr_barrier_replay_end(&r, &emit);
   }
   assert_int_equal(r.replayed, 0);
   assert_int_equal(r.log.event_count, 0);
   kr_barrier_replay_finish(&r, NULL);
}

/* A compute-to-compute barrier as frameworks put one between dispatches. */
static const struct kr_barrier_masks compute_barrier = {
   VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
   VK_ACCESS_2_SHADER_WRITE_BIT, VK_ACCESS_2_SHADER_READ_BIT | VK_ACCESS_2_SHADER_WRITE_BIT};

/* Allocations that fail while the tracker's allocations are refused (the log's never are). */
static bool refuse_tracker;

static void *
refusing_alloc(void *user, size_t size, size_t align, VkSystemAllocationScope scope)
{
   (void)user;
   (void)scope;
   if (refuse_tracker)
      return NULL;
   return aligned_alloc(align < 8 ? 8 : align, (size + 7) & ~(size_t)7);
}

static void
refusing_free(void *user, void *memory)
{
   (void)user;
   free(memory);
}

/* What went to the vendor in a scripted recording: for each dispatch, whether a barrier went
 * before it. */
struct script {
   struct kr_barrier_replay *r;
   bool barrier_before[8];
};

static void
script_dispatch(struct script *s, uint32_t id, uint64_t begin, enum kr_barrier_access_kind kind)
{
   const uint64_t key[2] = {KR_REPLAY_KEY_CALLER, id};
   bool emitted = false;
   struct kr_barrier_emit emit;
   if (!kr_barrier_replay_match(s->r, key, 2, &emitted, &emit)) {
      const struct kr_barrier_access a = {1, begin, begin + 1024, kind};
      emitted = kr_barrier_replay_live_command(s->r, &a, 1, &emit);
   }
   s->barrier_before[id] = emitted;
}

/* Allocations of the log (r->alloc) that fail from the countdown-th on; 0: none fails. */
static uint32_t log_countdown;

static void *
counting_alloc(void *user, size_t size, size_t align, VkSystemAllocationScope scope)
{
   (void)user;
   (void)scope;
   if (log_countdown && --log_countdown == 0) {
      log_countdown = 1; /* every one after fails too */
      return NULL;
   }
   return aligned_alloc(align < 8 ? 8 : align, (size + 7) & ~(size_t)7);
}

/* The log runs out of memory at each of its allocations in turn (events, details, keys,
 * accesses, growing past their first capacity too): the recording stops logging, frees what the
 * log held, and its decisions, and the next recordings', stay those of a tracker run alone. */
static void
log_short_of_memory(void **state)
{
   (void)state;
   const VkAllocationCallbacks counting = {.pfnAllocation = counting_alloc,
                                           .pfnFree = refusing_free};
   enum { DISPATCHES = 200 }; /* past the arrays' first capacities */
   bool expect[DISPATCHES + 1];
   /* The first recording's log makes 13 allocations: events and details 4 each (64 to 512),
    * keys 3, accesses 2. */
   for (uint32_t fail_at = 0; fail_at <= 13; fail_at++) {
      struct kr_barrier_replay r;
      kr_barrier_replay_init(&r, &counting, NULL);
      r.tracker.alloc = NULL; /* only the log's allocations fail */
      for (int recording = 0; recording < 3; recording++) {
         log_countdown = recording == 0 ? fail_at : 0;
         kr_barrier_replay_begin(&r, true);
         bool got[DISPATCHES + 1];
         for (uint32_t d = 0; d < DISPATCHES; d++) {
            if (d % 3 == 0)
               kr_barrier_replay_request(&r, &compute_barrier);
            const uint64_t key[2] = {KR_REPLAY_KEY_CALLER, d};
            struct kr_barrier_emit emit;
            bool emitted = false;
            if (!kr_barrier_replay_match(&r, key, 2, &emitted, &emit)) {
               /* Dispatch d writes block d % 7 and reads block (d + 1) % 7. */
               const struct kr_barrier_access a[2] = {
                  {1, 4096 * (d % 7), 4096 * (d % 7) + 1024, KR_ACCESS_SHADER_STORAGE_WRITE},
                  {1, 4096 * ((d + 1) % 7), 4096 * ((d + 1) % 7) + 1024,
                   KR_ACCESS_SHADER_STORAGE_READ}};
               emitted = kr_barrier_replay_live_command(&r, a, 2, &emit);
            }
            got[d] = emitted;
         }
         struct kr_barrier_emit emit;
         got[DISPATCHES] = kr_barrier_replay_end(&r, &emit);
         if (fail_at == 0 && recording == 0)
            memcpy(expect, got, sizeof(expect));
         assert_memory_equal(got, expect, sizeof(expect));
         if (fail_at && recording == 0) {
            assert_false(r.log.complete);
            assert_null(r.log.events); /* freed at the failure */
            assert_null(r.log.details);
         }
      }
      log_countdown = 0;
      kr_barrier_replay_finish(&r, NULL);
   }
}

/* The tracker ran short of memory in the logged recording (it folded its entries and emitted
 * the application's barrier earlier than it would have) and not when the next recording,
 * departing from the log, rebuilds it. The rebuilt tracker then decides differently for the
 * logged events: the replay owes the vendor a full barrier before the next command, without
 * which the write of B (D2) and its read (D4), ordered by the application's R2, would have no
 * barrier between them (found by review: a rebuilt tracker believed R1 sat after D2). */
static void
tracker_short_of_memory(void **state)
{
   (void)state;
   const VkAllocationCallbacks refusing = {.pfnAllocation = refusing_alloc,
                                           .pfnFree = refusing_free};
   const struct kr_barrier_masks full = {
      VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
      VK_ACCESS_2_MEMORY_WRITE_BIT, VK_ACCESS_2_MEMORY_READ_BIT | VK_ACCESS_2_MEMORY_WRITE_BIT};
   enum { X = 0, A = 10000, B = 20000 }; /* apart: neighbouring ranges would merge */
   struct kr_barrier_replay r;
   kr_barrier_replay_init(&r, NULL, NULL);
   r.tracker.alloc = &refusing;
   struct kr_barrier_emit emit;
   for (int recording = 0; recording < 2; recording++) {
      refuse_tracker = recording == 0;
      struct script s = {.r = &r};
      kr_barrier_replay_begin(&r, true);
      kr_barrier_replay_request(&r, &full);
      script_dispatch(&s, 0, X, KR_ACCESS_SHADER_STORAGE_WRITE);
      script_dispatch(&s, 1, A, KR_ACCESS_SHADER_STORAGE_WRITE);
      kr_barrier_replay_request(&r, &compute_barrier);
      script_dispatch(&s, 2, B, KR_ACCESS_SHADER_STORAGE_WRITE);
      script_dispatch(&s, 3, A, KR_ACCESS_SHADER_STORAGE_READ);
      if (recording == 1) {
         kr_barrier_replay_request(&r, &compute_barrier); /* R2: orders D2's write before D4 */
         script_dispatch(&s, 4, B, KR_ACCESS_SHADER_STORAGE_READ);
         assert_true(s.barrier_before[3] || s.barrier_before[4]);
         assert_int_equal(r.diverged, 1);
         assert_int_equal(r.recoveries, 1);
      }
      uint32_t vendor = kr_barrier_replay_end(&r, &emit) ? 1 : 0;
      for (uint32_t i = 0; i < 5; i++)
         vendor += s.barrier_before[i];
      /* The counts by reason add up to the barriers the vendor was given. */
      const struct kr_barrier_counts *counts = kr_barrier_replay_counts(&r);
      uint32_t counted = 0;
      for (unsigned i = 0; i < KRONOS_BARRIER_REASON_COUNT; i++)
         counted += counts->emitted[i];
      assert_int_equal(counted, vendor);
   }
   kr_barrier_replay_finish(&r, NULL);
}

/* A recording past the log's cap is not logged, its log's memory goes, and the next
 * recordings are not logged either for a while (a command buffer that always records too much
 * would pay for logging and never replay); then logging resumes. */
static void
too_long_to_log(void **state)
{
   (void)state;
   const struct kr_barrier_masks compute = {
      VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT,
      VK_ACCESS_2_SHADER_WRITE_BIT, VK_ACCESS_2_SHADER_READ_BIT};
   struct kr_barrier_replay r;
   kr_barrier_replay_init(&r, NULL, NULL);
   struct kr_barrier_emit emit;
   uint32_t recordings = 0;
   for (;; recordings++) {
      kr_barrier_replay_begin(&r, true);
      uint32_t events = recordings == 0 ? KR_REPLAY_MAX_EVENTS + 1 : 3;
      for (uint32_t i = 0; i < events; i++)
         kr_barrier_replay_request(&r, &compute);
      kr_barrier_replay_end(&r, &emit);
      if (recordings == 0) {
         assert_false(r.log.complete);
         assert_null(r.log.events); /* freed */
         assert_null(r.log.details);
      }
      if (r.log.complete)
         break;
      assert_true(recordings < 64);
   }
   /* The first logged recording after the long one comes some recordings later. */
   assert_true(recordings > 1);
   uint64_t replayed = r.replayed;
   kr_barrier_replay_begin(&r, true);
   for (uint32_t i = 0; i < 3; i++)
      kr_barrier_replay_request(&r, &compute);
   kr_barrier_replay_end(&r, &emit);
   assert_int_equal(r.replayed - replayed, 4);
   kr_barrier_replay_finish(&r, NULL);
}

static uint64_t
env_u64(const char *name, uint64_t fallback)
{
   const char *value = getenv(name);
   if (!value || !*value)
      return fallback;
   return strtoull(value, NULL, 0);
}

/* The differential check (see the top of the file), one program in six with the replay's
 * allocations failing after a few (it then stops logging; decisions must not change). */
static void
random_programs_against_a_fresh_tracker(void **state)
{
   (void)state;
   const uint64_t programs = env_u64("KRONOS_REPLAY_CHECK_PROGRAMS", 20000);
   uint64_t replayed = 0, diverged = 0, long_replayed = 0;
   char label[96];
   for (uint64_t n = 0; n < programs; n++) {
      struct test_random rnd;
      test_random_seed(&rnd, 0x5eed0000ull + n);
      struct program p;
      random_program(&rnd, &p);
      struct test_counting c;
      const VkAllocationCallbacks cbs = test_counting_callbacks(&c);
      const bool failing = roll(&rnd, 6) == 0;
      if (failing)
         c.fail_after = (long)roll(&rnd, 6);
      struct kr_barrier_replay r;
      kr_barrier_replay_init(&r, &cbs, NULL);
      /* Only the log's allocations fail here: a tracker short of memory folds its entries and
       * so decides differently from a fresh one (test_barrier_policy.c checks that it stays
       * safe, tracker_short_of_memory below what the replay does about it). */
      r.tracker.alloc = NULL;
      for (uint32_t rec = 0; rec < 6; rec++) {
         /* Now and then a recording abandoned half way (the command buffer reset). */
         uint32_t abandon = roll(&rnd, 8) == 0 ? roll(&rnd, p.count + 1) : UINT32_MAX;
         snprintf(label, sizeof(label), "program %" PRIu64 ", recording %u%s", n, rec,
                  failing ? " (allocations failing)" : "");
         uint64_t before = r.replayed;
         record_both(&r, &p, abandon, label);
         if (p.count > 64)
            long_replayed += r.replayed - before;
         vary_program(&rnd, &p);
      }
      replayed += r.replayed;
      diverged += r.diverged;
      kr_barrier_replay_finish(&r, NULL);
      assert_int_equal(c.live, 0);
   }
   print_message("%" PRIu64 " programs: %" PRIu64 " events replayed (%" PRIu64
                 " in recordings of over 64 events), %" PRIu64 " recordings diverged\n",
                 programs, replayed, long_replayed, diverged);
   /* The check means something only if both paths ran often, and logs that grew too. */
   assert_true(replayed > programs);
   assert_true(diverged > programs / 4);
   assert_true(programs < 100 || long_replayed > programs);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(same_commands_replay_whole),
      cmocka_unit_test(a_change_diverges_once),
      cmocka_unit_test(disabled_never_replays),
      cmocka_unit_test(tracker_short_of_memory),
      cmocka_unit_test(log_short_of_memory),
      cmocka_unit_test(too_long_to_log),
      cmocka_unit_test(random_programs_against_a_fresh_tracker),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
