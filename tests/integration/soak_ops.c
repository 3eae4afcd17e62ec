/* SPDX-License-Identifier: MIT */
/* One lane of the soak: a generator (seeded PRNG) that picks random valid operations from what
 * its model of its own objects allows, runs each on the vendor's device and then on Kronos's,
 * compares the two VkResults with each other and with the one expected, and compares every
 * buffer read back with the other device's and with the model's contents.
 *
 * What keeps the sequences valid and their results deterministic:
 * - Command buffers are recorded one at a time and submitted in the order they were ended, so
 *   recording order is submission order: the model applies each command's effect to its copy of
 *   the buffers when it is recorded, and inserts a barrier before a command whenever an earlier
 *   one (in this or an earlier command buffer) wrote what it touches, or read what it writes.
 * - Each recording has an id (rec); a submit gives its recordings the submit's sequence number
 *   (seq). A fence, a timeline value or an idle wait that was waited for completes every submit
 *   up to its seq (a signal's first scope holds all earlier submissions on the queue). Buffers,
 *   sets and command buffers are touched by the host, updated, reset or destroyed only when the
 *   last recording that uses them has completed.
 * - Results that depend on timing are never compared: fence status only of a fence waited for or
 *   never submitted, a counter value only once its last signal was waited for; waits have a long
 *   timeout and must succeed.
 * - The "gate" timeline is signalled by the host only; a submit may wait on its next value, which
 *   the same operation signals right after the submit (wait before signal). The "progress"
 *   timeline is signalled by submits only, in increasing order. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soak.h"

#define SOAK_NAME(name) #name,
const char *const soak_op_names[SOAK_OP_COUNT] = {SOAK_OPS(SOAK_NAME)};
#undef SOAK_NAME

enum {
   MEM_SLOTS = 10,
   BUF_SLOTS = 8,
   CMD_SLOTS = 6,
   FENCE_SLOTS = 4,
   SET_SLOTS = 6,
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

struct cmd_slot {
   enum cmd_state state;
   uint64_t rec;
   unsigned commands;
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

/* ---- Reports ---- */

/* Reports a difference (or a failure) with what reproduces it, and stops every lane. */
static void mismatch(struct lane *l, const char *what, const char *fmt, ...)
   __attribute__((format(printf, 3, 4)));

static void
mismatch(struct lane *l, const char *what, const char *fmt, ...)
{
   char detail[512];
   va_list args;
   va_start(args, fmt);
   vsnprintf(detail, sizeof(detail), fmt, args);
   va_end(args);
   fprintf(stderr,
           "soak: MISMATCH seed %" PRIu64 " thread %u op %" PRIu64 " (%s): %s: %s\n"
           "soak: reproduce with --seed %" PRIu64 " --threads %u (and the same --ops)\n",
           l->run->seed, l->index, l->op, l->op_name, what, detail, l->run->seed, l->run->threads);
   atomic_store(&l->run->failed, true);
}

/* Whether both devices returned the same result, and expected (ANY_RESULT: any). */
static bool
results(struct lane *l, const char *call, const VkResult r[SOAK_SIDES], VkResult expected)
{
   if (r[0] == r[1] && (expected == ANY_RESULT || r[0] == expected))
      return true;
   mismatch(l, call, "vendor %s, kronos %s, expected %s", it_result_name(r[0]),
            it_result_name(r[1]), expected == ANY_RESULT ? "the same" : it_result_name(expected));
   return false;
}

/* ---- The model ---- */

static uint64_t
rnd(struct lane *l, uint64_t bound)
{
   return it_random_below(&l->rng, bound);
}

static bool
chance(struct lane *l, unsigned one_in)
{
   return rnd(l, one_in) == 0;
}

/* Whether recording rec (0: none) has run to completion, as far as the lane's waits show. */
static bool
rec_done(const struct lane *l, uint64_t rec)
{
   if (rec == 0)
      return true;
   uint64_t seq = rec < l->rec_cap ? l->rec_seq[rec] : 0;
   return seq != 0 && seq <= l->completed_seq;
}

/* The commands of every submit up to seq have completed: a fence or semaphore signal's first
 * scope holds all commands earlier in submission order. Not their fence and semaphore signal
 * operations, which are no commands: a fence or a counter value is known only from a wait on
 * that fence or value itself, or from an idle queue. */
static void
completed(struct lane *l, uint64_t seq)
{
   if (seq > l->completed_seq)
      l->completed_seq = seq;
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

static bool
cmd_free(const struct lane *l, int i)
{
   const struct cmd_slot *c = &l->cmd[i];
   return c->state == CMD_IDLE || (c->state == CMD_SUBMITTED && rec_done(l, c->rec));
}

/* ---- Memory ---- */

static VkDeviceSize
size_of_class(struct lane *l)
{
   switch (rnd(l, 8)) {
   case 0:
   case 1:
   case 2:
      return 4 + rnd(l, 4092); /* tiny, below 4 KiB, any size */
   case 3:
   case 4:
      return 4096 + rnd(l, 60 * 1024); /* small */
   case 5:
   case 6:
      return 64 * 1024 + rnd(l, 960 * 1024); /* medium */
   default:
      return (1 + rnd(l, 4)) * 1024 * 1024 + 4 * rnd(l, 1024); /* large */
   }
}

static bool
host_coherent(const struct soak_side *s, uint32_t type)
{
   VkMemoryPropertyFlags want =
      VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
   return (s->memory.memoryTypes[type].propertyFlags & want) == want;
}

static int
map_memory(struct lane *l, VkDeviceMemory h[SOAK_SIDES], void *map[SOAK_SIDES])
{
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      r[s] = vkMapMemory(l->run->sides[s].device, h[s], 0, VK_WHOLE_SIZE, 0, &map[s]);
      if (r[s] != VK_SUCCESS)
         map[s] = NULL;
   }
   return results(l, "vkMapMemory", r, VK_SUCCESS) ? DONE : FAIL;
}

static void
unmap_memory(struct lane *l, VkDeviceMemory h[SOAK_SIDES], void *map[SOAK_SIDES])
{
   for (int s = 0; s < SOAK_SIDES; s++) {
      if (map[s])
         vkUnmapMemory(l->run->sides[s].device, h[s]);
      map[s] = NULL;
   }
}

static int
op_alloc_memory(struct lane *l)
{
   int slot = PICK(l, MEM_SLOTS, !l->mem[i].live);
   if (slot < 0)
      return SKIP;
   struct mem_slot *m = &l->mem[slot];
   m->size = size_of_class(l);
   uint32_t type = (uint32_t)rnd(l, l->run->sides[0].memory.memoryTypeCount);
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkMemoryAllocateInfo info = {
         .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
         .allocationSize = m->size,
         .memoryTypeIndex = type,
      };
      r[s] = vkAllocateMemory(l->run->sides[s].device, &info, NULL, &m->h[s]);
      if (r[s] != VK_SUCCESS)
         m->h[s] = VK_NULL_HANDLE;
   }
   m->live = r[0] == VK_SUCCESS || r[1] == VK_SUCCESS; /* freed by the cleanup if unequal */
   if (!results(l, "vkAllocateMemory", r, ANY_RESULT))
      return FAIL;
   if (!m->live)
      return DONE; /* both refused it alike */
   m->host = host_coherent(&l->run->sides[0], type);
   if (!m->host)
      return DONE;
   if (map_memory(l, m->h, m->map) != DONE)
      return FAIL;
   /* First and last word, two anywhere. */
   VkDeviceSize last = (m->size / 4 - 1) * 4;
   m->offsets[0] = 0;
   m->offsets[1] = last;
   m->offsets[2] = rnd(l, m->size / 4) * 4;
   m->offsets[3] = rnd(l, m->size / 4) * 4;
   for (int k = 0; k < SAMPLES; k++) {
      m->words[k] = (uint32_t)it_random(&l->rng);
      for (int s = 0; s < SOAK_SIDES; s++)
         memcpy((char *)m->map[s] + m->offsets[k], &m->words[k], 4);
   }
   /* Later samples win where two offsets are equal. */
   for (int k = 0; k < SAMPLES; k++) {
      for (int j = k + 1; j < SAMPLES; j++) {
         if (m->offsets[j] == m->offsets[k])
            m->words[k] = m->words[j];
      }
   }
   if (chance(l, 2))
      unmap_memory(l, m->h, m->map);
   return DONE;
}

