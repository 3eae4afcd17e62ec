/* SPDX-License-Identifier: MIT */
/* What the soak's lane files share (soak_ops.c: the model's rules, reports, the generator and
 * a lane's life; soak_memory.c: memory and buffers; soak_record.c: recording, descriptor sets,
 * command buffer resets; soak_sync.c: submits, fences, semaphores, idle waits). */
#ifndef SOAK_LANE_H
#define SOAK_LANE_H

#include "soak.h"

enum {
   MEM_SLOTS = 10,
   BUF_SLOTS = 8,
   CMD_SLOTS = 6,
   FENCE_SLOTS = 4,
   SET_SLOTS = 8,
   RING = 8,          /* progress values remembered for waits */
   SAMPLES = 4,       /* words written and checked in a raw allocation */
   MAX_COMMANDS = 12, /* commands recorded before the generator ends a command buffer */
};

/* Any result, as long as both devices return the same. */
#define ANY_RESULT VK_RESULT_MAX_ENUM

/* An operation's outcome: done, not possible now (the generator picks another), or failed. */
enum { SKIP = 0, DONE = 1, FAIL = -1 };

/* Memory allocated for itself (no buffer): every size class, every memory type; host-visible
 * coherent ones get words written at SAMPLES offsets, read back later (another allocation
 * overlapping it in Kronos's pool would show). */
struct mem_slot {
   bool live, host;
   VkDeviceMemory h[SOAK_SIDES];
   void *map[SOAK_SIDES];
   VkDeviceSize size;
   VkDeviceSize offsets[SAMPLES];
   uint32_t words[SAMPLES];
};

/* A storage buffer with host-visible coherent memory of its own (dedicated or not), kept mapped;
 * shadow: what it must hold once the work recorded so far has run. */
struct buf_slot {
   bool live;
   bool written, read; /* accessed by a command no barrier has ordered yet against later ones */
   uint32_t words, gen;
   uint64_t last_rec; /* the last recording using it (0: none) */
   VkBuffer h[SOAK_SIDES];
   VkDeviceMemory memory[SOAK_SIDES];
   uint32_t *map[SOAK_SIDES];
   uint32_t *shadow;
};

enum cmd_state { CMD_IDLE, CMD_RECORDING, CMD_READY, CMD_SUBMITTED };

/* What a recorded command does to the buffers: applied to the model when it is recorded, and
 * again when its command buffer is queued again (op_resubmit). */
enum effect_kind { EFFECT_FILL, EFFECT_UPDATE, EFFECT_COPY, EFFECT_DISPATCH };

struct effect {
   enum effect_kind kind;
   int src, dst; /* buffer slots (src: copies and dispatches) */
   uint32_t first, count, value; /* fills and updates: words [first, first + count) */
   uint32_t region_count;        /* copies */
   VkBufferCopy regions[3];
   uint32_t n, mul, mask; /* dispatches: the push constants and the set slot */
   int set;
   uint32_t data[64]; /* updates */
};

struct cmd_slot {
   enum cmd_state state;
   uint64_t rec;
   unsigned commands;
   /* Not one-time and begun with a global barrier: it may be submitted again, while the buffers
    * and sets it names are still those it was recorded with (generation, version; 0: unused). */
   bool replayable;
   uint32_t buf_gens[BUF_SLOTS];
   uint64_t set_versions[SET_SLOTS];
   unsigned effect_count;
   struct effect effects[MAX_COMMANDS];
   VkCommandBuffer h[SOAK_SIDES];
};

enum fence_state { FENCE_UNSIGNALED, FENCE_PENDING, FENCE_SIGNALED };

struct fence_slot {
   enum fence_state state;
   uint64_t seq; /* the submit that signals it */
   VkFence h[SOAK_SIDES];
};

/* A descriptor set naming buffers x and y (generations xgen, ygen) at bindings 0 and 1. */
struct set_slot {
   bool live;
   int x, y;
   uint32_t xgen, ygen;
   uint64_t version; /* the lane's count of set writes at its last write */
   uint64_t last_rec;
   VkDescriptorSet h[SOAK_SIDES];
};

struct lane {
   struct soak_run *run;
   unsigned index;
   uint64_t rng;
   uint64_t op;         /* operations so far */
   const char *op_name; /* the operation running, for reports */
   uint64_t *counts;

   struct mem_slot mem[MEM_SLOTS];
   struct buf_slot buf[BUF_SLOTS];
   struct cmd_slot cmd[CMD_SLOTS];
   struct fence_slot fence[FENCE_SLOTS];
   struct set_slot set[SET_SLOTS];
   uint32_t next_gen;
   uint64_t next_version;

   VkCommandPool cmd_pool[SOAK_SIDES];
   VkDescriptorPool desc_pool[SOAK_SIDES];
   bool desc_pool_frees; /* created with FREE_DESCRIPTOR_SET_BIT */

   VkSemaphore progress[SOAK_SIDES], gate[SOAK_SIDES];
   VkSemaphore binary[2][SOAK_SIDES];
   uint64_t binary_seq[2]; /* the submit that last waited on it (reused once idle) */
   uint64_t progress_value, gate_value;
   struct {
      uint64_t value, seq;
   } ring[RING];
   unsigned ring_count, ring_next;

