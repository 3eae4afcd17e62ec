/* SPDX-License-Identifier: MIT */
/* The benchmark's own model of the barrier policy's rule (src/kr_barrier_policy.h), written from
 * its description and not from Kronos's code, so that the barrier rows can check Kronos's
 * counters against an independent count: for a command buffer of commands whose accesses are
 * byte ranges of buffers, with full application barriers (all stages, all accesses) between
 * them, how many barriers the vendor should get.
 *
 * The rule: a barrier goes to the vendor before a command that conflicts (read-after-write,
 * write-after-read, write-after-write on overlapping bytes of one buffer) with an access that
 * was recorded before a pending application barrier and that no barrier given to the vendor
 * orders yet (a "hazard"); it orders everything recorded before it, and no request stays
 * pending. At the end of the command buffer, one barrier goes if any request is pending. A
 * command that conflicts only with accesses recorded after the last application barrier gets
 * none (the application ordered nothing there). Full barriers only: masks never matter. */
#ifndef BENCH_BARRIER_MODEL_H
#define BENCH_BARRIER_MODEL_H

#include <stdbool.h>
#include <stdint.h>

/* Whether Kronos's policy counts what earlier submits did as unordered work that a barrier in
 * this command buffer may have to order (kr_barrier_policy.h: "earlier work the tracker cannot
 * see ... is a wildcard access"). */
#define BENCH_BARRIER_PREVIOUS_WORK true

/* Bytes [begin, end) of buffer `buffer` (any number that names it), read or read and written. */
struct bench_barrier_access {
   uint32_t buffer;
   uint64_t begin, end;
   bool write;
};

struct bench_barrier_model_entry {
   struct bench_barrier_access access;
   uint64_t position;
   bool any; /* the previous submits' work: every byte of every buffer, written */
};

struct bench_barrier_model {
   struct bench_barrier_model_entry *entries; /* accesses no vendor barrier orders yet */
   uint32_t count, capacity;
   uint64_t now, last_request; /* positions; last_request 0: none pending */
   uint32_t hazards, ends;     /* vendor barriers: before a conflicting command, at the end */
   bool failed;                /* out of memory (reported) */
};

/* A new command buffer. With `previous_work`, what earlier submits did is unordered work
 * (every byte of every buffer, written) that a barrier recorded in this one may order. */
void bench_barrier_model_begin(struct bench_barrier_model *m, bool previous_work);

/* An application barrier (all stages, all accesses). */
void bench_barrier_model_request(struct bench_barrier_model *m);

/* A command with these accesses; true when a barrier goes to the vendor before it. */
bool bench_barrier_model_command(struct bench_barrier_model *m,
                                 const struct bench_barrier_access *accesses, uint32_t count);

/* vkEndCommandBuffer; true when a barrier goes to the vendor there. */
bool bench_barrier_model_end(struct bench_barrier_model *m);

void bench_barrier_model_finish(struct bench_barrier_model *m);

#endif