static void
free_mem_slot(struct lane *l, struct mem_slot *m)
{
   for (int s = 0; s < SOAK_SIDES; s++) {
      /* vkFreeMemory of mapped memory unmaps it (left so on purpose, half the time). */
      if (m->h[s])
         vkFreeMemory(l->run->sides[s].device, m->h[s], NULL);
      m->h[s] = VK_NULL_HANDLE;
      m->map[s] = NULL;
   }
   m->live = false;
}

static int
op_free_memory(struct lane *l)
{
   int slot = PICK(l, MEM_SLOTS, l->mem[i].live);
   if (slot < 0)
      return SKIP;
   free_mem_slot(l, &l->mem[slot]);
   return DONE;
}

static int
op_check_memory(struct lane *l)
{
   int slot = PICK(l, MEM_SLOTS, l->mem[i].live && l->mem[i].host);
   if (slot < 0)
      return SKIP;
   struct mem_slot *m = &l->mem[slot];
   if (!m->map[0] && map_memory(l, m->h, m->map) != DONE)
      return FAIL;
   for (int k = 0; k < SAMPLES; k++) {
      uint32_t got[SOAK_SIDES];
      for (int s = 0; s < SOAK_SIDES; s++)
         memcpy(&got[s], (char *)m->map[s] + m->offsets[k], 4);
      if (got[0] != m->words[k] || got[1] != m->words[k]) {
         mismatch(l, "memory contents",
                  "allocation of %" PRIu64 " bytes, offset %" PRIu64
                  ": vendor 0x%08x, kronos 0x%08x, written 0x%08x",
                  (uint64_t)m->size, (uint64_t)m->offsets[k], got[0], got[1], m->words[k]);
         return FAIL;
      }
   }
   return DONE;
}

static int
op_map_toggle(struct lane *l)
{
   int slot = PICK(l, MEM_SLOTS, l->mem[i].live && l->mem[i].host);
   if (slot < 0)
      return SKIP;
   struct mem_slot *m = &l->mem[slot];
   if (m->map[0]) {
      unmap_memory(l, m->h, m->map);
      return DONE;
   }
   return map_memory(l, m->h, m->map);
}

/* ---- Buffers ---- */

static void
destroy_buf_slot(struct lane *l, struct buf_slot *b)
{
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkDevice device = l->run->sides[s].device;
      if (b->h[s])
         vkDestroyBuffer(device, b->h[s], NULL);
      if (b->memory[s])
         vkFreeMemory(device, b->memory[s], NULL);
      b->h[s] = VK_NULL_HANDLE;
      b->memory[s] = VK_NULL_HANDLE;
      b->map[s] = NULL;
   }
   free(b->shadow);
   b->shadow = NULL;
   b->live = false;
}

/* Memory for b of type (dedicated or not), bound (vkBindBufferMemory or ...2) and mapped. */
static int
back_buffer(struct lane *l, struct buf_slot *b, const VkMemoryRequirements *req, uint32_t type)
{
   bool dedicated = chance(l, 3), bind2 = chance(l, 2);
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkMemoryDedicatedAllocateInfo dedicated_info = {
         .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO,
         .buffer = b->h[s],
      };
      VkMemoryAllocateInfo info = {
         .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
         .pNext = dedicated ? &dedicated_info : NULL,
         .allocationSize = req->size,
         .memoryTypeIndex = type,
      };
      r[s] = vkAllocateMemory(l->run->sides[s].device, &info, NULL, &b->memory[s]);
      if (r[s] != VK_SUCCESS)
         b->memory[s] = VK_NULL_HANDLE;
   }
   if (!results(l, "vkAllocateMemory (buffer)", r, VK_SUCCESS))
      return FAIL;
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkDevice device = l->run->sides[s].device;
      if (bind2) {
         VkBindBufferMemoryInfo info = {
            .sType = VK_STRUCTURE_TYPE_BIND_BUFFER_MEMORY_INFO,
            .buffer = b->h[s],
            .memory = b->memory[s],
         };
         r[s] = vkBindBufferMemory2(device, 1, &info);
      } else {
         r[s] = vkBindBufferMemory(device, b->h[s], b->memory[s], 0);
      }
   }
   if (!results(l, bind2 ? "vkBindBufferMemory2" : "vkBindBufferMemory", r, VK_SUCCESS))
      return FAIL;
   void *map[SOAK_SIDES] = {0};
   int done = map_memory(l, b->memory, map);
   for (int s = 0; s < SOAK_SIDES; s++)
      b->map[s] = map[s];
   return done;
}

static uint32_t
buffer_words(struct lane *l)
{
   switch (rnd(l, 16)) {
   case 0:
      return 65536 + 64 * (uint32_t)rnd(l, 3072); /* 256 KiB to 1 MiB */
   case 1:
   case 2:
   case 3:
   case 4:
      return 4096 + (uint32_t)rnd(l, 12288);
   case 5:
   case 6:
   case 7:
   case 8:
   case 9:
      return 256 + (uint32_t)rnd(l, 3840);
   default:
      return 16 + (uint32_t)rnd(l, 240);
   }
}

static int
op_create_buffer(struct lane *l)
{
   int slot = PICK(l, BUF_SLOTS, !l->buf[i].live);
   if (slot < 0)
      return SKIP;
   struct buf_slot *b = &l->buf[slot];
   memset(b, 0, sizeof(*b));
   b->words = buffer_words(l);
   b->shadow = malloc(b->words * sizeof(uint32_t));
   if (!b->shadow) {
      mismatch(l, "host", "out of memory");
      return FAIL;
   }
   b->live = true;
   b->gen = ++l->next_gen;
   VkResult r[SOAK_SIDES];
   VkMemoryRequirements req[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkBufferCreateInfo info = {
         .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
         .size = b->words * sizeof(uint32_t),
         .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                  VK_BUFFER_USAGE_TRANSFER_DST_BIT,
         .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
      };
      r[s] = vkCreateBuffer(l->run->sides[s].device, &info, NULL, &b->h[s]);
      if (r[s] != VK_SUCCESS)
         b->h[s] = VK_NULL_HANDLE;
      else
         vkGetBufferMemoryRequirements(l->run->sides[s].device, b->h[s], &req[s]);
   }
   if (!results(l, "vkCreateBuffer", r, VK_SUCCESS))
      return FAIL;
   if (req[0].size != req[1].size || req[0].alignment != req[1].alignment ||
       req[0].memoryTypeBits != req[1].memoryTypeBits) {
      mismatch(l, "vkGetBufferMemoryRequirements",
               "vendor size %" PRIu64 " alignment %" PRIu64 " types 0x%x, kronos size %" PRIu64
               " alignment %" PRIu64 " types 0x%x",
               (uint64_t)req[0].size, (uint64_t)req[0].alignment, req[0].memoryTypeBits,
               (uint64_t)req[1].size, (uint64_t)req[1].alignment, req[1].memoryTypeBits);
      return FAIL;
   }
   uint32_t type = UINT32_MAX;
   for (uint32_t t = 0; t < l->run->sides[0].memory.memoryTypeCount && type == UINT32_MAX; t++) {
      if ((req[0].memoryTypeBits & (1u << t)) && host_coherent(&l->run->sides[0], t))
         type = t;
   }
   if (type == UINT32_MAX) {
      mismatch(l, "memory types", "no host-visible coherent type for a buffer");
      return FAIL;
   }
   if (back_buffer(l, b, &req[0], type) != DONE)
      return FAIL;
   for (uint32_t w = 0; w < b->words; w++)
      b->shadow[w] = (uint32_t)it_random(&l->rng);
   for (int s = 0; s < SOAK_SIDES; s++)
      memcpy(b->map[s], b->shadow, b->words * sizeof(uint32_t));
   return DONE;
}

