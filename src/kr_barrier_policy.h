/* SPDX-License-Identifier: MIT */
/* The smart barrier policy's pure logic (DESIGN §4.3), one tracker per command buffer being
 * recorded. No Vulkan calls: the recording code (kr_barrier_record.c) asks it what to give the
 * vendor.
 *
 * The application's barriers are requests. A tracked command (a dispatch whose accesses are
 * known, a buffer copy, fill or update) names the byte ranges of vendor memory it reads and
 * writes; before it, the tracker says whether a barrier must go to the vendor: when one of
 * its accesses conflicts (read-after-write, write-after-read, write-after-write on overlapping
 * bytes of the same memory) with an earlier access that a pending request may order and that
 * the barriers already given to the vendor do not order. What it then gives is one barrier,
 * the union of every pending request's masks, and no request stays pending. Before anything
 * it does not understand, and at the end of the command buffer, every pending request goes to
 * the vendor the same way.
 *
 * Why this never loses an ordering the application asked for: a request is only ever emitted
 * later than where it was recorded, never earlier, in the order recorded, inside a barrier whose
 * masks contain its own; so for a conflicting pair (e, f) whose application barriers all lie
 * in vendor barriers between e and f, the vendor orders the pair as the application did (a
 * chain of requests becomes a chain of vendor barriers, or collapses into one). A request
 * still pending when f is recorded lies after e, and then a barrier is emitted before f unless
 * the vendor already orders (e, f) by one emitted barrier, or every pending request recorded
 * after e is contained in the last emitted barrier L and L lies after e (L then stands for each
 * of them, see kr_barrier_policy.c).
 *
 * Earlier work the tracker cannot see (submits before this command buffer, untracked commands)
 * is a "wildcard" access: every byte of every memory, with the stages and write accesses it
 * may have. Masks are synchronization2 values (VkPipelineStageFlags2, VkAccessFlags2); the
 * synchronization1 bits are the same values. */
#ifndef KR_BARRIER_POLICY_H
#define KR_BARRIER_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "kronos/kronos.h"

/* The kinds of access a tracked command makes. Each has one access bit and one stage (fill and
 * update: COPY and CLEAR, as either may be taken to run them). */
enum kr_barrier_access_kind {
   KR_ACCESS_SHADER_STORAGE_READ,  /* compute, storage buffer (and storage texel buffer) read */
   KR_ACCESS_SHADER_UNIFORM_READ,  /* compute, uniform buffer */
   KR_ACCESS_SHADER_SAMPLED_READ,  /* compute, uniform texel buffer */
   KR_ACCESS_SHADER_STORAGE_WRITE, /* compute, storage write (atomics: a read and a write) */
   KR_ACCESS_COPY_READ,            /* vkCmdCopyBuffer source */
   KR_ACCESS_COPY_WRITE,           /* vkCmdCopyBuffer, vkCmdCopyQueryPoolResults destination */
   KR_ACCESS_CLEAR_WRITE,          /* vkCmdFillBuffer, vkCmdUpdateBuffer */
   KR_ACCESS_INDIRECT_READ,        /* vkCmdDispatchIndirect's arguments */
   KR_ACCESS_KIND_COUNT
};

/* One access of a tracked command: bytes [begin, end) of a vendor memory (any value that names
 * it: the vendor's VkDeviceMemory handle). */
struct kr_barrier_access {
   uint64_t memory;
   uint64_t begin, end;
   enum kr_barrier_access_kind kind;
};

/* A barrier's masks: a request, or what goes to the vendor. */
struct kr_barrier_masks {
   VkPipelineStageFlags2 src_stages, dst_stages;
   VkAccessFlags2 src_access, dst_access;
};

static inline bool
kr_barrier_masks_equal(const struct kr_barrier_masks *a, const struct kr_barrier_masks *b)
{
   return a->src_stages == b->src_stages && a->dst_stages == b->dst_stages &&
          a->src_access == b->src_access && a->dst_access == b->dst_access;
}

/* Adds b's bits to a. */
static inline void
kr_barrier_masks_add(struct kr_barrier_masks *a, const struct kr_barrier_masks *b)
{
   a->src_stages |= b->src_stages;
   a->dst_stages |= b->dst_stages;
   a->src_access |= b->src_access;
   a->dst_access |= b->dst_access;
}

/* What the vendor must be given before the command: a barrier with these masks. */
struct kr_barrier_emit {
   struct kr_barrier_masks masks;
   uint32_t requests; /* application requests it carries (0: the masks of a pass-through) */
};