   int open;             /* the command buffer recording, or -1 */
   int ready[CMD_SLOTS]; /* ended, not submitted, in the order they were ended */
   unsigned ready_count;
   uint64_t next_rec;
   uint64_t *rec_seq; /* rec -> the submit that took it (0: not yet) */
   size_t rec_cap;
   uint64_t submit_seq, completed_seq;
   uint64_t idle_seq;   /* the last submit before the last idle wait */
   bool progress_known; /* the progress counter is progress_value (no signal left pending) */
};

static inline uint64_t
rnd(struct lane *l, uint64_t bound)
{
   return it_random_below(&l->rng, bound);
}

static inline bool
chance(struct lane *l, unsigned one_in)
{
   return rnd(l, one_in) == 0;
}

/* Whether recording rec (0: none) has run to completion, as far as the lane's waits show. */
static inline bool
rec_done(const struct lane *l, uint64_t rec)
{
   if (rec == 0)
      return true;
   uint64_t seq = rec < l->rec_cap ? l->rec_seq[rec] : 0;
   return seq != 0 && seq <= l->completed_seq;
}

static inline bool
cmd_free(const struct lane *l, int i)
{
   const struct cmd_slot *c = &l->cmd[i];
   return c->state == CMD_IDLE || (c->state == CMD_SUBMITTED && rec_done(l, c->rec));
}

static inline bool
host_coherent(const struct soak_side *s, uint32_t type)
{
   VkMemoryPropertyFlags want =
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
   return (s->memory.memoryTypes[type].propertyFlags & want) == want;
}

/* A random index i in [0, count) for which cond holds (cond names it i), or -1. */
#define PICK(l, count, cond)                                                                       \
   ({                                                                                              \
      int pick_ = -1;                                                                              \
      unsigned start_ = (unsigned)rnd((l), (count));                                               \
      for (unsigned k_ = 0; k_ < (count) && pick_ < 0; k_++) {                                     \
         int i = (int)((start_ + k_) % (count));                                                   \
         if (cond)                                                                                 \
            pick_ = i;                                                                             \
      }                                                                                            \
      pick_;                                                                                       \
   })

/* Reports a difference (or a failure) with what reproduces it, and stops every lane. */
void mismatch(struct lane *l, const char *what, const char *fmt, ...)
   __attribute__((format(printf, 3, 4)));

/* Whether both devices returned the same result, and expected (ANY_RESULT: any). */
bool results(struct lane *l, const char *call, const VkResult r[SOAK_SIDES], VkResult expected);

/* The commands of every submit up to seq have completed (soak_ops.c says what else is known). */
void completed(struct lane *l, uint64_t seq);

/* Runs one operation of kind (counted when done). */
int step(struct lane *l, enum soak_op kind);

/* Ends and submits what is recorded, then waits for the queue (operations of their own). */
bool settle(struct lane *l);

/* Each operation returns DONE, SKIP (not possible now: the generator picks another) or FAIL. */

/* soak_memory.c. map_memory maps both devices' memory whole; check_buffer compares both
 * devices' copies of buffer slot i with the model. */
int op_alloc_memory(struct lane *l);
int op_free_memory(struct lane *l);
int op_check_memory(struct lane *l);
int op_map_toggle(struct lane *l);
int op_create_buffer(struct lane *l);
int op_destroy_buffer(struct lane *l);
int op_host_write(struct lane *l);
int op_readback(struct lane *l);
int map_memory(struct lane *l, VkDeviceMemory h[SOAK_SIDES], void *map[SOAK_SIDES]);
int check_buffer(struct lane *l, int i);
void free_mem_slot(struct lane *l, struct mem_slot *m);
void destroy_buf_slot(struct lane *l, struct buf_slot *b);

/* soak_record.c. */
int op_begin(struct lane *l);
int op_end(struct lane *l);
int op_resubmit(struct lane *l);
int op_fill(struct lane *l);
int op_update(struct lane *l);
int op_copy(struct lane *l);
int op_dispatch(struct lane *l);
int op_barrier(struct lane *l);
int op_discard_cmd(struct lane *l);
int op_reset_cmd(struct lane *l);
int op_reset_cmd_pool(struct lane *l);
int op_realloc_cmd(struct lane *l);
int op_free_set(struct lane *l);
int op_reset_desc_pool(struct lane *l);
int op_recreate_desc_pool(struct lane *l);
int op_recreate_cmd_pool(struct lane *l);
int create_desc_pool(struct lane *l);
/* The command pool and CMD_SLOTS command buffers of it. */
int create_cmd_pool(struct lane *l);

/* soak_sync.c. check_counters compares both semaphores' counters with the model where it
 * knows them. */
int op_submit(struct lane *l);
int op_wait_fences(struct lane *l);
int op_fence_status(struct lane *l);
int op_reset_fences(struct lane *l);
int op_recycle_fence(struct lane *l);
int op_wait_semaphores(struct lane *l);
int op_host_signal(struct lane *l);
int op_counter_value(struct lane *l);
int op_queue_idle(struct lane *l);
int op_device_idle(struct lane *l);
int op_recreate_semaphores(struct lane *l);
int create_fence(struct lane *l, int f);
/* The progress and gate timelines (at initial) and the binary semaphores; destroy_semaphores
 * destroys them (VK_NULL_HANDLE ones too). */
int create_semaphores(struct lane *l, uint64_t initial);
void destroy_semaphores(struct lane *l);
int check_counters(struct lane *l);

#endif