static int
op_destroy_buffer(struct lane *l)
{
   int slot = PICK(l, BUF_SLOTS, l->buf[i].live && rec_done(l, l->buf[i].last_rec));
   if (slot < 0)
      return SKIP;
   destroy_buf_slot(l, &l->buf[slot]);
   return DONE;
}

static int
op_host_write(struct lane *l)
{
   int slot = PICK(l, BUF_SLOTS, l->buf[i].live && rec_done(l, l->buf[i].last_rec));
   if (slot < 0)
      return SKIP;
   struct buf_slot *b = &l->buf[slot];
   uint32_t first = (uint32_t)rnd(l, b->words);
   uint32_t count = 1 + (uint32_t)rnd(l, b->words - first);
   for (uint32_t w = first; w < first + count; w++)
      b->shadow[w] = (uint32_t)it_random(&l->rng);
   for (int s = 0; s < SOAK_SIDES; s++)
      memcpy(b->map[s] + first, b->shadow + first, count * sizeof(uint32_t));
   return DONE;
}

/* Both devices' copies of b against the model. */
static int
check_buffer(struct lane *l, int i)
{
   const struct buf_slot *b = &l->buf[i];
   for (uint32_t w = 0; w < b->words; w++) {
      if (b->map[0][w] != b->shadow[w] || b->map[1][w] != b->shadow[w]) {
         mismatch(l, "buffer contents",
                  "buffer slot %d (%u words), word %u: vendor 0x%08x, kronos 0x%08x, "
                  "host model 0x%08x",
                  i, b->words, w, b->map[0][w], b->map[1][w], b->shadow[w]);
         return FAIL;
      }
   }
   return DONE;
}

static int
op_readback(struct lane *l)
{
   int slot = PICK(l, BUF_SLOTS, l->buf[i].live && rec_done(l, l->buf[i].last_rec));
   if (slot < 0)
      return SKIP;
   return check_buffer(l, slot);
}

/* ---- Recording ---- */

/* What orders every transfer and compute access before it against every one after it. */
#define ALL_STAGES (VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT)
#define ALL_WRITES (VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_SHADER_WRITE_BIT)
#define ALL_ACCESS                                                                                 \
   (VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_SHADER_READ_BIT |       \
    VK_ACCESS_SHADER_WRITE_BIT)

static void
full_barrier(struct lane *l, bool sync2, int only_buffer)
{
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkCommandBuffer cmd = l->cmd[l->open].h[s];
      if (only_buffer < 0 && !sync2) {
         it_memory_barrier(cmd, ALL_STAGES, ALL_WRITES, ALL_STAGES, ALL_ACCESS);
      } else if (only_buffer < 0) {
         it_memory_barrier2(cmd, ALL_STAGES, ALL_WRITES, ALL_STAGES, ALL_ACCESS);
      } else if (!sync2) {
         VkBufferMemoryBarrier barrier = {
            .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER,
            .srcAccessMask = ALL_WRITES,
            .dstAccessMask = ALL_ACCESS,
            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .buffer = l->buf[only_buffer].h[s],
            .size = VK_WHOLE_SIZE,
         };
         vkCmdPipelineBarrier(cmd, ALL_STAGES, ALL_STAGES, 0, 0, NULL, 1, &barrier, 0, NULL);
      } else {
         VkBufferMemoryBarrier2 barrier = {
            .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER_2,
            .srcStageMask = ALL_STAGES,
            .srcAccessMask = ALL_WRITES,
            .dstStageMask = ALL_STAGES,
            .dstAccessMask = ALL_ACCESS,
            .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
            .buffer = l->buf[only_buffer].h[s],
            .size = VK_WHOLE_SIZE,
         };
         VkDependencyInfo dep = {
            .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
            .bufferMemoryBarrierCount = 1,
            .pBufferMemoryBarriers = &barrier,
         };
         vkCmdPipelineBarrier2(cmd, &dep);
      }
   }
   for (int b = 0; b < BUF_SLOTS; b++) {
      if (only_buffer < 0 || b == only_buffer)
         l->buf[b].written = l->buf[b].read = false;
   }
   l->counts[SOAK_OP_barrier]++;
}

/* Before a command that reads (write false) or writes buffer b: the barrier it needs, if any,
 * of a random kind (global or on b alone, synchronization2 or not). */
static void
need(struct lane *l, int b, bool write)
{
   const struct buf_slot *x = &l->buf[b];
   if (x->written || (write && x->read))
      full_barrier(l, chance(l, 2), chance(l, 2) ? b : -1);
}

static void
used(struct lane *l, int b, bool write)
{
   struct buf_slot *x = &l->buf[b];
   if (write)
      x->written = true;
   else
      x->read = true;
   x->last_rec = l->cmd[l->open].rec;
   l->cmd[l->open].commands++;
}

static int
op_begin(struct lane *l)
{
   if (l->open >= 0)
      return SKIP;
   int slot = PICK(l, CMD_SLOTS, cmd_free(l, i));
   if (slot < 0)
      return SKIP;
   if (l->next_rec >= l->rec_cap) {
      size_t cap = l->rec_cap ? 2 * l->rec_cap : 1024;
      uint64_t *grown = realloc(l->rec_seq, cap * sizeof(*grown));
      if (!grown) {
         mismatch(l, "host", "out of memory");
         return FAIL;
      }
      memset(grown + l->rec_cap, 0, (cap - l->rec_cap) * sizeof(*grown));
      l->rec_seq = grown;
      l->rec_cap = cap;
   }
   VkCommandBufferBeginInfo info = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = chance(l, 2) ? VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT : 0,
   };
   VkResult r[SOAK_SIDES];
   /* Begin resets the buffer implicitly (the pool has RESET_COMMAND_BUFFER_BIT). */
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkBeginCommandBuffer(l->cmd[slot].h[s], &info);
   if (!results(l, "vkBeginCommandBuffer", r, VK_SUCCESS))
      return FAIL;
   l->cmd[slot].state = CMD_RECORDING;
   l->cmd[slot].rec = l->next_rec++;
   l->cmd[slot].commands = 0;
   l->open = slot;
   return DONE;
}

static int
op_end(struct lane *l)
{
   if (l->open < 0)
      return SKIP;
   struct cmd_slot *c = &l->cmd[l->open];
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      /* What the host reads back after a wait must have been made visible to it. */
      if (c->commands)
         it_memory_barrier(c->h[s], ALL_STAGES, ALL_WRITES, VK_PIPELINE_STAGE_HOST_BIT,
                           VK_ACCESS_HOST_READ_BIT);
      r[s] = vkEndCommandBuffer(c->h[s]);
   }
   if (!results(l, "vkEndCommandBuffer", r, VK_SUCCESS))
      return FAIL;
   c->state = CMD_READY;
   l->ready[l->ready_count++] = l->open;
   l->open = -1;
   return DONE;
}

static int
op_fill(struct lane *l)
{
   int b = PICK(l, BUF_SLOTS, l->buf[i].live);
   if (b < 0)
      return SKIP;
   struct buf_slot *x = &l->buf[b];
   uint32_t first = (uint32_t)rnd(l, x->words);
   bool whole = chance(l, 4);
   uint32_t count = whole ? x->words - first : 1 + (uint32_t)rnd(l, x->words - first);
   uint32_t value = (uint32_t)it_random(&l->rng);
   need(l, b, true);
   for (int s = 0; s < SOAK_SIDES; s++)
      vkCmdFillBuffer(l->cmd[l->open].h[s], x->h[s], first * 4ull,
                      whole ? VK_WHOLE_SIZE : count * 4ull, value);
   for (uint32_t w = first; w < first + count; w++)
      x->shadow[w] = value;
   used(l, b, true);
   return DONE;
}