/* The tracker's own counts of one recording (enum kronos_barrier_reason for emitted). */
struct kr_barrier_counts {
   uint32_t requests, dropped, merged;
   uint32_t emitted[KRONOS_BARRIER_REASON_COUNT];
};

/* An earlier access not yet ordered by the vendor before every kind of later access. */
struct kr_barrier_entry {
   uint64_t memory, begin, end;
   uint64_t position;             /* when it was recorded (requests count too) */
   VkPipelineStageFlags2 stages;  /* its stage (a wildcard: all it may have) */
   VkAccessFlags2 access;         /* its access (a wildcard: the writes it may make) */
   uint16_t unordered;            /* later access kinds (1 << kind) the vendor does not order
                                     after it yet */
   uint8_t kind;                  /* its enum kr_barrier_access_kind (not a wildcard's) */
   bool write, any_memory;
};

/* What a barrier orders, worked out from its masks (kr_barrier_policy.c says how). */
struct kr_barrier_scopes {
   VkPipelineStageFlags2 src_stages[2]; /* [0]: for an earlier read, [1]: an earlier write */
   VkAccessFlags2 src_access;
   uint16_t kinds_ordered[2];
};

/* Entries past this many are folded into one wildcard (correct, only more conservative). */
#define KR_BARRIER_MAX_ENTRIES 4096

struct kr_barrier_tracker {
   const VkAllocationCallbacks *alloc;
   uint64_t now; /* position counter */
   /* pending requests: their union, how many, where the last one is, and where the last one
    * that the last emitted barrier does not contain is (0: none) */
   struct kr_barrier_masks pending;
   uint32_t pending_count;
   uint64_t last_pending, last_undominated;
   /* the last barrier the vendor was given, where, and whether anything was recorded since */
   struct kr_barrier_masks last;
   uint64_t last_position;
   bool has_last, recorded_since_last;
   struct kr_barrier_entry *entries; /* or &fallback when out of memory */
   uint32_t count, capacity;
   struct kr_barrier_entry fallback;
   struct kr_barrier_counts counts;
   /* the scopes of the masks last emitted (scopes_ready), kept across recordings (so they
    * come last: kr_barrier_tracker_begin clears what comes before): a program mostly emits the
    * same masks */
   bool scopes_ready;
   struct kr_barrier_masks scopes_masks;
   struct kr_barrier_scopes scopes;
};

void kr_barrier_tracker_init(struct kr_barrier_tracker *t, const VkAllocationCallbacks *alloc);
void kr_barrier_tracker_finish(struct kr_barrier_tracker *t);

/* A new recording (vkBeginCommandBuffer): what was submitted before is a wildcard. Counts start
 * from zero. */
void kr_barrier_tracker_begin(struct kr_barrier_tracker *t);

/* An application barrier that the policy understands (execution and global or buffer memory
 * dependencies; buffer ranges widen to all memory). */
void kr_barrier_tracker_request(struct kr_barrier_tracker *t, const struct kr_barrier_masks *m);

/* Before a tracked command with these accesses: true when *emit must go to the vendor first.
 * The accesses are then recorded as the command's. */
bool kr_barrier_tracker_command(struct kr_barrier_tracker *t,
                                const struct kr_barrier_access *accesses, uint32_t count,
                                struct kr_barrier_emit *emit);

/* Before a command the policy does not understand: true when *emit (every pending request)
 * must go to the vendor first. The command then counts as a wildcard access in stages with the
 * writes in write_access (stages 0: it touches no memory, e.g. a timestamp). A command that is
 * itself a barrier or makes dependencies (an image barrier, an event wait) must be given with
 * writes (ALL_COMMANDS, MEMORY_WRITE): the last emitted barrier may stand for a later request
 * only if nothing such came after it, and a chain of requests may run through that command. */
bool kr_barrier_tracker_untracked(struct kr_barrier_tracker *t, enum kronos_barrier_reason why,
                                  VkPipelineStageFlags2 stages, VkAccessFlags2 write_access,
                                  struct kr_barrier_emit *emit);

/* vkEndCommandBuffer: true when *emit (every pending request) must go to the vendor. */
bool kr_barrier_tracker_end(struct kr_barrier_tracker *t, struct kr_barrier_emit *emit);

/* The synchronization2 stage and access of an access kind, and whether it writes. */
VkPipelineStageFlags2 kr_barrier_kind_stage(enum kr_barrier_access_kind kind);
VkAccessFlags2 kr_barrier_kind_access(enum kr_barrier_access_kind kind);
bool kr_barrier_kind_writes(enum kr_barrier_access_kind kind);

#endif