static int
op_update(struct lane *l)
{
   int b = PICK(l, BUF_SLOTS, l->buf[i].live);
   if (b < 0)
      return SKIP;
   struct buf_slot *x = &l->buf[b];
   uint32_t data[64];
   uint32_t first = (uint32_t)rnd(l, x->words);
   uint32_t room = x->words - first < 64 ? x->words - first : 64;
   uint32_t count = 1 + (uint32_t)rnd(l, room);
   for (uint32_t w = 0; w < count; w++)
      data[w] = (uint32_t)it_random(&l->rng);
   need(l, b, true);
   for (int s = 0; s < SOAK_SIDES; s++)
      vkCmdUpdateBuffer(l->cmd[l->open].h[s], x->h[s], first * 4ull, count * 4ull, data);
   memcpy(x->shadow + first, data, count * sizeof(uint32_t));
   used(l, b, true);
   return DONE;
}

static int
op_copy(struct lane *l)
{
   int a = PICK(l, BUF_SLOTS, l->buf[i].live);
   int b = a < 0 ? -1 : PICK(l, BUF_SLOTS, l->buf[i].live && i != a);
   if (b < 0)
      return SKIP;
   struct buf_slot *src = &l->buf[a], *dst = &l->buf[b];
   /* Up to 3 regions, each inside its own third of the destination: they never overlap. */
   uint32_t count = 1 + (uint32_t)rnd(l, 3);
   if (dst->words < 3)
      count = 1;
   VkBufferCopy regions[3];
   uint32_t chunk = dst->words / count;
   for (uint32_t k = 0; k < count; k++) {
      uint32_t dst_first = k * chunk + (uint32_t)rnd(l, chunk);
      uint32_t room = (k + 1) * chunk - dst_first;
      if (room > src->words)
         room = src->words;
      uint32_t words = 1 + (uint32_t)rnd(l, room);
      uint32_t src_first = (uint32_t)rnd(l, src->words - words + 1);
      regions[k] = (VkBufferCopy){src_first * 4ull, dst_first * 4ull, words * 4ull};
   }
   need(l, a, false);
   need(l, b, true);
   for (int s = 0; s < SOAK_SIDES; s++)
      vkCmdCopyBuffer(l->cmd[l->open].h[s], src->h[s], dst->h[s], count, regions);
   for (uint32_t k = 0; k < count; k++)
      memcpy(dst->shadow + regions[k].dstOffset / 4, src->shadow + regions[k].srcOffset / 4,
             regions[k].size);
   used(l, a, false);
   used(l, b, true);
   return DONE;
}

/* A set naming buffers x and y: one that already does, else one whose last use has completed
 * (rewritten), else a new one; -1 when none can be had now, -2 on a mismatch. */
static int
set_for(struct lane *l, int x, int y)
{
   const struct buf_slot *bx = &l->buf[x], *by = &l->buf[y];
   int slot = PICK(l, SET_SLOTS,
                   l->set[i].live && l->set[i].x == x && l->set[i].y == y &&
                      l->set[i].xgen == bx->gen && l->set[i].ygen == by->gen);
   if (slot >= 0 && !chance(l, 8))
      return slot;
   slot = PICK(l, SET_SLOTS, !l->set[i].live || rec_done(l, l->set[i].last_rec));
   if (slot < 0)
      return -1;
   struct set_slot *set = &l->set[slot];
   VkResult r[SOAK_SIDES];
   if (!set->live) {
      for (int s = 0; s < SOAK_SIDES; s++) {
         r[s] = it_allocate_sets(l->run->sides[s].device, l->desc_pool[s],
                                 &l->run->sides[s].set_layout, 1, &set->h[s]);
         if (r[s] != VK_SUCCESS)
            set->h[s] = VK_NULL_HANDLE;
      }
      l->counts[SOAK_OP_alloc_set]++;
      if (!results(l, "vkAllocateDescriptorSets", r, VK_SUCCESS))
         return -2;
      set->live = true;
   }
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkDescriptorBufferInfo infos[2] = {
         {bx->h[s], 0, VK_WHOLE_SIZE},
         {by->h[s], 0, VK_WHOLE_SIZE},
      };
      it_write_storage_buffers(l->run->sides[s].device, set->h[s], infos, 2);
   }
   l->counts[SOAK_OP_update_set]++;
   set->x = x;
   set->y = y;
   set->xgen = bx->gen;
   set->ygen = by->gen;
   return slot;
}

static int
op_dispatch(struct lane *l)
{
   int x = PICK(l, BUF_SLOTS, l->buf[i].live);
   int y = x < 0 ? -1 : PICK(l, BUF_SLOTS, l->buf[i].live && i != x);
   if (y < 0)
      return SKIP;
   int set = set_for(l, x, y);
   if (set == -2)
      return FAIL;
   if (set < 0)
      return SKIP;
   struct buf_slot *bx = &l->buf[x], *by = &l->buf[y];
   uint32_t limit = bx->words < by->words ? bx->words : by->words;
   if (limit > 4096)
      limit = 4096;
   struct {
      uint32_t n, mul, mask;
   } push;
   push.n = 1 + (uint32_t)rnd(l, limit);
   push.mul = (uint32_t)it_random(&l->rng) | 1;
   push.mask = (uint32_t)it_random(&l->rng);
   uint32_t groups = 1 + (uint32_t)rnd(l, 4);
   need(l, x, false);
   need(l, y, true);
   for (int s = 0; s < SOAK_SIDES; s++) {
      const struct soak_side *side = &l->run->sides[s];
      VkCommandBuffer cmd = l->cmd[l->open].h[s];
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, side->pipeline);
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, side->pipeline_layout, 0, 1,
                              &l->set[set].h[s], 0, NULL);
      vkCmdPushConstants(cmd, side->pipeline_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(push),
                         &push);
      vkCmdDispatch(cmd, groups, 1, 1);
   }
   for (uint32_t w = 0; w < push.n; w++)
      by->shadow[w] = by->shadow[w] * push.mul + (bx->shadow[w] ^ push.mask);
   used(l, x, false);
   used(l, y, true);
   by->read = true;
   l->set[set].last_rec = l->cmd[l->open].rec;
   return DONE;
}

/* Barriers nothing needs: global or on one buffer (these order everything, so they also stand
 * for the needed ones), execution-only, or to the host. */
static int
op_barrier(struct lane *l)
{
   unsigned kind = (unsigned)rnd(l, 4);
   if (kind == 0) {
      full_barrier(l, chance(l, 2), -1);
      l->counts[SOAK_OP_barrier]--; /* step counts it */
   } else if (kind == 1) {
      int b = PICK(l, BUF_SLOTS, l->buf[i].live);
      if (b < 0)
         return SKIP;
      full_barrier(l, chance(l, 2), b);
      l->counts[SOAK_OP_barrier]--;
   } else {
      for (int s = 0; s < SOAK_SIDES; s++) {
         VkCommandBuffer cmd = l->cmd[l->open].h[s];
         if (kind == 2)
            vkCmdPipelineBarrier(cmd, ALL_STAGES, ALL_STAGES, 0, 0, NULL, 0, NULL, 0, NULL);
         else
            it_memory_barrier(cmd, ALL_STAGES, ALL_WRITES, VK_PIPELINE_STAGE_HOST_BIT,
                              VK_ACCESS_HOST_READ_BIT);
      }
   }
   l->cmd[l->open].commands++;
   return DONE;
}

/* Records a command buffer and resets it without submitting it. */
static int
op_discard_cmd(struct lane *l)
{
   int slot = PICK(l, CMD_SLOTS, i != l->open && cmd_free(l, i));
   int b = PICK(l, BUF_SLOTS, l->buf[i].live);
   if (slot < 0 || b < 0)
      return SKIP;
   const VkCommandBufferBeginInfo info = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      r[s] = vkBeginCommandBuffer(l->cmd[slot].h[s], &info);
      if (r[s] == VK_SUCCESS) {
         vkCmdFillBuffer(l->cmd[slot].h[s], l->buf[b].h[s], 0, VK_WHOLE_SIZE, 0xdeadbeef);
         r[s] = vkEndCommandBuffer(l->cmd[slot].h[s]);
      }
   }
   if (!results(l, "vkBeginCommandBuffer + vkEndCommandBuffer", r, VK_SUCCESS))
      return FAIL;
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkResetCommandBuffer(l->cmd[slot].h[s], 0);
   l->cmd[slot].state = CMD_IDLE;
   return results(l, "vkResetCommandBuffer", r, VK_SUCCESS) ? DONE : FAIL;
}

static int
op_reset_cmd(struct lane *l)
{
   int slot = PICK(l, CMD_SLOTS, i != l->open && cmd_free(l, i));
   if (slot < 0)
      return SKIP;
   VkCommandBufferResetFlags flags =
      chance(l, 2) ? VK_COMMAND_BUFFER_RESET_RELEASE_RESOURCES_BIT : 0;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkResetCommandBuffer(l->cmd[slot].h[s], flags);
   l->cmd[slot].state = CMD_IDLE;
   return results(l, "vkResetCommandBuffer", r, VK_SUCCESS) ? DONE : FAIL;
}

static bool settle(struct lane *l);

/* After what is recorded has been submitted and has run (settle: operations of their own). */
static int
op_reset_cmd_pool(struct lane *l)
{
   if (!settle(l))
      return FAIL;
   l->op_name = soak_op_names[SOAK_OP_reset_cmd_pool];
   VkCommandPoolResetFlags flags = chance(l, 2) ? VK_COMMAND_POOL_RESET_RELEASE_RESOURCES_BIT : 0;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkResetCommandPool(l->run->sides[s].device, l->cmd_pool[s], flags);
   for (int i = 0; i < CMD_SLOTS; i++)
      l->cmd[i].state = CMD_IDLE;
   return results(l, "vkResetCommandPool", r, VK_SUCCESS) ? DONE : FAIL;
}

static int
op_realloc_cmd(struct lane *l)
{
   int slot = PICK(l, CMD_SLOTS, i != l->open && cmd_free(l, i));
   if (slot < 0)
      return SKIP;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkDevice device = l->run->sides[s].device;
      vkFreeCommandBuffers(device, l->cmd_pool[s], 1, &l->cmd[slot].h[s]);
      r[s] = it_allocate_command_buffers(device, l->cmd_pool[s], VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1,
                                         &l->cmd[slot].h[s]);
      if (r[s] != VK_SUCCESS)
         l->cmd[slot].h[s] = VK_NULL_HANDLE;
   }
   l->cmd[slot].state = CMD_IDLE;
   return results(l, "vkAllocateCommandBuffers", r, VK_SUCCESS) ? DONE : FAIL;
}

/* ---- Submits and waits ---- */

/* One operation's submits, decided before they run on either device. */
struct submit_plan {
   unsigned count; /* command buffers, from the front of the ready list */
   unsigned mode;  /* 0: one batch; 1: two batches, a binary semaphore between them, one call;
                    * 2: the same in two calls; 3: one batch with vkQueueSubmit2 */
   int binary;     /* the binary semaphore of modes 1 and 2 */
   int fence;      /* -1: none */
   bool signal_progress, wait_gate;
   uint64_t wait_progress; /* 0: none */
};

static VkResult
submit_on(struct lane *l, int s, const struct submit_plan *p, VkCommandBuffer *cmds)
{
   struct soak_side *side = &l->run->sides[s];
   VkFence fence = p->fence >= 0 ? l->fence[p->fence].h[s] : VK_NULL_HANDLE;
   /* Waits go to the first batch, signals to the last. */
   VkSemaphore waits[2];
   uint64_t wait_values[2];
   VkPipelineStageFlags wait_stages[2] = {VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                                          VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT};
   uint32_t wait_count = 0;
   if (p->wait_progress) {
      waits[wait_count] = l->progress[s];
      wait_values[wait_count++] = p->wait_progress;
   }
   if (p->wait_gate) {
      waits[wait_count] = l->gate[s];
      wait_values[wait_count++] = l->gate_value + 1;
   }
   uint64_t signal_value = l->progress_value + 1;
   VkTimelineSemaphoreSubmitInfo first_values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .waitSemaphoreValueCount = wait_count,
      .pWaitSemaphoreValues = wait_values,
   };
   VkTimelineSemaphoreSubmitInfo last_values = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .signalSemaphoreValueCount = p->signal_progress,
      .pSignalSemaphoreValues = &signal_value,
   };
   VkResult result;
   if (p->mode == 3) {
      VkSemaphoreSubmitInfo wait_infos[2], signal_info = {
                                              .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
                                              .semaphore = l->progress[s],
                                              .value = signal_value,
                                              .stageMask = VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT,
                                           };
      VkCommandBufferSubmitInfo cmd_infos[CMD_SLOTS];
      for (uint32_t w = 0; w < wait_count; w++)
         wait_infos[w] = (VkSemaphoreSubmitInfo){
            .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SUBMIT_INFO,
            .semaphore = waits[w],
            .value = wait_values[w],
            .stageMask = VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_2_TRANSFER_BIT,
         };
      for (unsigned c = 0; c < p->count; c++)
         cmd_infos[c] = (VkCommandBufferSubmitInfo){
            .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_SUBMIT_INFO,
            .commandBuffer = cmds[c],
         };
      VkSubmitInfo2 info = {
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO_2,
         .waitSemaphoreInfoCount = wait_count,
         .pWaitSemaphoreInfos = wait_infos,
         .commandBufferInfoCount = p->count,
         .pCommandBufferInfos = cmd_infos,
         .signalSemaphoreInfoCount = p->signal_progress,
         .pSignalSemaphoreInfos = &signal_info,
      };
      pthread_mutex_lock(&side->queue_lock);
      result = vkQueueSubmit2(side->queue, 1, &info, fence);
      pthread_mutex_unlock(&side->queue_lock);
      return result;
   }
   unsigned split = p->mode == 0 ? p->count : p->count / 2;
   VkSubmitInfo infos[2] = {
      {
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
         .pNext = &first_values,
         .waitSemaphoreCount = wait_count,
         .pWaitSemaphores = waits,
         .pWaitDstStageMask = wait_stages,
         .commandBufferCount = split,
         .pCommandBuffers = cmds,
      },
      {
         .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
         .commandBufferCount = p->count - split,
         .pCommandBuffers = cmds + split,
      },
   };
   VkSemaphore binary = p->mode ? l->binary[p->binary][s] : VK_NULL_HANDLE;
   VkPipelineStageFlags binary_stage = VK_PIPELINE_STAGE_ALL_COMMANDS_BIT;
   VkSubmitInfo *last = p->mode ? &infos[1] : &infos[0];
   if (p->mode) {
      infos[0].signalSemaphoreCount = 1;
      infos[0].pSignalSemaphores = &binary;
      infos[1].waitSemaphoreCount = 1;
      infos[1].pWaitSemaphores = &binary;
      infos[1].pWaitDstStageMask = &binary_stage;
   }
   VkSemaphore progress = l->progress[s];
   if (p->signal_progress) {
      last->signalSemaphoreCount = 1;
      last->pSignalSemaphores = &progress;
      /* The first batch's chain holds its waits' values: the last one's, its signal's. */
      if (last == &infos[0]) {
         first_values.signalSemaphoreValueCount = 1;
         first_values.pSignalSemaphoreValues = &signal_value;
      } else {
         last->pNext = &last_values;
      }
   }
   pthread_mutex_lock(&side->queue_lock);
   if (p->mode == 2) {
      result = vkQueueSubmit(side->queue, 1, &infos[0], VK_NULL_HANDLE);
      if (result == VK_SUCCESS)
         result = vkQueueSubmit(side->queue, 1, &infos[1], fence);
   } else {
      result = vkQueueSubmit(side->queue, p->mode ? 2 : 1, infos, fence);
   }
   pthread_mutex_unlock(&side->queue_lock);
   return result;
}

static int
op_submit(struct lane *l)
{
   struct submit_plan p = {.fence = -1, .binary = -1};
   unsigned most = l->ready_count < 3 ? l->ready_count : 3;
   p.count = (unsigned)rnd(l, most + 1);
   p.mode = (unsigned)rnd(l, 4);
   if (p.mode == 1 || p.mode == 2) {
      p.binary = PICK(l, 2, l->binary_seq[i] <= l->idle_seq);
      if (p.binary < 0)
         p.mode = 0;
   }
   if (chance(l, 2))
      p.fence = PICK(l, FENCE_SLOTS, l->fence[i].state == FENCE_UNSIGNALED);
   p.signal_progress = chance(l, 2);
   /* Not with a binary semaphore: Mesa's common queue code (lavapipe's) makes a submit that
    * signals one return only once its batch can run, after the gate's signal that this
    * operation makes after the submit returns. */
   p.wait_gate = p.binary < 0 && chance(l, 6);
   if (l->ring_count && chance(l, 4))
      p.wait_progress = l->ring[rnd(l, l->ring_count)].value;
   VkCommandBuffer cmds[SOAK_SIDES][CMD_SLOTS];
   for (unsigned c = 0; c < p.count; c++) {
      for (int s = 0; s < SOAK_SIDES; s++)
         cmds[s][c] = l->cmd[l->ready[c]].h[s];
   }
   VkResult r[SOAK_SIDES], signal[SOAK_SIDES] = {VK_SUCCESS, VK_SUCCESS};
   for (int s = 0; s < SOAK_SIDES; s++) {
      r[s] = submit_on(l, s, &p, cmds[s]);
      if (p.wait_gate) {
         /* Released at once, from the host, whatever the submit returned. */
         VkSemaphoreSignalInfo info = {
            .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
            .semaphore = l->gate[s],
            .value = l->gate_value + 1,
         };
         signal[s] = vkSignalSemaphore(l->run->sides[s].device, &info);
      }
   }
   if (p.wait_gate)
      l->gate_value++;
   /* The model: one seq per vkQueueSubmit call (mode 2 makes two). */
   uint64_t seq = l->submit_seq + (p.mode == 2 ? 2 : 1);
   l->submit_seq = seq;
   for (unsigned c = 0; c < p.count; c++) {
      struct cmd_slot *cmd = &l->cmd[l->ready[c]];
      cmd->state = CMD_SUBMITTED;
      l->rec_seq[cmd->rec] = seq;
   }
   memmove(l->ready, l->ready + p.count, (l->ready_count - p.count) * sizeof(l->ready[0]));
   l->ready_count -= p.count;
   if (p.fence >= 0) {
      l->fence[p.fence].state = FENCE_PENDING;
      l->fence[p.fence].seq = seq;
   }
   if (p.binary >= 0)
      l->binary_seq[p.binary] = seq;
   if (p.signal_progress) {
      l->progress_known = false;
      l->progress_value++;
      l->ring[l->ring_next].value = l->progress_value;
      l->ring[l->ring_next].seq = seq;
      l->ring_next = (l->ring_next + 1) % RING;
      if (l->ring_count < RING)
         l->ring_count++;
   }
   static const char *const names[] = {"vkQueueSubmit", "vkQueueSubmit (two batches)",
                                       "vkQueueSubmit (twice)", "vkQueueSubmit2"};
   if (!results(l, names[p.mode], r, VK_SUCCESS))
      return FAIL;
   return !p.wait_gate || results(l, "vkSignalSemaphore", signal, VK_SUCCESS) ? DONE : FAIL;
}

static int
op_wait_fences(struct lane *l)
{
   int picked[3];
   unsigned count = 0, want = 1 + (unsigned)rnd(l, 3);
   unsigned start = (unsigned)rnd(l, FENCE_SLOTS);
   for (unsigned k = 0; k < FENCE_SLOTS && count < want; k++) {
      int f = (int)((start + k) % FENCE_SLOTS);
      if (l->fence[f].state != FENCE_UNSIGNALED)
         picked[count++] = f;
   }
   if (!count)
      return SKIP;
   VkBool32 all = count == 1 || chance(l, 2);
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkFence fences[3];
      for (unsigned k = 0; k < count; k++)
         fences[k] = l->fence[picked[k]].h[s];
      r[s] = vkWaitForFences(l->run->sides[s].device, count, fences, all, IT_TIMEOUT_NS);
   }
   if (!results(l, "vkWaitForFences", r, VK_SUCCESS))
      return FAIL;
   /* With waitAll false, which one signalled is timing: the model learns nothing. */
   if (all) {
      for (unsigned k = 0; k < count; k++) {
         l->fence[picked[k]].state = FENCE_SIGNALED;
         completed(l, l->fence[picked[k]].seq);
      }
   }
   return DONE;
}

static int
op_fence_status(struct lane *l)
{
   int f = PICK(l, FENCE_SLOTS, l->fence[i].state != FENCE_PENDING);
   if (f < 0)
      return SKIP;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkGetFenceStatus(l->run->sides[s].device, l->fence[f].h[s]);
   return results(l, "vkGetFenceStatus", r,
                  l->fence[f].state == FENCE_SIGNALED ? VK_SUCCESS : VK_NOT_READY)
             ? DONE
             : FAIL;
}

static int
op_reset_fences(struct lane *l)
{
   int f = PICK(l, FENCE_SLOTS, l->fence[i].state != FENCE_PENDING);
   int g = f < 0 ? -1 : PICK(l, FENCE_SLOTS, l->fence[i].state != FENCE_PENDING && i != f);
   if (f < 0)
      return SKIP;
   unsigned count = g >= 0 && chance(l, 2) ? 2 : 1;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkFence fences[2] = {l->fence[f].h[s], g >= 0 ? l->fence[g].h[s] : VK_NULL_HANDLE};
      r[s] = vkResetFences(l->run->sides[s].device, count, fences);
   }
   l->fence[f].state = FENCE_UNSIGNALED;
   if (count == 2)
      l->fence[g].state = FENCE_UNSIGNALED;
   return results(l, "vkResetFences", r, VK_SUCCESS) ? DONE : FAIL;
}

static int
create_fence(struct lane *l, int f)
{
   bool signaled = chance(l, 3);
   VkFenceCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO,
      .flags = signaled ? VK_FENCE_CREATE_SIGNALED_BIT : 0,
   };
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      r[s] = vkCreateFence(l->run->sides[s].device, &info, NULL, &l->fence[f].h[s]);
      if (r[s] != VK_SUCCESS)
         l->fence[f].h[s] = VK_NULL_HANDLE;
   }
   l->fence[f].state = signaled ? FENCE_SIGNALED : FENCE_UNSIGNALED;
   l->fence[f].seq = 0;
   return results(l, "vkCreateFence", r, VK_SUCCESS) ? DONE : FAIL;
}

static int
op_recycle_fence(struct lane *l)
{
   int f = PICK(l, FENCE_SLOTS, l->fence[i].state != FENCE_PENDING);
   if (f < 0)
      return SKIP;
   for (int s = 0; s < SOAK_SIDES; s++)
      vkDestroyFence(l->run->sides[s].device, l->fence[f].h[s], NULL);
   return create_fence(l, f);
}

/* Both counters against the model; the progress one only once its last signal was waited for. */
static int
check_counters(struct lane *l)
{
   for (int which = 0; which < 2; which++) {
      if (which == 1 && !l->progress_known)
         break;
      uint64_t value[SOAK_SIDES];
      VkResult r[SOAK_SIDES];
      for (int s = 0; s < SOAK_SIDES; s++)
         r[s] = vkGetSemaphoreCounterValue(l->run->sides[s].device,
                                           which ? l->progress[s] : l->gate[s], &value[s]);
      l->counts[SOAK_OP_counter_value]++;
      if (!results(l, "vkGetSemaphoreCounterValue", r, VK_SUCCESS))
         return FAIL;
      uint64_t want = which ? l->progress_value : l->gate_value;
      if (value[0] != want || value[1] != want) {
         mismatch(l, which ? "progress counter" : "gate counter",
                  "vendor %" PRIu64 ", kronos %" PRIu64 ", expected %" PRIu64, value[0], value[1],
                  want);
         return FAIL;
      }
   }
   return DONE;
}

static int
op_wait_semaphores(struct lane *l)
{
   if (!l->ring_count)
      return SKIP;
   /* The latest value half the time, else any remembered one. */
   unsigned latest = (l->ring_next + RING - 1) % RING;
   unsigned k = chance(l, 2) ? latest : (unsigned)rnd(l, l->ring_count);
   bool any = chance(l, 4);
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      /* With WAIT_ANY, the gate (already at its value) satisfies it at once. */
      VkSemaphore semaphores[2] = {l->progress[s], l->gate[s]};
      uint64_t values[2] = {l->ring[k].value, l->gate_value};
      VkSemaphoreWaitInfo info = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO,
         .flags = any ? VK_SEMAPHORE_WAIT_ANY_BIT : 0,
         .semaphoreCount = any ? 2 : 1,
         .pSemaphores = semaphores,
         .pValues = values,
      };
      r[s] = vkWaitSemaphores(l->run->sides[s].device, &info, IT_TIMEOUT_NS);
   }
   if (!results(l, "vkWaitSemaphores", r, VK_SUCCESS))
      return FAIL;
   if (!any) {
      completed(l, l->ring[k].seq);
      /* Its latest value: no signal of it is left pending. */
      if (l->ring[k].value == l->progress_value)
         l->progress_known = true;
   }
   return check_counters(l);
}

static int
op_host_signal(struct lane *l)
{
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkSemaphoreSignalInfo info = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
         .semaphore = l->gate[s],
         .value = l->gate_value + 1,
      };
      r[s] = vkSignalSemaphore(l->run->sides[s].device, &info);
   }
   l->gate_value++;
   return results(l, "vkSignalSemaphore", r, VK_SUCCESS) ? DONE : FAIL;
}

static int
op_counter_value(struct lane *l)
{
   l->counts[SOAK_OP_counter_value]--; /* check_counters counts each query */
   return check_counters(l);
}

static int
wait_idle(struct lane *l, bool device)
{
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      struct soak_side *side = &l->run->sides[s];
      pthread_mutex_lock(&side->queue_lock);
      r[s] = device ? vkDeviceWaitIdle(side->device) : vkQueueWaitIdle(side->queue);
      pthread_mutex_unlock(&side->queue_lock);
   }
   if (!results(l, device ? "vkDeviceWaitIdle" : "vkQueueWaitIdle", r, VK_SUCCESS))
      return FAIL;
   completed(l, l->submit_seq);
   l->idle_seq = l->submit_seq;
   l->progress_known = true;
   for (int f = 0; f < FENCE_SLOTS; f++) {
      if (l->fence[f].state == FENCE_PENDING)
         l->fence[f].state = FENCE_SIGNALED;
   }
   return DONE;
}

static int
op_queue_idle(struct lane *l)
{
   return wait_idle(l, false);
}

static int
op_device_idle(struct lane *l)
{
   return wait_idle(l, true);
}

/* ---- Descriptor pools ---- */

static int
create_desc_pool(struct lane *l)
{
   l->desc_pool_frees = chance(l, 2);
   const VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2 * SET_SLOTS};
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      r[s] = it_create_descriptor_pool(
         l->run->sides[s].device,
         l->desc_pool_frees ? VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT : 0, SET_SLOTS,
         &size, 1, NULL, &l->desc_pool[s]);
      if (r[s] != VK_SUCCESS)
         l->desc_pool[s] = VK_NULL_HANDLE;
   }
   return results(l, "vkCreateDescriptorPool", r, VK_SUCCESS) ? DONE : FAIL;
}

static bool
sets_idle(const struct lane *l)
{
   for (int i = 0; i < SET_SLOTS; i++) {
      if (l->set[i].live && !rec_done(l, l->set[i].last_rec))
         return false;
   }
   return true;
}

static void
forget_sets(struct lane *l)
{
   for (int i = 0; i < SET_SLOTS; i++)
      memset(&l->set[i], 0, sizeof(l->set[i]));
}

static int
op_free_set(struct lane *l)
{
   int slot = PICK(l, SET_SLOTS, l->set[i].live && rec_done(l, l->set[i].last_rec));
   if (slot < 0 || !l->desc_pool_frees)
      return SKIP;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkFreeDescriptorSets(l->run->sides[s].device, l->desc_pool[s], 1, &l->set[slot].h[s]);
   memset(&l->set[slot], 0, sizeof(l->set[slot]));
   return results(l, "vkFreeDescriptorSets", r, VK_SUCCESS) ? DONE : FAIL;
}

static int
op_reset_desc_pool(struct lane *l)
{
   if (!sets_idle(l))
      return SKIP;
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++)
      r[s] = vkResetDescriptorPool(l->run->sides[s].device, l->desc_pool[s], 0);
   forget_sets(l);
   return results(l, "vkResetDescriptorPool", r, VK_SUCCESS) ? DONE : FAIL;
}

static int
op_recreate_desc_pool(struct lane *l)
{
   if (!sets_idle(l))
      return SKIP;
   for (int s = 0; s < SOAK_SIDES; s++)
      vkDestroyDescriptorPool(l->run->sides[s].device, l->desc_pool[s], NULL);
   forget_sets(l);
   return create_desc_pool(l);
}

/* ---- The generator ---- */

static const struct {
   int (*run)(struct lane *l);
   unsigned weight;
   bool records; /* needs a command buffer recording */
} ops[SOAK_OP_COUNT] = {
   [SOAK_OP_alloc_memory] = {op_alloc_memory, 6, false},
   [SOAK_OP_free_memory] = {op_free_memory, 5, false},
   [SOAK_OP_check_memory] = {op_check_memory, 3, false},
   [SOAK_OP_map_toggle] = {op_map_toggle, 2, false},
   [SOAK_OP_create_buffer] = {op_create_buffer, 3, false},
   [SOAK_OP_destroy_buffer] = {op_destroy_buffer, 2, false},
   [SOAK_OP_host_write] = {op_host_write, 3, false},
   [SOAK_OP_readback] = {op_readback, 4, false},
   [SOAK_OP_begin] = {op_begin, 0, false}, /* made when a recording operation needs it */
   [SOAK_OP_end] = {op_end, 4, true},
   [SOAK_OP_fill] = {op_fill, 8, true},
   [SOAK_OP_update] = {op_update, 6, true},
   [SOAK_OP_copy] = {op_copy, 8, true},
   [SOAK_OP_dispatch] = {op_dispatch, 8, true},
   [SOAK_OP_barrier] = {op_barrier, 3, true},
   [SOAK_OP_submit] = {op_submit, 6, false},
   [SOAK_OP_wait_fences] = {op_wait_fences, 3, false},
   [SOAK_OP_fence_status] = {op_fence_status, 2, false},
   [SOAK_OP_reset_fences] = {op_reset_fences, 2, false},
   [SOAK_OP_recycle_fence] = {op_recycle_fence, 1, false},
   [SOAK_OP_wait_semaphores] = {op_wait_semaphores, 3, false},
   [SOAK_OP_host_signal] = {op_host_signal, 1, false},
   [SOAK_OP_counter_value] = {op_counter_value, 1, false},
   [SOAK_OP_queue_idle] = {op_queue_idle, 1, false},
   [SOAK_OP_device_idle] = {op_device_idle, 1, false},
   [SOAK_OP_reset_cmd] = {op_reset_cmd, 1, false},
   [SOAK_OP_reset_cmd_pool] = {op_reset_cmd_pool, 1, false},
   [SOAK_OP_realloc_cmd] = {op_realloc_cmd, 1, false},
   [SOAK_OP_discard_cmd] = {op_discard_cmd, 1, false},
   [SOAK_OP_free_set] = {op_free_set, 2, false},
   [SOAK_OP_reset_desc_pool] = {op_reset_desc_pool, 1, false},
   [SOAK_OP_recreate_desc_pool] = {op_recreate_desc_pool, 1, false},
};

static enum soak_op
pick_op(struct lane *l)
{
   unsigned total = 0;
   for (int k = 0; k < SOAK_OP_COUNT; k++)
      total += ops[k].weight;
   unsigned x = (unsigned)rnd(l, total);
   enum soak_op kind = 0;
   for (int k = 0; k < SOAK_OP_COUNT; k++) {
      if (x < ops[k].weight) {
         kind = (enum soak_op)k;
         break;
      }
      x -= ops[k].weight;
   }
   if (ops[kind].records && l->open < 0)
      return SOAK_OP_begin;
   if (ops[kind].records && l->cmd[l->open].commands >= MAX_COMMANDS)
      return SOAK_OP_end;
   return kind;
}

/* Runs one operation of kind (counted when done). */
static int
step(struct lane *l, enum soak_op kind)
{
   l->op_name = soak_op_names[kind];
   int done = ops[kind].run(l);
   if (done == DONE) {
      l->counts[kind]++;
      l->op++;
   }
   return done;
}

/* How many operations counted so far (sets allocated and written, barriers and counter
 * queries made inside others included: each is an API call whose result was compared). */
static uint64_t
counted(const struct lane *l)
{
   uint64_t n = 0;
   for (int k = 0; k < SOAK_OP_COUNT; k++)
      n += l->counts[k];
   return n;
}

static bool
setup(struct lane *l)
{
   VkResult r[SOAK_SIDES];
   for (int s = 0; s < SOAK_SIDES; s++) {
      const struct soak_side *side = &l->run->sides[s];
      r[s] = it_create_command_pool(
         side->device, 0, VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, NULL, &l->cmd_pool[s]);
      if (r[s] != VK_SUCCESS)
         l->cmd_pool[s] = VK_NULL_HANDLE;
   }
   if (!results(l, "vkCreateCommandPool", r, VK_SUCCESS))
      return false;
   for (int i = 0; i < CMD_SLOTS; i++) {
      for (int s = 0; s < SOAK_SIDES; s++)
         r[s] = it_allocate_command_buffers(l->run->sides[s].device, l->cmd_pool[s],
                                            VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &l->cmd[i].h[s]);
      if (!results(l, "vkAllocateCommandBuffers", r, VK_SUCCESS))
         return false;
   }
   for (int f = 0; f < FENCE_SLOTS; f++) {
      if (create_fence(l, f) != DONE)
         return false;
   }
   if (create_desc_pool(l) != DONE)
      return false;
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkDevice device = l->run->sides[s].device;
      VkSemaphoreTypeCreateInfo timeline = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
         .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
      };
      VkSemaphoreCreateInfo info = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
                                    .pNext = &timeline};
      r[s] = vkCreateSemaphore(device, &info, NULL, &l->progress[s]);
      if (r[s] == VK_SUCCESS)
         r[s] = vkCreateSemaphore(device, &info, NULL, &l->gate[s]);
      info.pNext = NULL;
      for (int b = 0; b < 2 && r[s] == VK_SUCCESS; b++)
         r[s] = vkCreateSemaphore(device, &info, NULL, &l->binary[b][s]);
   }
   return results(l, "vkCreateSemaphore", r, VK_SUCCESS);
}

/* Ends and submits what is recorded, then waits for the queue. */
static bool
settle(struct lane *l)
{
   if (l->open >= 0 && step(l, SOAK_OP_end) != DONE)
      return false;
   while (l->ready_count) {
      if (step(l, SOAK_OP_submit) != DONE)
         return false;
   }
   return step(l, SOAK_OP_queue_idle) == DONE;
}

/* settle, then reads every buffer back and checks the counters. */
static bool
drain(struct lane *l)
{
   if (!settle(l))
      return false;
   for (int b = 0; b < BUF_SLOTS; b++) {
      if (l->buf[b].live) {
         l->op_name = "readback";
         if (check_buffer(l, b) != DONE)
            return false;
         l->counts[SOAK_OP_readback]++;
      }
   }
   l->op_name = "counter_value";
   return check_counters(l) == DONE;
}

/* Destroys everything the lane made (the queue must have no work of it left). */
static void
teardown(struct lane *l)
{
   for (int s = 0; s < SOAK_SIDES; s++) {
      /* Releases a submit that still waits on the gate after a failure. */
      VkSemaphoreSignalInfo info = {
         .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
         .semaphore = l->gate[s],
         .value = l->gate_value + 1,
      };
      if (l->gate[s])
         vkSignalSemaphore(l->run->sides[s].device, &info);
      pthread_mutex_lock(&l->run->sides[s].queue_lock);
      vkQueueWaitIdle(l->run->sides[s].queue);
      pthread_mutex_unlock(&l->run->sides[s].queue_lock);
   }
   for (int i = 0; i < MEM_SLOTS; i++)
      free_mem_slot(l, &l->mem[i]);
   for (int i = 0; i < BUF_SLOTS; i++)
      destroy_buf_slot(l, &l->buf[i]);
   for (int s = 0; s < SOAK_SIDES; s++) {
      VkDevice device = l->run->sides[s].device;
      for (int f = 0; f < FENCE_SLOTS; f++)
         vkDestroyFence(device, l->fence[f].h[s], NULL);
      vkDestroySemaphore(device, l->progress[s], NULL);
      vkDestroySemaphore(device, l->gate[s], NULL);
      for (int b = 0; b < 2; b++)
         vkDestroySemaphore(device, l->binary[b][s], NULL);
      vkDestroyDescriptorPool(device, l->desc_pool[s], NULL);
      vkDestroyCommandPool(device, l->cmd_pool[s], NULL);
   }
   free(l->rec_seq);
}

bool
soak_lane_run(struct soak_run *run, unsigned index, uint64_t quota, uint64_t counts[SOAK_OP_COUNT])
{
   struct lane *l = calloc(1, sizeof(*l));
   if (!l) {
      fprintf(stderr, "soak: out of memory\n");
      return false;
   }
   l->run = run;
   l->index = index;
   l->counts = counts;
   l->open = -1;
   l->next_rec = 1;
   l->progress_known = true;
   /* Each lane's own sequence: the seed and the lane's index. */
   l->rng = run->seed ^ (0x9e3779b97f4a7c15ull * (index + 1));
   l->op_name = "setup";
   bool ok = setup(l);
   while (ok && counted(l) < quota && !atomic_load(&run->failed)) {
      int done = SKIP;
      /* An operation not possible now: another one (host_signal always is). */
      for (int tries = 0; tries < 8 && done == SKIP; tries++)
         done = step(l, pick_op(l));
      if (done == SKIP)
         done = step(l, SOAK_OP_host_signal);
      ok = done == DONE;
      if (ok && run->verbose && l->op % 10000 == 0)
         printf("soak: thread %u at %" PRIu64 " operations\n", index, counted(l));
   }
   ok = ok && !atomic_load(&run->failed) && drain(l);
   teardown(l);
   free(l);
   return ok;
}
