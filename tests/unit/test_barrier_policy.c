/* SPDX-License-Identifier: MIT */
/* Unit tests of the smart barrier policy's tracker (src/kr_barrier_policy.h): targeted cases
 * (hazards and non-hazards, the wildcards of earlier submits and untracked commands, sync1's
 * TOP_OF_PIPE and BOTTOM_OF_PIPE, aggregate stage and access bits, requests kept, merged and
 * counted, barrier-like pass-through commands, overflow, allocation failure, reuse), then a
 * brute-force checker: random command streams recorded through the tracker, every conflicting
 * pair of accesses checked against a reference model of Vulkan's ordering rules written here
 * from the specification's synchronization chapter, not from the tracker.
 *
 * The model: execution dependency chains (a barrier's first synchronization scope meets an
 * earlier one's second), memory dependencies (availability in the first access scope, or
 * chained after one; visibility in the second), logically earlier/later stages in the
 * synchronization scopes only, sync1's TOP/BOTTOM_OF_PIPE, ALL_COMMANDS, ALL_TRANSFER,
 * SHADER_READ/WRITE, MEMORY_READ/WRITE. Earlier submits are accesses of every class to every
 * byte, also writes their own barriers already made available; untracked commands read and
 * write every byte in their stages; after the end comes the next submit, whatever it does.
 * For every pair the application's barriers order (read-after-write, write-after-read,
 * write-after-write), the barriers the tracker gives the vendor must order it too. Every stream
 * is recorded twice: whole, and as the driver records (the tracker begun at the first request,
 * commands held back while nothing is pending: src/kr_barrier_defer.h); both are checked, and
 * must decide alike.
 *
 * The checker runs KRONOS_BARRIER_CHECK_STREAMS random streams (default 50000) from the seed
 * KRONOS_BARRIER_CHECK_SEED; every stream has its own generator (from the seed and its index),
 * so KRONOS_BARRIER_CHECK_FIRST=<index> KRONOS_BARRIER_CHECK_STREAMS=1 replays one alone. A
 * failure prints the seed, the stream's index, the stream and the pair. The nightly run:
 *
 *    KRONOS_BARRIER_CHECK_STREAMS=1000000 meson test -C build barrier_policy -t 0 -v
 *
 * (-t 0: no time limit; about 25 s. Or run build/tests/unit/test_barrier_policy with the
 * variable set.) */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <vulkan/vulkan.h>

#include "kr_barrier_policy.h"
#include "test_counting.h"
#include "test_random.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Short names for the synchronization2 bits the tests use. */
#define S_NONE VK_PIPELINE_STAGE_2_NONE
#define S_TOP VK_PIPELINE_STAGE_2_TOP_OF_PIPE_BIT
#define S_BOTTOM VK_PIPELINE_STAGE_2_BOTTOM_OF_PIPE_BIT
#define S_INDIRECT VK_PIPELINE_STAGE_2_DRAW_INDIRECT_BIT
#define S_COMPUTE VK_PIPELINE_STAGE_2_COMPUTE_SHADER_BIT
#define S_TRANSFER VK_PIPELINE_STAGE_2_ALL_TRANSFER_BIT /* sync1's TRANSFER: the same bit */
#define S_COPY VK_PIPELINE_STAGE_2_COPY_BIT
#define S_CLEAR VK_PIPELINE_STAGE_2_CLEAR_BIT
#define S_RESOLVE VK_PIPELINE_STAGE_2_RESOLVE_BIT
#define S_BLIT VK_PIPELINE_STAGE_2_BLIT_BIT
#define S_HOST VK_PIPELINE_STAGE_2_HOST_BIT
#define S_ALL VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT

#define A_INDIRECT VK_ACCESS_2_INDIRECT_COMMAND_READ_BIT
#define A_UNIFORM VK_ACCESS_2_UNIFORM_READ_BIT
#define A_SHADER_READ VK_ACCESS_2_SHADER_READ_BIT
#define A_SHADER_WRITE VK_ACCESS_2_SHADER_WRITE_BIT
#define A_SAMPLED VK_ACCESS_2_SHADER_SAMPLED_READ_BIT
#define A_STORAGE_READ VK_ACCESS_2_SHADER_STORAGE_READ_BIT
#define A_STORAGE_WRITE VK_ACCESS_2_SHADER_STORAGE_WRITE_BIT
#define A_TRANSFER_READ VK_ACCESS_2_TRANSFER_READ_BIT
#define A_TRANSFER_WRITE VK_ACCESS_2_TRANSFER_WRITE_BIT
#define A_HOST_READ VK_ACCESS_2_HOST_READ_BIT
#define A_HOST_WRITE VK_ACCESS_2_HOST_WRITE_BIT
#define A_MEMORY_READ VK_ACCESS_2_MEMORY_READ_BIT
#define A_MEMORY_WRITE VK_ACCESS_2_MEMORY_WRITE_BIT

/* Vendor memories (any value names one) */
#define MEM_A 0x5a000010ull
#define MEM_B 0x5a000020ull
#define MEM_C 0xfffffffffffff000ull

static struct kr_barrier_masks
bar(VkPipelineStageFlags2 src_stages, VkAccessFlags2 src_access, VkPipelineStageFlags2 dst_stages,
    VkAccessFlags2 dst_access)
{
   return (struct kr_barrier_masks){
      .src_stages = src_stages,
      .dst_stages = dst_stages,
      .src_access = src_access,
      .dst_access = dst_access,
   };
}

static struct kr_barrier_masks
full_barrier(void)
{
   return bar(S_ALL, A_MEMORY_WRITE, S_ALL, A_MEMORY_READ | A_MEMORY_WRITE);
}

static struct kr_barrier_masks
compute_barrier(void)
{
   return bar(S_COMPUTE, A_SHADER_WRITE, S_COMPUTE, A_SHADER_READ);
}

static struct kr_barrier_access
acc(uint64_t memory, uint64_t begin, uint64_t end, enum kr_barrier_access_kind kind)
{
   return (struct kr_barrier_access){.memory = memory, .begin = begin, .end = end, .kind = kind};
}

static bool
masks_equal(const struct kr_barrier_masks *a, const struct kr_barrier_masks *b)
{
   return a->src_stages == b->src_stages && a->dst_stages == b->dst_stages &&
          a->src_access == b->src_access && a->dst_access == b->dst_access;
}

static void
masks_add(struct kr_barrier_masks *to, const struct kr_barrier_masks *m)
{
   to->src_stages |= m->src_stages;
   to->dst_stages |= m->dst_stages;
   to->src_access |= m->src_access;
   to->dst_access |= m->dst_access;
}

/* --- names, for the failure reports ------------------------------------------------------- */

struct bit_name {
   uint64_t bit;
   const char *name;
};

static const char *
bit_names(char *buf, size_t size, uint64_t mask, const struct bit_name *names, size_t count)
{
   size_t used = 0;
   buf[0] = '\0';
   if (!mask)
      return "0";
   for (size_t i = 0; i < count && used < size; i++) {
      if (mask & names[i].bit) {
         used += snprintf(buf + used, size - used, "%s%s", used ? "|" : "", names[i].name);
         mask &= ~names[i].bit;
      }
   }
   if (mask && used < size)
      snprintf(buf + used, size - used, "%s%#" PRIx64, used ? "|" : "", mask);
   return buf;
}

static const char *
stage_names(char *buf, size_t size, VkPipelineStageFlags2 mask)
{
   const struct bit_name names[] = {
      {S_TOP, "TOP"},       {S_BOTTOM, "BOTTOM"},         {S_INDIRECT, "INDIRECT"},
      {S_COMPUTE, "COMPUTE"}, {S_TRANSFER, "ALL_TRANSFER"}, {S_COPY, "COPY"},
      {S_CLEAR, "CLEAR"},   {S_RESOLVE, "RESOLVE"},       {S_BLIT, "BLIT"},
      {S_HOST, "HOST"},     {S_ALL, "ALL_COMMANDS"},
   };
   return bit_names(buf, size, mask, names, ARRAY_SIZE(names));
}

static const char *
access_names(char *buf, size_t size, VkAccessFlags2 mask)
{
   const struct bit_name names[] = {
      {A_INDIRECT, "INDIRECT_READ"},     {A_UNIFORM, "UNIFORM_READ"},
      {A_SHADER_READ, "SHADER_READ"},    {A_SHADER_WRITE, "SHADER_WRITE"},
      {A_SAMPLED, "SAMPLED_READ"},       {A_STORAGE_READ, "STORAGE_READ"},
      {A_STORAGE_WRITE, "STORAGE_WRITE"}, {A_TRANSFER_READ, "TRANSFER_READ"},
      {A_TRANSFER_WRITE, "TRANSFER_WRITE"}, {A_HOST_READ, "HOST_READ"},
      {A_HOST_WRITE, "HOST_WRITE"},      {A_MEMORY_READ, "MEMORY_READ"},
      {A_MEMORY_WRITE, "MEMORY_WRITE"},
   };
   return bit_names(buf, size, mask, names, ARRAY_SIZE(names));
}

static void
print_masks(const char *what, const struct kr_barrier_masks *m)
{
   char a[160], b[160], c[160], d[160];
   print_message("%s %s/%s -> %s/%s\n", what, stage_names(a, sizeof(a), m->src_stages),
                 access_names(b, sizeof(b), m->src_access),
                 stage_names(c, sizeof(c), m->dst_stages),
                 access_names(d, sizeof(d), m->dst_access));
}

static const char *
kind_name(enum kr_barrier_access_kind kind)
{
   static const char *const names[KR_ACCESS_KIND_COUNT] = {
      [KR_ACCESS_SHADER_STORAGE_READ] = "storage-read",
      [KR_ACCESS_SHADER_UNIFORM_READ] = "uniform-read",
      [KR_ACCESS_SHADER_SAMPLED_READ] = "sampled-read",
      [KR_ACCESS_SHADER_STORAGE_WRITE] = "storage-write",
      [KR_ACCESS_COPY_READ] = "copy-read",
      [KR_ACCESS_COPY_WRITE] = "copy-write",
      [KR_ACCESS_CLEAR_WRITE] = "clear-write",
      [KR_ACCESS_INDIRECT_READ] = "indirect-read",
   };
   return (unsigned)kind < KR_ACCESS_KIND_COUNT ? names[kind] : "?";
}

/* --- the reference model ------------------------------------------------------------------ */

/* The model's own names for the pipeline stages that work on a compute queue runs in (bits of a
 * stage set), the access types of that work, and the (stage, type) pairs an access can be: its
 * classes (bits of a class set). Written from the specification, not from the tracker. */
enum model_stage {
   MS_INDIRECT, /* DRAW_INDIRECT: a dispatch reads its indirect arguments there */
   MS_COMPUTE,
   MS_COPY,
   MS_CLEAR,
   MS_RESOLVE,
   MS_BLIT,
   MS_HOST, /* the host's reads and writes (after a fence): never a command's */
   MS_COUNT
};

#define MS_BIT(s) (1u << (s))
#define MS_ALL ((1u << MS_COUNT) - 1)
#define MS_COMMANDS (MS_ALL & ~MS_BIT(MS_HOST))
#define MS_TRANSFERS (MS_BIT(MS_COPY) | MS_BIT(MS_CLEAR) | MS_BIT(MS_RESOLVE) | MS_BIT(MS_BLIT))

enum model_type {
   MT_INDIRECT_READ,
   MT_UNIFORM_READ,
   MT_SAMPLED_READ,
   MT_STORAGE_READ,
   MT_STORAGE_WRITE,
   MT_TRANSFER_READ,
   MT_TRANSFER_WRITE,
   MT_HOST_READ,
   MT_HOST_WRITE,
   MT_COUNT
};

#define MT_BIT(t) (1u << (t))
#define MT_ALL ((1u << MT_COUNT) - 1)
#define MT_WRITES (MT_BIT(MT_STORAGE_WRITE) | MT_BIT(MT_TRANSFER_WRITE) | MT_BIT(MT_HOST_WRITE))
#define MT_READS (MT_ALL & ~MT_WRITES)

enum model_class_id {
   MC_INDIRECT_READ,
   MC_UNIFORM_READ,
   MC_SAMPLED_READ,
   MC_STORAGE_READ,
   MC_STORAGE_WRITE,
   MC_COPY_READ,
   MC_COPY_WRITE,
   MC_CLEAR_WRITE,
   MC_RESOLVE_READ,
   MC_RESOLVE_WRITE,
   MC_BLIT_READ,
   MC_BLIT_WRITE,
   MC_HOST_READ,
   MC_HOST_WRITE,
   MC_COUNT
};

struct model_class {
   enum model_stage stage;
   enum model_type type;
   const char *name;
};

static const struct model_class model_classes[MC_COUNT] = {
   [MC_INDIRECT_READ] = {MS_INDIRECT, MT_INDIRECT_READ, "indirect/indirect-read"},
   [MC_UNIFORM_READ] = {MS_COMPUTE, MT_UNIFORM_READ, "compute/uniform-read"},
   [MC_SAMPLED_READ] = {MS_COMPUTE, MT_SAMPLED_READ, "compute/sampled-read"},
   [MC_STORAGE_READ] = {MS_COMPUTE, MT_STORAGE_READ, "compute/storage-read"},
   [MC_STORAGE_WRITE] = {MS_COMPUTE, MT_STORAGE_WRITE, "compute/storage-write"},
   [MC_COPY_READ] = {MS_COPY, MT_TRANSFER_READ, "copy/transfer-read"},
   [MC_COPY_WRITE] = {MS_COPY, MT_TRANSFER_WRITE, "copy/transfer-write"},
   [MC_CLEAR_WRITE] = {MS_CLEAR, MT_TRANSFER_WRITE, "clear/transfer-write"},
   [MC_RESOLVE_READ] = {MS_RESOLVE, MT_TRANSFER_READ, "resolve/transfer-read"},
   [MC_RESOLVE_WRITE] = {MS_RESOLVE, MT_TRANSFER_WRITE, "resolve/transfer-write"},
   [MC_BLIT_READ] = {MS_BLIT, MT_TRANSFER_READ, "blit/transfer-read"},
   [MC_BLIT_WRITE] = {MS_BLIT, MT_TRANSFER_WRITE, "blit/transfer-write"},
   [MC_HOST_READ] = {MS_HOST, MT_HOST_READ, "host/host-read"},
   [MC_HOST_WRITE] = {MS_HOST, MT_HOST_WRITE, "host/host-write"},
};

#define MC_BIT(c) (1u << (c))

static bool
model_class_writes(uint32_t c)
{
   return (MT_WRITES & MT_BIT(model_classes[c].type)) != 0;
}

/* The classes in these stages with these types. */
static uint32_t
model_classes_of(uint32_t stages, uint32_t types)
{
   uint32_t set = 0;
   for (uint32_t c = 0; c < MC_COUNT; c++) {
      if ((stages & MS_BIT(model_classes[c].stage)) && (types & MT_BIT(model_classes[c].type)))
         set |= MC_BIT(c);
   }
   return set;
}

/* The classes of a tracked access kind, from the header's descriptions: shader accesses are
 * compute shader ones, vkCmdCopyBuffer's in the COPY stage, indirect arguments in
 * DRAW_INDIRECT. vkCmdFillBuffer and vkCmdUpdateBuffer are read as clears by some and as copies
 * by others: their write is either, and the checker holds the tracker to both readings (what
 * the application orders in one reading, the vendor must order in that reading). */
static uint32_t
model_kind_classes(enum kr_barrier_access_kind kind)
{
   switch (kind) {
   case KR_ACCESS_SHADER_STORAGE_READ:
      return MC_BIT(MC_STORAGE_READ);
   case KR_ACCESS_SHADER_UNIFORM_READ:
      return MC_BIT(MC_UNIFORM_READ);
   case KR_ACCESS_SHADER_SAMPLED_READ:
      return MC_BIT(MC_SAMPLED_READ);
   case KR_ACCESS_SHADER_STORAGE_WRITE:
      return MC_BIT(MC_STORAGE_WRITE);
   case KR_ACCESS_COPY_READ:
      return MC_BIT(MC_COPY_READ);
   case KR_ACCESS_COPY_WRITE:
      return MC_BIT(MC_COPY_WRITE);
   case KR_ACCESS_CLEAR_WRITE:
      return MC_BIT(MC_CLEAR_WRITE) | MC_BIT(MC_COPY_WRITE);
   case KR_ACCESS_INDIRECT_READ:
      return MC_BIT(MC_INDIRECT_READ);
   default:
      fail_msg("no access kind %d", (int)kind);
      return 0;
   }
}

/* The stages a stage mask names: ALL_TRANSFER (sync1's TRANSFER) is COPY, CLEAR, RESOLVE and
 * BLIT; ALL_COMMANDS is every stage, HOST included as the validation layers' synchronization
 * model has it. TOP_OF_PIPE and BOTTOM_OF_PIPE name none here: the scopes treat them apart.
 * Logically earlier and later stages are not added here either. */
static uint32_t
model_named_stages(VkPipelineStageFlags2 mask)
{
   const struct {
      VkPipelineStageFlags2 bit;
      uint32_t stages;
   } table[] = {
      {S_TOP, 0},
      {S_BOTTOM, 0},
      {S_INDIRECT, MS_BIT(MS_INDIRECT)},
      {S_COMPUTE, MS_BIT(MS_COMPUTE)},
      {S_TRANSFER, MS_TRANSFERS},
      {S_COPY, MS_BIT(MS_COPY)},
      {S_CLEAR, MS_BIT(MS_CLEAR)},
      {S_RESOLVE, MS_BIT(MS_RESOLVE)},
      {S_BLIT, MS_BIT(MS_BLIT)},
      {S_HOST, MS_BIT(MS_HOST)},
      {S_ALL, MS_ALL},
   };
   uint32_t stages = 0;
   for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
      if (mask & table[i].bit) {
         stages |= table[i].stages;
         mask &= ~table[i].bit;
      }
   }
   if (mask)
      fail_msg("the model does not know stage bits %#" PRIx64, mask);
   return stages;
}

/* A source stage mask's synchronization scope also holds the logically earlier stages, a
 * destination's the logically later ones. In the compute pipeline DRAW_INDIRECT comes before
 * COMPUTE_SHADER; transfer and host stages have no order among themselves. */
static uint32_t
model_with_earlier(uint32_t stages)
{
   if (stages & MS_BIT(MS_COMPUTE))
      stages |= MS_BIT(MS_INDIRECT);
   return stages;
}

static uint32_t
model_with_later(uint32_t stages)
{
   if (stages & MS_BIT(MS_INDIRECT))
      stages |= MS_BIT(MS_COMPUTE);
   return stages;
}

/* The access types an access mask names: SHADER_READ is the uniform, sampled and storage
 * reads, SHADER_WRITE the storage writes; MEMORY_READ and MEMORY_WRITE every read and write. */
static uint32_t
model_types(VkAccessFlags2 mask)
{
   const struct {
      VkAccessFlags2 bit;
      uint32_t types;
   } table[] = {
      {A_INDIRECT, MT_BIT(MT_INDIRECT_READ)},
      {A_UNIFORM, MT_BIT(MT_UNIFORM_READ)},
      {A_SHADER_READ,
       MT_BIT(MT_UNIFORM_READ) | MT_BIT(MT_SAMPLED_READ) | MT_BIT(MT_STORAGE_READ)},
      {A_SHADER_WRITE, MT_BIT(MT_STORAGE_WRITE)},
      {A_SAMPLED, MT_BIT(MT_SAMPLED_READ)},
      {A_STORAGE_READ, MT_BIT(MT_STORAGE_READ)},
      {A_STORAGE_WRITE, MT_BIT(MT_STORAGE_WRITE)},
      {A_TRANSFER_READ, MT_BIT(MT_TRANSFER_READ)},
      {A_TRANSFER_WRITE, MT_BIT(MT_TRANSFER_WRITE)},
      {A_HOST_READ, MT_BIT(MT_HOST_READ)},
      {A_HOST_WRITE, MT_BIT(MT_HOST_WRITE)},
      {A_MEMORY_READ, MT_READS},
      {A_MEMORY_WRITE, MT_WRITES},
   };
   uint32_t types = 0;
   for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
      if (mask & table[i].bit) {
         types |= table[i].types;
         mask &= ~table[i].bit;
      }
   }
   if (mask)
      fail_msg("the model does not know access bits %#" PRIx64, mask);
   return types;
}

/* A barrier as the model sees it: its two synchronization scopes (stage sets, with logically
 * earlier or later stages) and its two access scopes (class sets, without them). */
struct model_barrier {
   uint32_t exec_src, exec_dst;
   uint32_t access_src, access_dst;
};

/* Synchronization2 (and synchronization1 alike): TOP_OF_PIPE is no stage in a first scope and
 * ALL_COMMANDS with no access in a second; BOTTOM_OF_PIPE is ALL_COMMANDS with no access in a
 * first scope and no stage in a second. */
static struct model_barrier
model_barrier(const struct kr_barrier_masks *m)
{
   const uint32_t src = model_named_stages(m->src_stages);
   const uint32_t dst = model_named_stages(m->dst_stages);
   return (struct model_barrier){
      .exec_src = model_with_earlier(src) | ((m->src_stages & S_BOTTOM) ? MS_ALL : 0),
      .exec_dst = model_with_later(dst) | ((m->dst_stages & S_TOP) ? MS_ALL : 0),
      .access_src = model_classes_of(src, model_types(m->src_access)),
      .access_dst = model_classes_of(dst, model_types(m->dst_access)),
   };
}

/* One earlier access of one class, whose ordering before later accesses the model follows. */
struct model_elem {
   uint32_t stage; /* its stage (a stage set of one) */
   int32_t cls;    /* its class; -1: an earlier submit's write already made available */
   bool write;
};

/* What the barriers after an earlier access do for it: the stages its execution dependency
 * chains reach; for a write, the stages chained after an availability operation of it, and
 * the classes of later access it is visible to. */
struct model_state {
   uint32_t exec, avail, visible;
};

static void
model_apply(struct model_state *st, const struct model_elem *e, const struct model_barrier *b)
{
   /* The barrier's first synchronization scope holds e itself or continues a chain: one of the
    * earlier barriers' second scopes (after e) meets this first scope. */
   if (!(b->exec_src & (e->stage | st->exec)))
      return;
   st->exec |= b->exec_dst;
   if (!e->write)
      return;
   /* A memory dependency: its first access scope holds e (an availability operation), or it
    * chains after one; its visibility operation then covers its second access scope. */
   const bool available_here = e->cls >= 0 && (b->access_src & MC_BIT(e->cls));
   if (available_here || (b->exec_src & st->avail)) {
      st->avail |= b->exec_dst;
      st->visible |= b->access_dst;
   }
}

/* The classes of later accesses ordered after e: for a write those it is visible to
 * (read-after-write and write-after-write need a memory dependency), for a read the writes in
 * stages its execution dependency chains reach (write-after-read needs execution only). */
static uint32_t
model_ordered(const struct model_state *st, const struct model_elem *e)
{
   if (e->write)
      return st->visible;
   return model_classes_of(st->exec, MT_WRITES);
}

/* --- streams ------------------------------------------------------------------------------ */

enum item_type {
   ITEM_COMMAND,   /* a tracked command */
   ITEM_BARRIER,   /* an application barrier (a request) */
   ITEM_UNTRACKED, /* a command the policy does not understand */
};

#define MAX_ACCESSES 3

struct item {
   enum item_type type;
   uint32_t access_count;
   struct kr_barrier_access accesses[MAX_ACCESSES];
   /* a barrier's masks; an untracked command's pass-through barrier (an image barrier, an event
    * wait) that both the application's stream and the vendor's keep where it is */
   struct kr_barrier_masks masks;
   bool pass;
   /* an untracked command's */
   VkPipelineStageFlags2 stages;
   VkAccessFlags2 writes;
   enum kronos_barrier_reason why;
   /* what the tracker did: a vendor barrier before the command, or dropped the request */
   bool emitted, dropped;
   struct kr_barrier_emit emit;
};

struct stream {
   struct item *items;
   uint32_t count, capacity;
   bool end_emitted;
   struct kr_barrier_emit end;
   struct kr_barrier_counts counts;
   uint32_t vendor_barriers;
   const char *label; /* for the failure reports: which stream */
   /* Record as kr_barrier_record.c does: the tracker begins at the first request and is given
    * nothing before it (the wildcard of earlier submits stands for those commands). */
   bool from_first_request;
};

static void *
grow(void *array, uint32_t *capacity, uint32_t needed, size_t size)
{
   if (needed <= *capacity)
      return array;
   uint32_t cap = *capacity ? *capacity : 16;
   while (cap < needed)
      cap *= 2;
   array = realloc(array, (size_t)cap * size);
   assert_non_null(array);
   *capacity = cap;
   return array;
}

static void
stream_reset(struct stream *s)
{
   s->count = 0;
   s->end_emitted = false;
   s->vendor_barriers = 0;
}

static void
stream_free(struct stream *s)
{
   free(s->items);
   memset(s, 0, sizeof(*s));
}

static struct item *
stream_add(struct stream *s, enum item_type type)
{
   s->items = grow(s->items, &s->capacity, s->count + 1, sizeof(*s->items));
   struct item *it = &s->items[s->count++];
   memset(it, 0, sizeof(*it));
   it->type = type;
   return it;
}

/* Adds a tracked command; returns its index. */
static uint32_t
stream_command(struct stream *s, uint32_t count, const struct kr_barrier_access *accesses)
{
   assert_true(count <= MAX_ACCESSES);
   struct item *it = stream_add(s, ITEM_COMMAND);
   it->access_count = count;
   if (count)
      memcpy(it->accesses, accesses, count * sizeof(*accesses));
   return s->count - 1;
}

/* A tracked command with these accesses. */
#define COMMAND(s, ...)                                                                         \
   stream_command((s), ARRAY_SIZE(((struct kr_barrier_access[]){__VA_ARGS__})),                  \
                  (struct kr_barrier_access[]){__VA_ARGS__})

static void
stream_barrier(struct stream *s, struct kr_barrier_masks masks)
{
   stream_add(s, ITEM_BARRIER)->masks = masks;
}

/* Adds an untracked command; returns its index. */
static uint32_t
stream_untracked(struct stream *s, enum kronos_barrier_reason why, VkPipelineStageFlags2 stages,
                 VkAccessFlags2 writes)
{
   struct item *it = stream_add(s, ITEM_UNTRACKED);
   it->why = why;
   it->stages = stages;
   it->writes = writes;
   return s->count - 1;
}

static void
print_stream(const struct stream *s)
{
   char a[160], b[160];
   print_message("stream %s: %u items\n", s->label ? s->label : "", s->count);
   for (uint32_t i = 0; i < s->count; i++) {
      const struct item *it = &s->items[i];
      if (it->emitted) {
         print_message("  [%3u]   (vendor barrier carrying %u requests) ", i, it->emit.requests);
         print_masks("", &it->emit.masks);
      }
      switch (it->type) {
      case ITEM_COMMAND:
         print_message("  [%3u] command:", i);
         for (uint32_t k = 0; k < it->access_count; k++) {
            const struct kr_barrier_access *x = &it->accesses[k];
            print_message(" %s %#" PRIx64 "[%" PRIu64 ",%" PRIu64 ")", kind_name(x->kind),
                          x->memory, x->begin, x->end);
         }
         print_message("\n");
         break;
      case ITEM_BARRIER:
         print_message("  [%3u] ", i);
         print_masks(it->dropped ? "barrier (dropped)" : "barrier", &it->masks);
         break;
      case ITEM_UNTRACKED:
         print_message("  [%3u] untracked (reason %d) stages %s writes %s\n", i, (int)it->why,
                       stage_names(a, sizeof(a), it->stages),
                       access_names(b, sizeof(b), it->writes));
         if (it->pass) {
            print_message("  [%3u]   ", i);
            print_masks("its pass-through barrier", &it->masks);
         }
         break;
      }
   }
   if (s->end_emitted) {
      print_message("  [end]   (vendor barrier carrying %u requests) ", s->end.requests);
      print_masks("", &s->end.masks);
   } else {
      print_message("  [end]   (no vendor barrier)\n");
   }
}

static void
stream_fail(const struct stream *s, const char *fmt, ...)
{
   char msg[512];
   va_list ap;
   va_start(ap, fmt);
   vsnprintf(msg, sizeof(msg), fmt, ap);
   va_end(ap);
   print_stream(s);
   fail_msg("%s: %s", s->label ? s->label : "stream", msg);
}

#define STREAM_CHECK(s, cond, ...)                                                              \
   do {                                                                                         \
      if (!(cond))                                                                              \
         stream_fail((s), __VA_ARGS__);                                                         \
   } while (0)

/* --- recording a stream through the tracker ------------------------------------------------ */

/* What the requests since the last vendor barrier add up to, as the header documents it: the
 * requests not dropped are pending, and a vendor barrier carries all of them, their masks'
 * union. */
struct expect {
   struct kr_barrier_masks pending;
   uint32_t pending_count;
   uint32_t requests, dropped, carried, merged;
   uint32_t emitted[KRONOS_BARRIER_REASON_COUNT];
};

static void
expect_emit(const struct stream *s, struct expect *x, const struct kr_barrier_tracker *t,
            uint32_t index, bool emitted, const struct kr_barrier_emit *emit,
            enum kronos_barrier_reason why)
{
   if (emitted) {
      STREAM_CHECK(s, x->pending_count > 0, "item %u: a vendor barrier with no pending request",
                   index);
      STREAM_CHECK(s, emit->requests == x->pending_count,
                   "item %u: the vendor barrier carries %u requests, %u are pending", index,
                   emit->requests, x->pending_count);
      if (!masks_equal(&emit->masks, &x->pending)) {
         print_masks("pending requests' union:", &x->pending);
         stream_fail(s, "item %u: the vendor barrier is not the pending requests' union", index);
      }
      x->carried += emit->requests;
      x->merged += emit->requests - 1;
      x->emitted[why]++;
      x->pending = (struct kr_barrier_masks){0};
      x->pending_count = 0;
   }
   for (uint32_t r = 0; r < KRONOS_BARRIER_REASON_COUNT; r++) {
      STREAM_CHECK(s, t->counts.emitted[r] == x->emitted[r],
                   "item %u: %u vendor barriers counted for reason %u, %u given", index,
                   t->counts.emitted[r], r, x->emitted[r]);
   }
   STREAM_CHECK(s, t->counts.requests == x->requests && t->counts.dropped == x->dropped,
                "item %u: counts changed by a command (%u requests, %u dropped)", index,
                t->counts.requests, t->counts.dropped);
}

static void
record_request(struct stream *s, struct expect *x, struct kr_barrier_tracker *t, uint32_t index)
{
   struct item *it = &s->items[index];
   kr_barrier_tracker_request(t, &it->masks);
   x->requests++;
   STREAM_CHECK(s, t->counts.requests == x->requests, "item %u: %u requests counted, %u made",
                index, t->counts.requests, x->requests);
   STREAM_CHECK(s, t->counts.dropped == x->dropped || t->counts.dropped == x->dropped + 1,
                "item %u: dropped went from %u to %u", index, x->dropped, t->counts.dropped);
   it->dropped = t->counts.dropped != x->dropped;
   if (it->dropped) {
      x->dropped++;
   } else {
      masks_add(&x->pending, &it->masks);
      x->pending_count++;
   }
}

/* The tracker's begin, with its counts from zero; true. */
static bool
stream_begin(struct kr_barrier_tracker *t, const struct stream *s)
{
   const struct kr_barrier_counts zero = {0};
   kr_barrier_tracker_begin(t);
   STREAM_CHECK(s, memcmp(&t->counts, &zero, sizeof(zero)) == 0, "counts not zero at begin");
   return true;
}

/* Gives the tracker item i, checking its decision against the pending requests and counts. */
static void
record_item(struct kr_barrier_tracker *t, struct stream *s, struct expect *x, uint32_t i)
{
   struct item *it = &s->items[i];
   switch (it->type) {
   case ITEM_BARRIER:
      record_request(s, x, t, i);
      break;
   case ITEM_COMMAND:
      it->emitted = kr_barrier_tracker_command(t, it->accesses, it->access_count, &it->emit);
      expect_emit(s, x, t, i, it->emitted, &it->emit, KRONOS_BARRIER_HAZARD);
      break;
   case ITEM_UNTRACKED: {
      /* Every pending request goes before it. */
      const bool pending = x->pending_count > 0;
      it->emitted = kr_barrier_tracker_untracked(t, it->why, it->stages, it->writes, &it->emit);
      STREAM_CHECK(s, it->emitted == pending, "item %u: untracked command emitted %d with %u "
                   "pending requests", i, it->emitted, x->pending_count);
      expect_emit(s, x, t, i, it->emitted, &it->emit, it->why);
      break;
   }
   }
   s->vendor_barriers += it->emitted;
}

/* Records the stream (begin, every item, end) and notes where the tracker gives the vendor a
 * barrier; checks every vendor barrier against the pending requests and the counts.
 * from_first_request: as kr_barrier_record.c records, the tracker begins at the first request
 * and is given nothing before it; and from a vendor barrier to the next request (nothing
 * pending) commands are held back, given to the tracker just before that request, and dropped
 * if the stream ends first (src/kr_barrier_defer.h). */
static void
stream_record(struct kr_barrier_tracker *t, struct stream *s)
{
   struct expect x = {0};
   bool begun = !s->from_first_request && stream_begin(t, s);
   bool deferring = false;
   uint32_t held_first = 0; /* while deferring: items [held_first, i) are held back */
   s->vendor_barriers = 0;
   for (uint32_t i = 0; i < s->count; i++) {
      struct item *it = &s->items[i];
      it->emitted = false;
      it->dropped = false;
      memset(&it->emit, 0, sizeof(it->emit));
      if (!begun) {
         if (it->type != ITEM_BARRIER)
            continue;
         begun = stream_begin(t, s);
      }
      if (deferring) {
         if (it->type != ITEM_BARRIER)
            continue;
         for (uint32_t h = held_first; h < i; h++)
            record_item(t, s, &x, h);
         deferring = false;
      }
      record_item(t, s, &x, i);
      if (s->from_first_request && it->emitted) {
         deferring = true;
         held_first = i + 1;
      }
   }
   if (!begun) {
      /* No request: nothing begun, nothing pending, nothing to give. */
      s->end_emitted = false;
      memset(&s->counts, 0, sizeof(s->counts));
      return;
   }
   const bool pending = x.pending_count > 0;
   s->end_emitted = kr_barrier_tracker_end(t, &s->end);
   STREAM_CHECK(s, s->end_emitted == pending, "end emitted %d with %u pending requests",
                s->end_emitted, x.pending_count);
   expect_emit(s, &x, t, s->count, s->end_emitted, &s->end, KRONOS_BARRIER_END);
   s->vendor_barriers += s->end_emitted;
   /* Every request was dropped or carried by a vendor barrier; merged: those that shared one. */
   s->counts = t->counts;
   STREAM_CHECK(s, x.requests == x.dropped + x.carried, "%u requests, %u dropped, %u carried",
                x.requests, x.dropped, x.carried);
   STREAM_CHECK(s, t->counts.merged == x.merged, "%u merged counted, %u carried with another",
                t->counts.merged, x.merged);
}

/* --- checking a recorded stream against the model ------------------------------------------ */

/* An event of a stream as the model walks it: a barrier, or the point where item's accesses
 * happen (item >= 0). */
struct model_event {
   int32_t item;
   struct model_barrier barrier;
};

struct model_events {
   struct model_event *events;
   uint32_t count, capacity;
   uint32_t *point; /* per item: the index of its point (commands only) */
   uint32_t point_capacity;
};

/* An access as the model sees it: a tracked one (one class), or a wildcard's (every memory, a
 * class set). */
struct model_access {
   int32_t item; /* -1: earlier submits */
   uint32_t index; /* which of the item's accesses */
   uint64_t memory, begin, end;
   bool any_memory;
   uint32_t classes;
};

struct model {
   struct model_events app, vendor;
   struct model_access *accesses;
   uint32_t access_count, access_capacity;
   uint32_t *first; /* per item, and one past the last: its accesses start there */
   uint32_t first_capacity;
   /* statistics */
   uint64_t pairs, ordered_pairs, ends, ordered_ends;
   /* quiet: a lost ordering only sets lost (the checker's own tests); else it fails */
   bool quiet, lost;
};

static void
model_free(struct model *m)
{
   free(m->app.events);
   free(m->app.point);
   free(m->vendor.events);
   free(m->vendor.point);
   free(m->accesses);
   free(m->first);
   memset(m, 0, sizeof(*m));
}

static void
events_reset(struct model_events *ev, uint32_t items)
{
   ev->count = 0;
   ev->point = grow(ev->point, &ev->point_capacity, items + 1, sizeof(*ev->point));
}

static void
events_barrier(struct model_events *ev, const struct kr_barrier_masks *masks)
{
   ev->events = grow(ev->events, &ev->capacity, ev->count + 1, sizeof(*ev->events));
   ev->events[ev->count++] = (struct model_event){.item = -1, .barrier = model_barrier(masks)};
}

static void
events_point(struct model_events *ev, uint32_t item)
{
   ev->events = grow(ev->events, &ev->capacity, ev->count + 1, sizeof(*ev->events));
   ev->point[item] = ev->count;
   ev->events[ev->count++] = (struct model_event){.item = (int32_t)item};
}

static struct model_access *
model_add_access(struct model *m, int32_t item)
{
   m->accesses = grow(m->accesses, &m->access_capacity, m->access_count + 1, sizeof(*m->accesses));
   struct model_access *a = &m->accesses[m->access_count++];
   memset(a, 0, sizeof(*a));
   a->item = item;
   return a;
}

/* An untracked command: every byte of every memory, reads of every type in its stages and the
 * writes it names (a command never runs in the host's stage). */
static uint32_t
model_untracked_classes(const struct item *it)
{
   const uint32_t stages = model_named_stages(it->stages) & MS_COMMANDS;
   return model_classes_of(stages, MT_READS | (model_types(it->writes) & MT_WRITES));
}

/* The two streams: the application's (its commands and its barriers where recorded) and the
 * vendor's (the commands and the barriers the tracker emitted, where it emitted them); an
 * untracked command's pass-through barrier is in both, after it. */
static void
model_build(struct model *m, const struct stream *s)
{
   events_reset(&m->app, s->count);
   events_reset(&m->vendor, s->count);
   m->access_count = 0;
   m->first = grow(m->first, &m->first_capacity, s->count + 1, sizeof(*m->first));

   /* Earlier submits: every class a command has, on every byte of every memory. */
   struct model_access *prior = model_add_access(m, -1);
   prior->any_memory = true;
   prior->classes = model_classes_of(MS_COMMANDS, MT_ALL);

   for (uint32_t i = 0; i < s->count; i++) {
      const struct item *it = &s->items[i];
      m->first[i] = m->access_count;
      if (it->type == ITEM_BARRIER) {
         events_barrier(&m->app, &it->masks);
         continue;
      }
      if (it->emitted)
         events_barrier(&m->vendor, &it->emit.masks);
      events_point(&m->app, i);
      events_point(&m->vendor, i);
      if (it->type == ITEM_COMMAND) {
         for (uint32_t k = 0; k < it->access_count; k++) {
            const struct kr_barrier_access *x = &it->accesses[k];
            struct model_access *a = model_add_access(m, (int32_t)i);
            a->index = k;
            a->memory = x->memory;
            a->begin = x->begin;
            a->end = x->end;
            a->classes = model_kind_classes(x->kind);
         }
      } else {
         const uint32_t classes = model_untracked_classes(it);
         if (classes) {
            struct model_access *a = model_add_access(m, (int32_t)i);
            a->any_memory = true;
            a->classes = classes;
         }
         if (it->pass) {
            events_barrier(&m->app, &it->masks);
            events_barrier(&m->vendor, &it->masks);
         }
      }
   }
   m->first[s->count] = m->access_count;
   if (s->end_emitted)
      events_barrier(&m->vendor, &s->end.masks);
}

/* One stream walked after an earlier access: the barriers applied so far and where it is. */
struct model_walker {
   const struct model_events *ev;
   uint32_t next;
   struct model_state state;
};

/* Applies the barriers up to item's point and steps past it. */
static void
walker_to(struct model_walker *w, uint32_t item, const struct model_elem *e)
{
   const uint32_t point = w->ev->point[item];
   for (; w->next < point; w->next++) {
      if (w->ev->events[w->next].item < 0)
         model_apply(&w->state, e, &w->ev->events[w->next].barrier);
   }
   w->next = point + 1;
}

static void
walker_to_end(struct model_walker *w, const struct model_elem *e)
{
   for (; w->next < w->ev->count; w->next++) {
      if (w->ev->events[w->next].item < 0)
         model_apply(&w->state, e, &w->ev->events[w->next].barrier);
   }
}

static bool
model_overlap(const struct model_access *a, const struct model_access *b)
{
   if (a->any_memory || b->any_memory)
      return true;
   return a->memory == b->memory && a->begin < b->end && b->begin < a->end;
}

static void
print_access(const char *what, const struct model_access *a, const struct model_elem *e)
{
   char where[64];
   if (a->item < 0)
      snprintf(where, sizeof(where), "earlier submits");
   else
      snprintf(where, sizeof(where), "item %d access %u", a->item, a->index);
   print_message("%s: %s, %s", what, where, e->cls >= 0 ? model_classes[e->cls].name :
                 "a write already available");
   if (a->any_memory)
      print_message(", every memory\n");
   else
      print_message(", memory %#" PRIx64 " [%" PRIu64 ", %" PRIu64 ")\n", a->memory, a->begin,
                    a->end);
}

static void
print_states(const struct model_state *app, const struct model_state *vendor)
{
   print_message("application's barriers: exec stages %#x, available in stages %#x, visible to "
                 "classes %#x\n", app->exec, app->avail, app->visible);
   print_message("vendor's barriers:      exec stages %#x, available in stages %#x, visible to "
                 "classes %#x\n", vendor->exec, vendor->avail, vendor->visible);
}

static void
print_class_set(const char *what, uint32_t set)
{
   print_message("%s:", what);
   for (uint32_t c = 0; c < MC_COUNT; c++) {
      if (set & MC_BIT(c))
         print_message(" %s", model_classes[c].name);
   }
   print_message("\n");
}

/* Checks the pairs (e, f) for every later access f, then the next submit. */
static void
model_check_from(struct model *m, const struct stream *s, const struct model_access *a,
                 const struct model_elem *e, struct model_state start)
{
   const uint32_t begin = a->item < 0 ? 0 : (uint32_t)a->item + 1;
   struct model_walker app = {&m->app, a->item < 0 ? 0 : m->app.point[a->item] + 1, start};
   struct model_walker vendor = {&m->vendor, a->item < 0 ? 0 : m->vendor.point[a->item] + 1,
                                 start};
   const uint32_t write_classes = model_classes_of(MS_ALL, MT_WRITES);
   const uint32_t relevant = e->write ? MC_BIT(MC_COUNT) - 1 : write_classes;

   for (uint32_t j = begin; j < s->count; j++) {
      if (m->first[j] == m->first[j + 1])
         continue;
      walker_to(&app, j, e);
      walker_to(&vendor, j, e);
      const uint32_t by_app = model_ordered(&app.state, e);
      const uint32_t by_vendor = model_ordered(&vendor.state, e);
      for (uint32_t k = m->first[j]; k < m->first[j + 1]; k++) {
         const struct model_access *f = &m->accesses[k];
         const uint32_t conflicting = f->classes & relevant;
         if (!conflicting || !model_overlap(a, f))
            continue;
         m->pairs++;
         m->ordered_pairs += (by_app & conflicting) != 0;
         const uint32_t lost = by_app & ~by_vendor & conflicting;
         if (lost && m->quiet) {
            m->lost = true;
         } else if (lost) {
            print_stream(s);
            print_access("earlier access", a, e);
            print_message("later access: item %d access %u\n", f->item, f->index);
            print_class_set("ordered by the application but not by the vendor", lost);
            print_states(&app.state, &vendor.state);
            fail_msg("%s: the vendor's barriers lose an ordering of item %d's access %u after "
                     "the earlier access", s->label ? s->label : "stream", f->item, f->index);
         }
      }
   }

   /* The next submit: whatever its accesses and barriers, ordering after e goes on from the
    * state the end leaves (every barrier's effect only grows with the state), so the vendor's
    * must hold the application's. */
   walker_to_end(&app, e);
   walker_to_end(&vendor, e);
   const struct model_state *x = &app.state, *y = &vendor.state;
   const bool lost = e->write ? (x->avail & ~y->avail) || (x->visible & ~y->visible)
                              : (x->exec & ~y->exec) != 0;
   m->ends++;
   m->ordered_ends += e->write ? x->avail != 0 : x->exec != 0;
   if (lost && m->quiet) {
      m->lost = true;
   } else if (lost) {
      print_stream(s);
      print_access("earlier access", a, e);
      print_states(x, y);
      fail_msg("%s: the vendor's barriers lose an ordering into the next submit",
               s->label ? s->label : "stream");
   }
}

/* Checks every conflicting pair of the recorded stream: what the application's barriers order,
 * the vendor's order. */
static void
model_check(struct model *m, const struct stream *s)
{
   m->lost = false;
   model_build(m, s);
   for (uint32_t i = 0; i < m->access_count; i++) {
      const struct model_access *a = &m->accesses[i];
      for (uint32_t c = 0; c < MC_COUNT; c++) {
         if (!(a->classes & MC_BIT(c)))
            continue;
         const struct model_elem e = {
            .stage = MS_BIT(model_classes[c].stage),
            .cls = (int32_t)c,
            .write = model_class_writes(c),
         };
         model_check_from(m, s, a, &e, (struct model_state){0});
      }
      if (a->item >= 0)
         continue;
      /* Earlier submits' writes that their own barriers already made available, chained into
       * any stage: a barrier here with no source access still makes them visible. */
      for (uint32_t st = 0; st < MS_COUNT; st++) {
         if (!(MS_COMMANDS & MS_BIT(st)))
            continue;
         const struct model_elem e = {.stage = MS_BIT(st), .cls = -1, .write = true};
         model_check_from(m, s, a, &e,
                          (struct model_state){.exec = MS_BIT(st), .avail = MS_BIT(st)});
      }
   }
}

/* Records the stream and checks it. */
static void
record_and_check(struct kr_barrier_tracker *t, struct stream *s)
{
   struct model m = {0};
   stream_record(t, s);
   model_check(&m, s);
   model_free(&m);
}

/* --- the model itself ---------------------------------------------------------------------- */

/* Whether these barriers, in order, order an access of class e before one of class f. */
static bool
model_orders(enum model_class_id e, const struct kr_barrier_masks *barriers, uint32_t count,
             enum model_class_id f)
{
   const struct model_elem elem = {
      .stage = MS_BIT(model_classes[e].stage),
      .cls = (int32_t)e,
      .write = model_class_writes(e),
   };
   struct model_state st = {0};
   for (uint32_t i = 0; i < count; i++) {
      const struct model_barrier b = model_barrier(&barriers[i]);
      model_apply(&st, &elem, &b);
   }
   return (model_ordered(&st, &elem) & MC_BIT(f)) != 0;
}

#define ORDERS(e, f, ...)                                                                       \
   model_orders((e), (struct kr_barrier_masks[]){__VA_ARGS__},                                  \
                ARRAY_SIZE(((struct kr_barrier_masks[]){__VA_ARGS__})), (f))

/* The reference model says what the specification says on small cases, so that the checker's
 * verdicts mean something: memory and execution dependencies, chains, TOP/BOTTOM_OF_PIPE,
 * aggregate bits and logically earlier and later stages. */
static void
model_follows_the_specification(void **state)
{
   (void)state;
   /* Nothing orders without a barrier; a full barrier orders every hazard. */
   assert_false(model_orders(MC_STORAGE_WRITE, NULL, 0, MC_STORAGE_READ));
   assert_true(ORDERS(MC_STORAGE_WRITE, MC_STORAGE_READ, full_barrier()));
   assert_true(ORDERS(MC_STORAGE_WRITE, MC_COPY_WRITE, full_barrier()));
   assert_true(ORDERS(MC_COPY_READ, MC_CLEAR_WRITE, full_barrier()));
   assert_true(ORDERS(MC_COPY_WRITE, MC_HOST_READ, full_barrier()));
   /* A read-after-write needs the read's access in the second access scope. */
   assert_true(ORDERS(MC_STORAGE_WRITE, MC_UNIFORM_READ, compute_barrier()));
   assert_true(ORDERS(MC_STORAGE_WRITE, MC_SAMPLED_READ, compute_barrier()));
   assert_false(ORDERS(MC_STORAGE_WRITE, MC_STORAGE_WRITE, compute_barrier()));
   assert_false(ORDERS(MC_STORAGE_WRITE, MC_COPY_READ, compute_barrier()));
   assert_false(ORDERS(MC_STORAGE_WRITE, MC_STORAGE_READ,
                       bar(S_COMPUTE, A_SHADER_WRITE, S_COMPUTE, A_UNIFORM)));
   /* ... and the write's in the first. */
   assert_false(ORDERS(MC_STORAGE_WRITE, MC_STORAGE_READ,
                       bar(S_COMPUTE, A_SHADER_READ, S_COMPUTE, A_SHADER_READ)));
   /* A write-after-read needs execution only. */
   assert_true(ORDERS(MC_STORAGE_READ, MC_COPY_WRITE, bar(S_COMPUTE, 0, S_COPY, 0)));
   assert_false(ORDERS(MC_STORAGE_READ, MC_COPY_WRITE, bar(S_COMPUTE, 0, S_CLEAR, 0)));
   /* TOP_OF_PIPE in a first scope and BOTTOM_OF_PIPE in a second are nothing ... */
   assert_false(ORDERS(MC_STORAGE_READ, MC_STORAGE_WRITE, bar(S_TOP, 0, S_BOTTOM, 0)));
   /* ... the other way round they are every command, for execution only. */
   assert_true(ORDERS(MC_STORAGE_READ, MC_STORAGE_WRITE, bar(S_BOTTOM, 0, S_TOP, 0)));
   assert_true(ORDERS(MC_COPY_READ, MC_STORAGE_WRITE, bar(S_BOTTOM, 0, S_COMPUTE, 0)));
   assert_true(ORDERS(MC_COPY_READ, MC_STORAGE_WRITE, bar(S_COPY, 0, S_TOP, 0)));
   assert_false(ORDERS(MC_STORAGE_WRITE, MC_STORAGE_READ,
                       bar(S_BOTTOM, 0, S_COMPUTE, A_SHADER_READ)));
   assert_false(ORDERS(MC_STORAGE_WRITE, MC_STORAGE_READ,
                       bar(S_COMPUTE, A_SHADER_WRITE, S_TOP, A_SHADER_READ)));
   /* ALL_TRANSFER is COPY, CLEAR, RESOLVE and BLIT; COPY alone is not CLEAR. */
   assert_true(ORDERS(MC_CLEAR_WRITE, MC_STORAGE_READ,
                      bar(S_TRANSFER, A_TRANSFER_WRITE, S_COMPUTE, A_SHADER_READ)));
   assert_true(ORDERS(MC_BLIT_WRITE, MC_STORAGE_READ,
                      bar(S_TRANSFER, A_TRANSFER_WRITE, S_COMPUTE, A_SHADER_READ)));
   assert_false(ORDERS(MC_CLEAR_WRITE, MC_STORAGE_READ,
                       bar(S_COPY, A_TRANSFER_WRITE, S_COMPUTE, A_SHADER_READ)));
   /* MEMORY_READ and MEMORY_WRITE are every read and write; HOST is in ALL_COMMANDS. */
   assert_true(ORDERS(MC_STORAGE_WRITE, MC_INDIRECT_READ,
                      bar(S_ALL, A_MEMORY_WRITE, S_ALL, A_MEMORY_READ)));
   assert_false(ORDERS(MC_STORAGE_WRITE, MC_COPY_WRITE,
                       bar(S_ALL, A_MEMORY_WRITE, S_ALL, A_MEMORY_READ)));
   /* Logically earlier and later stages extend the synchronization scopes ... */
   assert_true(ORDERS(MC_INDIRECT_READ, MC_STORAGE_WRITE, bar(S_COMPUTE, 0, S_COMPUTE, 0)));
   assert_true(ORDERS(MC_COPY_READ, MC_STORAGE_WRITE, bar(S_COPY, 0, S_INDIRECT, 0)));
   /* ... not the access scopes. */
   assert_false(ORDERS(MC_STORAGE_WRITE, MC_STORAGE_READ,
                       bar(S_COMPUTE, A_SHADER_WRITE, S_INDIRECT, A_SHADER_READ)));
   /* An execution dependency chain: the second scope of one meets the first of the next. */
   assert_true(ORDERS(MC_STORAGE_READ, MC_CLEAR_WRITE, bar(S_COMPUTE, 0, S_COPY, 0),
                      bar(S_COPY, 0, S_CLEAR, 0)));
   assert_false(ORDERS(MC_STORAGE_READ, MC_CLEAR_WRITE, bar(S_COMPUTE, 0, S_COPY, 0),
                       bar(S_BLIT, 0, S_CLEAR, 0)));
   /* A release then an acquire: availability in the first, visibility in the chained second. */
   assert_true(ORDERS(MC_STORAGE_WRITE, MC_STORAGE_READ, bar(S_COMPUTE, A_SHADER_WRITE, S_COPY, 0),
                      bar(S_COPY, 0, S_COMPUTE, A_SHADER_READ)));
   assert_false(ORDERS(MC_STORAGE_WRITE, MC_STORAGE_READ,
                       bar(S_COMPUTE, A_SHADER_WRITE, S_COPY, 0),
                       bar(S_CLEAR, 0, S_COMPUTE, A_SHADER_READ)));
   /* An acquire chained after an execution-only barrier makes nothing available. */
   assert_false(ORDERS(MC_STORAGE_WRITE, MC_STORAGE_READ, bar(S_COMPUTE, 0, S_COPY, 0),
                       bar(S_COPY, A_TRANSFER_WRITE, S_COMPUTE, A_SHADER_READ)));
   /* sync1's release to BOTTOM_OF_PIPE and acquire from TOP_OF_PIPE do not chain. */
   assert_false(ORDERS(MC_STORAGE_WRITE, MC_STORAGE_READ,
                       bar(S_COMPUTE, A_SHADER_WRITE, S_BOTTOM, 0),
                       bar(S_TOP, 0, S_COMPUTE, A_SHADER_READ)));
}

/* The tracker's kinds are the stages and accesses the header describes, and the model's
 * classes for them are those pairs. */
static void
kinds_are_the_header_s(void **state)
{
   (void)state;
   const struct {
      enum kr_barrier_access_kind kind;
      VkPipelineStageFlags2 stages;
      VkAccessFlags2 access;
      bool write;
   } kinds[] = {
      {KR_ACCESS_SHADER_STORAGE_READ, S_COMPUTE, A_STORAGE_READ, false},
      {KR_ACCESS_SHADER_UNIFORM_READ, S_COMPUTE, A_UNIFORM, false},
      {KR_ACCESS_SHADER_SAMPLED_READ, S_COMPUTE, A_SAMPLED, false},
      {KR_ACCESS_SHADER_STORAGE_WRITE, S_COMPUTE, A_STORAGE_WRITE, true},
      {KR_ACCESS_COPY_READ, S_COPY, A_TRANSFER_READ, false},
      {KR_ACCESS_COPY_WRITE, S_COPY, A_TRANSFER_WRITE, true},
      {KR_ACCESS_CLEAR_WRITE, S_CLEAR | S_COPY, A_TRANSFER_WRITE, true},
      {KR_ACCESS_INDIRECT_READ, S_INDIRECT, A_INDIRECT, false},
   };
   assert_int_equal(ARRAY_SIZE(kinds), KR_ACCESS_KIND_COUNT);
   for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
      assert_int_equal(kr_barrier_kind_stage(kinds[i].kind), kinds[i].stages);
      assert_int_equal(kr_barrier_kind_access(kinds[i].kind), kinds[i].access);
      assert_int_equal(kr_barrier_kind_writes(kinds[i].kind), kinds[i].write);
      assert_int_equal(model_kind_classes(kinds[i].kind),
                       model_classes_of(model_named_stages(kinds[i].stages),
                                        model_types(kinds[i].access)));
   }
}

/* --- targeted cases ------------------------------------------------------------------------ */

/* A memory only the prologue touches. */
#define MEM_P 0x5a0000f0ull

struct fixture {
   struct kr_barrier_tracker tracker;
   struct stream stream;
};

static int
fixture_setup(void **state)
{
   struct fixture *f = calloc(1, sizeof(*f));
   assert_non_null(f);
   kr_barrier_tracker_init(&f->tracker, NULL);
   *state = f;
   return 0;
}

static int
fixture_teardown(void **state)
{
   struct fixture *f = *state;
   kr_barrier_tracker_finish(&f->tracker);
   stream_free(&f->stream);
   free(f);
   return 0;
}

/* Earlier submits are a wildcard that conflicts with everything until a barrier naming all
 * commands and all writes reaches the vendor: most cases start with one (a full barrier and a
 * first dispatch, which takes it to the vendor) so that only their own accesses matter. */
static void
prologue(struct stream *s)
{
   stream_reset(s);
   stream_barrier(s, full_barrier());
   COMMAND(s, acc(MEM_P, 0, 16, KR_ACCESS_SHADER_STORAGE_READ));
}

/* Records the fixture's stream and checks it against the model. */
static struct stream *
run(struct fixture *f)
{
   record_and_check(&f->tracker, &f->stream);
   return &f->stream;
}

static void
assert_emit(const struct stream *s, uint32_t item, uint32_t requests,
            const struct kr_barrier_masks *masks)
{
   const struct item *it = &s->items[item];
   if (!it->emitted || it->emit.requests != requests ||
       (masks && !masks_equal(&it->emit.masks, masks)))
      stream_fail(s, "item %u: expected a vendor barrier carrying %u requests", item, requests);
}

static void
assert_no_emit(const struct stream *s, uint32_t item)
{
   STREAM_CHECK(s, !s->items[item].emitted, "item %u: expected no vendor barrier", item);
}

static void
assert_end(const struct stream *s, uint32_t requests, const struct kr_barrier_masks *masks)
{
   if (requests == 0) {
      STREAM_CHECK(s, !s->end_emitted, "expected no vendor barrier at the end");
      return;
   }
   STREAM_CHECK(s, s->end_emitted && s->end.requests == requests,
                "expected a vendor barrier carrying %u requests at the end", requests);
   if (masks)
      STREAM_CHECK(s, masks_equal(&s->end.masks, masks), "the end barrier's masks");
}

/* Dispatches on disjoint bytes, each followed by a full barrier: no hazard anywhere, so
 * nothing until the end, where one barrier carries all the requests. */
static void
independent_dispatches(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   const struct kr_barrier_masks full = full_barrier();
   prologue(s);
   for (uint32_t i = 0; i < 4; i++) {
      COMMAND(s, acc(MEM_A, 64 * i, 64 * i + 64, KR_ACCESS_SHADER_STORAGE_WRITE),
              acc(MEM_B, 64 * i, 64 * i + 64, KR_ACCESS_SHADER_STORAGE_READ));
      stream_barrier(s, full);
   }
   run(f);
   for (uint32_t i = 2; i < s->count; i++)
      assert_false(s->items[i].emitted);
   assert_end(s, 4, &full);
   assert_int_equal(s->counts.requests, 5);
   assert_int_equal(s->counts.merged, 3);
   assert_int_equal(s->counts.emitted[KRONOS_BARRIER_END], 1);
   assert_int_equal(s->counts.emitted[KRONOS_BARRIER_HAZARD], 1); /* the prologue's */
}

/* A read-after-write chain, a compute barrier after each dispatch: one vendor barrier per
 * dependency, before the reading dispatch, carrying that one request; none at the end. */
static void
read_after_write_chain(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   const struct kr_barrier_masks cb = compute_barrier();
   uint32_t reads[3];
   prologue(s);
   assert_int_equal(COMMAND(s, acc(MEM_A, 0, 256, KR_ACCESS_SHADER_STORAGE_WRITE)), 2);
   for (uint32_t i = 0; i < 3; i++) {
      stream_barrier(s, cb);
      reads[i] = COMMAND(s, acc(MEM_A, 256 * i, 256 * i + 256, KR_ACCESS_SHADER_STORAGE_READ),
                         acc(MEM_A, 256 * i + 256, 256 * i + 512,
                             KR_ACCESS_SHADER_STORAGE_WRITE));
   }
   run(f);
   assert_no_emit(s, 2);
   for (uint32_t i = 0; i < 3; i++)
      assert_emit(s, reads[i], 1, &cb);
   assert_end(s, 0, NULL);
   assert_int_equal(s->counts.emitted[KRONOS_BARRIER_HAZARD], 4);
   assert_int_equal(s->counts.merged, 0);
}

/* A write after a read of the same bytes needs the (execution) barrier; a read after a read
 * needs none, whatever the barriers between. */
static void
write_after_read_and_read_after_read(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   prologue(s);
   COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_READ));
   stream_barrier(s, bar(S_COMPUTE, 0, S_COMPUTE, 0));
   const uint32_t war = COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_WRITE));
   COMMAND(s, acc(MEM_B, 0, 64, KR_ACCESS_SHADER_STORAGE_READ));
   stream_barrier(s, full_barrier());
   const uint32_t rar = COMMAND(s, acc(MEM_B, 0, 64, KR_ACCESS_SHADER_UNIFORM_READ),
                                acc(MEM_B, 32, 96, KR_ACCESS_COPY_READ),
                                acc(MEM_B, 0, 8, KR_ACCESS_INDIRECT_READ));
   run(f);
   assert_emit(s, war, 1, NULL);
   assert_no_emit(s, rar);
   assert_end(s, 1, NULL);
}

/* Overlapping ranges conflict, down to one byte; adjacent ones ([0,64) and [64,128)) and the
 * same bytes of another memory do not. */
static void
ranges_and_memories(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   prologue(s);
   COMMAND(s, acc(MEM_A, 64, 128, KR_ACCESS_SHADER_STORAGE_WRITE));
   stream_barrier(s, compute_barrier());
   const uint32_t apart = COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_READ),
                                  acc(MEM_A, 128, 192, KR_ACCESS_SHADER_STORAGE_READ),
                                  acc(MEM_B, 64, 128, KR_ACCESS_SHADER_STORAGE_READ));
   const uint32_t huge = COMMAND(s, acc(MEM_C, 0, UINT64_MAX, KR_ACCESS_SHADER_STORAGE_READ));
   const uint32_t byte = COMMAND(s, acc(MEM_A, 127, 128, KR_ACCESS_SHADER_STORAGE_READ));
   run(f);
   assert_no_emit(s, apart);
   assert_no_emit(s, huge);
   assert_emit(s, byte, 1, NULL);
}

/* A read that the same command's next access writes over is not kept by the tracker; that
 * must not lose the read's own ordering when the write's stage differs: a copy read with a
 * shader write of the same bytes, a barrier that orders the write (from the compute stage)
 * but not the read, then a copy-to-copy request before a copy that writes the bytes. */
static void
covered_read_of_another_stage(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   prologue(s);
   COMMAND(s, acc(MEM_A, 0, 16, KR_ACCESS_COPY_READ),
           acc(MEM_A, 0, 32, KR_ACCESS_SHADER_STORAGE_WRITE));
   stream_barrier(s, bar(S_COMPUTE, A_SHADER_WRITE, S_ALL, A_MEMORY_READ | A_MEMORY_WRITE));
   const uint32_t raw = COMMAND(s, acc(MEM_A, 16, 32, KR_ACCESS_SHADER_STORAGE_READ));
   stream_barrier(s, bar(S_COPY, 0, S_COPY, 0));
   const uint32_t war = COMMAND(s, acc(MEM_A, 0, 16, KR_ACCESS_COPY_WRITE));
   run(f);
   assert_emit(s, raw, 1, NULL);
   assert_emit(s, war, 1, NULL);
}

/* A barrier before the first command protects against what earlier submits did (a wildcard):
 * it goes to the vendor before a dispatch that reads, and before a copy that writes. */
static void
barrier_at_the_start(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   const struct kr_barrier_masks transfer =
      bar(S_TRANSFER, A_TRANSFER_WRITE, S_TRANSFER, A_TRANSFER_READ | A_TRANSFER_WRITE);
   stream_reset(s);
   stream_barrier(s, compute_barrier());
   const uint32_t read = COMMAND(s, acc(MEM_A, 0, 16, KR_ACCESS_SHADER_UNIFORM_READ));
   stream_barrier(s, transfer);
   const uint32_t write = COMMAND(s, acc(MEM_B, 0, 16, KR_ACCESS_COPY_WRITE));
   run(f);
   struct kr_barrier_masks cb = compute_barrier();
   assert_emit(s, read, 1, &cb);
   assert_emit(s, write, 1, &transfer);

   /* With no barrier before it, nothing goes to the vendor. */
   stream_reset(s);
   COMMAND(s, acc(MEM_A, 0, 16, KR_ACCESS_SHADER_STORAGE_WRITE));
   run(f);
   assert_no_emit(s, 0);
   assert_end(s, 0, NULL);
}

/* An untracked command takes every pending request first (counted under its own reason), then
 * is a wildcard: a later access conflicts with it, on any memory. One that touches no memory
 * (stages 0, a timestamp) is no wildcard. */
static void
untracked_commands(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   prologue(s);
   COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_WRITE));
   stream_barrier(s, compute_barrier());
   stream_barrier(s, full_barrier());
   const uint32_t copy = stream_untracked(s, KRONOS_BARRIER_OTHER_COMMAND, S_COPY,
                                          A_TRANSFER_WRITE);
   stream_barrier(s, bar(S_COPY, A_TRANSFER_WRITE, S_COMPUTE, A_SHADER_READ));
   const uint32_t read = COMMAND(s, acc(MEM_B, 4096, 4160, KR_ACCESS_SHADER_STORAGE_READ));
   const uint32_t query = stream_untracked(s, KRONOS_BARRIER_QUERY, 0, 0);
   stream_barrier(s, full_barrier());
   const uint32_t write = COMMAND(s, acc(MEM_C, 0, 64, KR_ACCESS_SHADER_STORAGE_WRITE));
   run(f);
   struct kr_barrier_masks both = compute_barrier();
   const struct kr_barrier_masks full = full_barrier();
   masks_add(&both, &full);
   assert_emit(s, copy, 2, &both);
   assert_emit(s, read, 1, NULL);  /* after the untracked command's writes */
   assert_no_emit(s, query);       /* nothing pending */
   assert_emit(s, write, 1, &full);
   assert_int_equal(s->counts.emitted[KRONOS_BARRIER_OTHER_COMMAND], 1);
   assert_int_equal(s->counts.emitted[KRONOS_BARRIER_HAZARD], 3);
   assert_int_equal(s->counts.emitted[KRONOS_BARRIER_QUERY], 0);

   /* After a timestamp, a barrier and an access with no conflict need nothing; the next
    * untracked command takes the request. */
   prologue(s);
   COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_WRITE));
   stream_barrier(s, full_barrier());
   const uint32_t raw = COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_READ));
   stream_untracked(s, KRONOS_BARRIER_QUERY, 0, 0);
   stream_barrier(s, compute_barrier());
   const uint32_t other = COMMAND(s, acc(MEM_B, 0, 64, KR_ACCESS_SHADER_STORAGE_WRITE));
   const uint32_t event = stream_untracked(s, KRONOS_BARRIER_EVENT, 0, 0);
   run(f);
   assert_emit(s, raw, 1, NULL);
   assert_no_emit(s, other);
   assert_emit(s, event, 1, NULL);
   assert_int_equal(s->counts.emitted[KRONOS_BARRIER_EVENT], 1);
   assert_end(s, 0, NULL);
}

/* Whether a later access of kind `later` to MEM_A [0, 128) needs a vendor barrier (a full
 * barrier pending) after an access of kind `earlier` to the same bytes and the vendor barrier
 * `given` between them (taken to the vendor alone by a timestamp): false when the tracker
 * knows `given` orders the pair, true when it must not. */
static bool
needs_after(struct fixture *f, enum kr_barrier_access_kind earlier,
            struct kr_barrier_masks given, enum kr_barrier_access_kind later)
{
   struct stream *s = &f->stream;
   prologue(s);
   COMMAND(s, acc(MEM_A, 0, 128, earlier));
   stream_barrier(s, given);
   const uint32_t flush = stream_untracked(s, KRONOS_BARRIER_QUERY, 0, 0);
   stream_barrier(s, full_barrier());
   const uint32_t index = COMMAND(s, acc(MEM_A, 0, 128, later));
   run(f);
   assert_emit(s, flush, 1, &given);
   return s->items[index].emitted;
}

/* Barriers too narrow for the conflicting pair: a transfer barrier between compute accesses,
 * a compute one between transfers, an execution-only one for a read-after-write. */
static void
narrow_barriers(void **state)
{
   struct fixture *f = *state;
   const struct kr_barrier_masks transfer =
      bar(S_TRANSFER, A_TRANSFER_WRITE, S_TRANSFER, A_TRANSFER_READ);
   assert_true(needs_after(f, KR_ACCESS_SHADER_STORAGE_WRITE, transfer,
                           KR_ACCESS_SHADER_STORAGE_READ));
   assert_false(needs_after(f, KR_ACCESS_COPY_WRITE, transfer, KR_ACCESS_COPY_READ));
   assert_true(needs_after(f, KR_ACCESS_COPY_WRITE, compute_barrier(), KR_ACCESS_COPY_READ));
   assert_false(needs_after(f, KR_ACCESS_SHADER_STORAGE_WRITE, compute_barrier(),
                            KR_ACCESS_SHADER_STORAGE_READ));
   assert_true(needs_after(f, KR_ACCESS_SHADER_STORAGE_WRITE, bar(S_COMPUTE, 0, S_COMPUTE, 0),
                           KR_ACCESS_SHADER_STORAGE_READ));
   assert_false(needs_after(f, KR_ACCESS_SHADER_STORAGE_READ, bar(S_COMPUTE, 0, S_COMPUTE, 0),
                            KR_ACCESS_SHADER_STORAGE_WRITE));
   /* A compute barrier's reads are not the indirect argument read, nor its writes a copy's. */
   assert_true(needs_after(f, KR_ACCESS_SHADER_STORAGE_WRITE, compute_barrier(),
                           KR_ACCESS_INDIRECT_READ));
   assert_true(needs_after(f, KR_ACCESS_SHADER_STORAGE_READ, bar(S_COMPUTE, 0, S_COMPUTE, 0),
                           KR_ACCESS_COPY_WRITE));
}

/* sync1's pseudo-stages: BOTTOM_OF_PIPE as a source and TOP_OF_PIPE as a destination are every
 * command for execution only (a write-after-read is ordered, a read-after-write is not); TOP as
 * a source and BOTTOM as a destination order nothing. */
static void
top_and_bottom_of_pipe(void **state)
{
   struct fixture *f = *state;
   assert_false(needs_after(f, KR_ACCESS_SHADER_STORAGE_READ, bar(S_BOTTOM, 0, S_COMPUTE, 0),
                            KR_ACCESS_SHADER_STORAGE_WRITE));
   assert_false(needs_after(f, KR_ACCESS_COPY_READ, bar(S_COPY, 0, S_TOP, 0),
                            KR_ACCESS_CLEAR_WRITE));
   assert_false(needs_after(f, KR_ACCESS_INDIRECT_READ, bar(S_BOTTOM, 0, S_TOP, 0),
                            KR_ACCESS_COPY_WRITE));
   assert_true(needs_after(f, KR_ACCESS_SHADER_STORAGE_WRITE, bar(S_BOTTOM, 0, S_TOP, 0),
                           KR_ACCESS_SHADER_STORAGE_READ));
   assert_true(needs_after(f, KR_ACCESS_SHADER_STORAGE_WRITE, bar(S_BOTTOM, 0, S_TOP, 0),
                           KR_ACCESS_SHADER_STORAGE_WRITE));
   assert_true(needs_after(f, KR_ACCESS_SHADER_STORAGE_READ, bar(S_TOP, 0, S_BOTTOM, 0),
                           KR_ACCESS_SHADER_STORAGE_WRITE));
   assert_true(needs_after(f, KR_ACCESS_COPY_READ, bar(S_TOP, 0, S_BOTTOM, 0),
                           KR_ACCESS_COPY_WRITE));
}

/* ALL_TRANSFER (sync1's TRANSFER) covers COPY and CLEAR; COPY alone does not cover CLEAR, nor
 * does either alone cover a fill or update. */
static void
all_transfer_covers_copy_and_clear(void **state)
{
   struct fixture *f = *state;
   const struct kr_barrier_masks all = bar(S_TRANSFER, A_TRANSFER_WRITE, S_COMPUTE, A_SHADER_READ);
   const struct kr_barrier_masks copy = bar(S_COPY, A_TRANSFER_WRITE, S_COMPUTE, A_SHADER_READ);
   assert_false(needs_after(f, KR_ACCESS_COPY_WRITE, all, KR_ACCESS_SHADER_STORAGE_READ));
   assert_false(needs_after(f, KR_ACCESS_CLEAR_WRITE, all, KR_ACCESS_SHADER_UNIFORM_READ));
   assert_false(needs_after(f, KR_ACCESS_COPY_WRITE, copy, KR_ACCESS_SHADER_SAMPLED_READ));
   assert_true(needs_after(f, KR_ACCESS_CLEAR_WRITE, copy, KR_ACCESS_SHADER_STORAGE_READ));
   assert_false(needs_after(f, KR_ACCESS_SHADER_STORAGE_READ, bar(S_COMPUTE, 0, S_TRANSFER, 0),
                            KR_ACCESS_CLEAR_WRITE));
   assert_false(needs_after(f, KR_ACCESS_SHADER_STORAGE_READ, bar(S_COMPUTE, 0, S_TRANSFER, 0),
                            KR_ACCESS_COPY_WRITE));
   assert_true(needs_after(f, KR_ACCESS_SHADER_STORAGE_READ, bar(S_COMPUTE, 0, S_COPY, 0),
                           KR_ACCESS_CLEAR_WRITE));
   /* A fill or update may run as a clear or as a copy: a barrier naming one stage only does
    * not order it, one naming both does. */
   assert_true(needs_after(f, KR_ACCESS_CLEAR_WRITE,
                           bar(S_CLEAR, A_TRANSFER_WRITE, S_COMPUTE, A_SHADER_READ),
                           KR_ACCESS_SHADER_STORAGE_READ));
   assert_false(needs_after(f, KR_ACCESS_CLEAR_WRITE,
                            bar(S_CLEAR | S_COPY, A_TRANSFER_WRITE, S_COMPUTE, A_SHADER_READ),
                            KR_ACCESS_SHADER_STORAGE_READ));
   assert_true(needs_after(f, KR_ACCESS_SHADER_STORAGE_READ, bar(S_COMPUTE, 0, S_CLEAR, 0),
                           KR_ACCESS_CLEAR_WRITE));
}

/* SHADER_READ covers uniform, sampled and storage reads; UNIFORM_READ only uniform ones. */
static void
shader_read_covers_shader_reads(void **state)
{
   struct fixture *f = *state;
   const struct kr_barrier_masks shader = compute_barrier();
   const struct kr_barrier_masks uniform = bar(S_COMPUTE, A_SHADER_WRITE, S_COMPUTE, A_UNIFORM);
   const enum kr_barrier_access_kind reads[] = {
      KR_ACCESS_SHADER_UNIFORM_READ,
      KR_ACCESS_SHADER_SAMPLED_READ,
      KR_ACCESS_SHADER_STORAGE_READ,
   };
   for (uint32_t i = 0; i < ARRAY_SIZE(reads); i++) {
      assert_false(needs_after(f, KR_ACCESS_SHADER_STORAGE_WRITE, shader, reads[i]));
      assert_int_equal(needs_after(f, KR_ACCESS_SHADER_STORAGE_WRITE, uniform, reads[i]),
                       reads[i] != KR_ACCESS_SHADER_UNIFORM_READ);
   }
}

/* The requests made, dropped, merged into one vendor barrier, and the vendor barriers by why:
 * every request is dropped or carried by a vendor barrier. */
static void
counts_add_up(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   prologue(s);                                                   /* 1 request, 1 hazard */
   COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_WRITE));
   stream_barrier(s, compute_barrier());
   stream_barrier(s, compute_barrier());
   stream_barrier(s, full_barrier());
   COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_READ)); /* 3 requests, 2 merged */
   stream_untracked(s, KRONOS_BARRIER_OTHER_COMMAND, S_COPY, A_TRANSFER_WRITE); /* none */
   stream_barrier(s, compute_barrier());
   stream_untracked(s, KRONOS_BARRIER_EVENT, S_ALL, A_MEMORY_WRITE); /* 1 request */
   stream_barrier(s, compute_barrier());
   stream_barrier(s, bar(S_COMPUTE, A_SHADER_WRITE, S_HOST, A_HOST_READ)); /* at the end: 2 */
   run(f);
   assert_int_equal(s->counts.requests, 7);
   assert_int_equal(s->counts.dropped, 0);
   assert_int_equal(s->counts.merged, 3);
   assert_int_equal(s->counts.emitted[KRONOS_BARRIER_HAZARD], 2);
   assert_int_equal(s->counts.emitted[KRONOS_BARRIER_OTHER_COMMAND], 0);
   assert_int_equal(s->counts.emitted[KRONOS_BARRIER_EVENT], 1);
   assert_int_equal(s->counts.emitted[KRONOS_BARRIER_END], 1);
   assert_int_equal(s->vendor_barriers, 4);
}

/* A request contained in the last vendor barrier is not dropped when a command came between:
 * it orders that command's accesses, the vendor barrier does not. */
static void
contained_request_after_a_command(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   const struct kr_barrier_masks full = full_barrier();
   prologue(s);
   COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_WRITE));
   stream_barrier(s, full);
   const uint32_t write = COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_READ),
                                  acc(MEM_B, 0, 64, KR_ACCESS_COPY_WRITE));
   stream_barrier(s, full);
   const uint32_t read = COMMAND(s, acc(MEM_B, 0, 64, KR_ACCESS_SHADER_STORAGE_READ));
   stream_barrier(s, compute_barrier());
   stream_barrier(s, full); /* after a request: may continue its chain */
   run(f);
   assert_emit(s, write, 1, &full);
   assert_emit(s, read, 1, &full);
   assert_int_equal(s->counts.dropped, 0);
   assert_end(s, 2, NULL);
}

/* A command that is a barrier itself (an image barrier, an event wait) goes to the vendor as
 * recorded, after the pending requests; the tracker does not see its masks, so it must hear of
 * it as a command that writes (as kr_barrier_record.c and kr_recording.c report them: all
 * commands, any write). Then a request after it is never folded into a vendor barrier before
 * it. Here the chain copy write -> [release to COPY] -> [event wait COPY -> COMPUTE] ->
 * [compute barrier] -> compute read needs the last request after the wait, though the last
 * vendor barrier contains it. (Reported as a command with no writes, it would let that
 * vendor barrier stand for the request, before the wait: the generator keeps to this rule.) */
static void
pass_through_barriers(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   prologue(s);
   COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_COPY_WRITE));
   stream_barrier(s, bar(S_COPY, A_TRANSFER_WRITE, S_COPY, 0));
   stream_untracked(s, KRONOS_BARRIER_QUERY, 0, 0);
   stream_barrier(s, compute_barrier());
   stream_untracked(s, KRONOS_BARRIER_QUERY, 0, 0);
   const uint32_t wait = stream_untracked(s, KRONOS_BARRIER_EVENT, S_ALL, A_MEMORY_WRITE);
   s->items[wait].pass = true;
   s->items[wait].masks = bar(S_COPY, 0, S_COMPUTE, 0);
   stream_barrier(s, compute_barrier());
   const uint32_t read = COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_READ));
   run(f);
   assert_no_emit(s, wait);
   assert_emit(s, read, 1, NULL);
}

/* The checker can fail: vendor streams that lose an ordering the application's barriers give
 * (a vendor barrier left out, too narrow, too early, missing at the end, and one that earlier
 * submits' already available writes needed) are reported. */
static void
checker_catches_lost_orderings(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   struct model m = {.quiet = true};

   prologue(s);
   const uint32_t write = COMMAND(s, acc(MEM_A, 0, 64, KR_ACCESS_SHADER_STORAGE_WRITE));
   stream_barrier(s, compute_barrier());
   const uint32_t read = COMMAND(s, acc(MEM_A, 32, 96, KR_ACCESS_SHADER_STORAGE_READ));
   stream_barrier(s, bar(S_COMPUTE, A_SHADER_WRITE, S_HOST, A_HOST_READ));
   run(f);
   assert_emit(s, read, 1, NULL);
   assert_end(s, 1, NULL);
   model_check(&m, s);
   assert_false(m.lost);

   s->items[read].emitted = false; /* left out */
   model_check(&m, s);
   assert_true(m.lost);
   s->items[read].emitted = true;
   s->items[read].emit.masks.dst_access = A_UNIFORM; /* too narrow */
   model_check(&m, s);
   assert_true(m.lost);
   s->items[read].emit.masks = compute_barrier();
   s->items[read].emitted = false; /* before the write */
   s->items[write].emitted = true;
   s->items[write].emit = s->items[read].emit;
   model_check(&m, s);
   assert_true(m.lost);
   s->items[write].emitted = false;
   s->items[read].emitted = true;
   s->end_emitted = false; /* the host never sees the write */
   model_check(&m, s);
   assert_true(m.lost);
   s->end_emitted = true;
   model_check(&m, s);
   assert_false(m.lost);

   /* An acquire at the start: earlier submits' writes made available by their own barriers. */
   stream_reset(s);
   stream_barrier(s, bar(S_COMPUTE, 0, S_COMPUTE, A_SHADER_READ));
   const uint32_t first = COMMAND(s, acc(MEM_B, 0, 16, KR_ACCESS_SHADER_SAMPLED_READ));
   run(f);
   assert_emit(s, first, 1, NULL);
   s->items[first].emitted = false;
   model_check(&m, s);
   assert_true(m.lost);
   model_free(&m);
}

/* Past KR_BARRIER_MAX_ENTRIES unordered accesses the tracker folds them into one wildcard:
 * still correct (the model checks the whole stream), only more conservative. The first read
 * needs the barrier; the last one's write is before that vendor barrier, which contains the
 * request before it: nothing more. A write after the fold still needs its barrier. */
static void
overflow_folds_into_a_wildcard(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   const uint32_t n = KR_BARRIER_MAX_ENTRIES + 500;
   prologue(s);
   for (uint32_t i = 0; i < n; i++)
      COMMAND(s, acc(MEM_A, 16 * i, 16 * i + 16, KR_ACCESS_SHADER_STORAGE_WRITE));
   assert_true(n + 2 > KR_BARRIER_MAX_ENTRIES);
   stream_barrier(s, compute_barrier());
   const uint32_t first = COMMAND(s, acc(MEM_A, 0, 16, KR_ACCESS_SHADER_STORAGE_READ));
   stream_barrier(s, compute_barrier());
   const uint32_t last = COMMAND(s, acc(MEM_A, 16 * (n - 1), 16 * n,
                                        KR_ACCESS_SHADER_STORAGE_READ),
                                 acc(MEM_B, 0, 16, KR_ACCESS_SHADER_STORAGE_WRITE));
   stream_barrier(s, full_barrier());
   const uint32_t after = COMMAND(s, acc(MEM_B, 0, 16, KR_ACCESS_SHADER_STORAGE_READ));
   run(f);
   for (uint32_t i = 2; i < first; i++)
      assert_false(s->items[i].emitted);
   assert_emit(s, first, 1, NULL);
   assert_no_emit(s, last);
   assert_emit(s, after, 2, NULL);
   assert_true(f->tracker.count <= KR_BARRIER_MAX_ENTRIES);
}

/* An overflow right after a vendor barrier: the folded wildcard stands for accesses on both
 * sides of it, so a later request that barrier contains must still go to the vendor before an
 * access conflicting with one recorded after it. */
static void
overflow_after_a_vendor_barrier(void **state)
{
   struct fixture *f = *state;
   struct stream *s = &f->stream;
   const struct kr_barrier_masks cb = compute_barrier();
   prologue(s);
   /* Reads that a compute barrier orders only before compute writes: they stay tracked. */
   for (uint32_t i = 0; i < KR_BARRIER_MAX_ENTRIES - 2; i++)
      COMMAND(s, acc(MEM_A, 16 * i, 16 * i + 16, KR_ACCESS_SHADER_STORAGE_READ));
   stream_barrier(s, cb);
   const uint32_t war = COMMAND(s, acc(MEM_A, 0, 16, KR_ACCESS_SHADER_STORAGE_WRITE));
   COMMAND(s, acc(MEM_B, 0, 16, KR_ACCESS_SHADER_STORAGE_WRITE)); /* one entry too many */
   stream_barrier(s, cb);
   const uint32_t raw = COMMAND(s, acc(MEM_B, 0, 16, KR_ACCESS_SHADER_STORAGE_READ));
   run(f);
   assert_emit(s, war, 1, &cb);
   assert_emit(s, raw, 1, &cb);
}

/* Out of memory for its entries, the tracker folds what it has into a wildcard (in its
 * fallback entry when it has none), and stays correct; everything is freed by finish. */
static void
allocation_failure(void **state)
{
   (void)state;
   struct test_counting c;
   const VkAllocationCallbacks cbs = test_counting_callbacks(&c);
   struct kr_barrier_tracker t;
   struct stream s = {.label = "allocation failure"};
   const struct kr_barrier_masks cb = compute_barrier();
   kr_barrier_tracker_init(&t, &cbs);

   /* No memory at all: the begin wildcard goes into the fallback entry. */
   for (long fail_after = 0; fail_after < 3; fail_after++) {
      c.fail_after = fail_after;
      prologue(&s);
      for (uint32_t i = 0; i < 200; i++) {
         COMMAND(&s, acc(MEM_A, 16 * i, 16 * i + 16, KR_ACCESS_SHADER_STORAGE_READ));
         if (i % 50 == 49) {
            stream_barrier(&s, cb);
            COMMAND(&s, acc(MEM_A, 16 * i, 16 * i + 16, KR_ACCESS_SHADER_STORAGE_WRITE));
            COMMAND(&s, acc(MEM_B, 16 * i, 16 * i + 16, KR_ACCESS_SHADER_STORAGE_WRITE));
            stream_barrier(&s, cb);
            COMMAND(&s, acc(MEM_B, 16 * i, 16 * i + 16, KR_ACCESS_SHADER_STORAGE_READ));
         }
      }
      record_and_check(&t, &s);
   }
   kr_barrier_tracker_finish(&t);
   assert_int_equal(c.live, 0);
   stream_free(&s);
}

/* One tracker for many recordings: begin() starts afresh (counts from zero, earlier submits a
 * wildcard again, nothing of the last recording left), keeps its memory, and finish frees it. */
static void
reuse_across_begin(void **state)
{
   (void)state;
   struct test_counting c;
   const VkAllocationCallbacks cbs = test_counting_callbacks(&c);
   struct kr_barrier_tracker t;
   struct stream s = {.label = "reuse"};
   kr_barrier_tracker_init(&t, &cbs);
   for (uint32_t round = 0; round < 3; round++) {
      /* Many accesses, a request left pending at the end. */
      prologue(&s);
      for (uint32_t i = 0; i < 300 * (round + 1); i++)
         COMMAND(&s, acc(MEM_A, 16 * i, 16 * i + 16, KR_ACCESS_SHADER_STORAGE_WRITE));
      stream_barrier(&s, compute_barrier());
      record_and_check(&t, &s);
      assert_end(&s, 1, NULL);

      /* The next recording: a barrier at the start is needed again ... */
      stream_reset(&s);
      stream_barrier(&s, compute_barrier());
      COMMAND(&s, acc(MEM_B, 0, 16, KR_ACCESS_SHADER_STORAGE_READ));
      record_and_check(&t, &s);
      assert_emit(&s, 1, 1, NULL);

      /* ... and the last recording's accesses are gone. */
      prologue(&s);
      stream_barrier(&s, compute_barrier());
      const uint32_t read = COMMAND(&s, acc(MEM_A, 0, 4800, KR_ACCESS_SHADER_STORAGE_READ));
      record_and_check(&t, &s);
      assert_no_emit(&s, read);
   }
   const long allocations = c.total;
   prologue(&s);
   record_and_check(&t, &s);
   assert_int_equal(c.total, allocations); /* the entries' memory is kept */
   kr_barrier_tracker_finish(&t);
   assert_int_equal(c.live, 0);
   stream_free(&s);
}

/* --- the brute-force checker ---------------------------------------------------------------- */

#define CHECK_STREAMS 50000
#define CHECK_SEED 0xba5513e5ull

static uint32_t
roll(struct test_random *r, uint32_t n)
{
   return (uint32_t)(test_random_next(r) % n);
}

/* How one stream is drawn: how many memories and how fine a grid its ranges use. */
struct gen_shape {
   uint32_t memories, grid;
};

/* Ranges on a small grid so that they overlap, alias and abut; now and then to the end of the
 * address space. */
static struct kr_barrier_access
gen_access(struct test_random *r, const struct gen_shape *shape)
{
   const uint64_t memories[] = {MEM_A, MEM_B, MEM_C};
   struct kr_barrier_access a = {
      .memory = memories[roll(r, shape->memories)],
      .kind = (enum kr_barrier_access_kind)roll(r, KR_ACCESS_KIND_COUNT),
   };
   if (roll(r, 24) == 0) {
      a.begin = roll(r, 2) ? 0 : shape->grid * roll(r, 8);
      a.end = UINT64_MAX;
   } else {
      a.begin = shape->grid * roll(r, 8);
      a.end = a.begin + shape->grid * (1 + roll(r, 3));
   }
   return a;
}

/* The access bits that are legal with a stage mask (an access bit needs a stage that can make
 * it; MEMORY_READ and MEMORY_WRITE are always legal). */
static VkAccessFlags2
gen_legal_access(VkPipelineStageFlags2 stages)
{
   VkAccessFlags2 legal = A_MEMORY_READ | A_MEMORY_WRITE;
   if (stages & (S_COMPUTE | S_ALL))
      legal |= A_SHADER_READ | A_SHADER_WRITE | A_UNIFORM | A_SAMPLED | A_STORAGE_READ |
               A_STORAGE_WRITE;
   if (stages & (S_INDIRECT | S_ALL))
      legal |= A_INDIRECT;
   if (stages & (S_TRANSFER | S_COPY | S_ALL))
      legal |= A_TRANSFER_READ | A_TRANSFER_WRITE;
   if (stages & S_CLEAR)
      legal |= A_TRANSFER_WRITE;
   if (stages & (S_HOST | S_ALL))
      legal |= A_HOST_READ | A_HOST_WRITE;
   return legal;
}

static VkPipelineStageFlags2
gen_stages(struct test_random *r)
{
   const VkPipelineStageFlags2 bits[] = {
      S_TOP, S_BOTTOM, S_INDIRECT, S_COMPUTE, S_TRANSFER, S_COPY, S_CLEAR, S_HOST, S_ALL,
   };
   VkPipelineStageFlags2 mask = 0;
   for (uint32_t n = roll(r, 4); n > 0; n--)
      mask |= bits[roll(r, ARRAY_SIZE(bits))];
   return mask;
}

static VkAccessFlags2
gen_access_mask(struct test_random *r, VkPipelineStageFlags2 stages)
{
   const VkAccessFlags2 bits[] = {
      A_INDIRECT,      A_UNIFORM,      A_SHADER_READ, A_SHADER_WRITE,  A_SAMPLED,
      A_STORAGE_READ,  A_STORAGE_WRITE, A_TRANSFER_READ, A_TRANSFER_WRITE, A_HOST_READ,
      A_HOST_WRITE,    A_MEMORY_READ,  A_MEMORY_WRITE,
   };
   const VkAccessFlags2 legal = gen_legal_access(stages);
   VkAccessFlags2 mask = 0;
   for (uint32_t n = roll(r, 4); n > 0; n--)
      mask |= bits[roll(r, ARRAY_SIZE(bits))];
   return mask & legal;
}

/* An application barrier: mostly from realistic sets, else random stage and access masks that
 * are legal but may make no sense. */
static struct kr_barrier_masks
gen_barrier(struct test_random *r)
{
   const struct kr_barrier_masks usual[] = {
      /* full */
      full_barrier(),
      bar(S_ALL, A_MEMORY_WRITE, S_ALL, A_MEMORY_READ),
      /* compute to compute */
      compute_barrier(),
      bar(S_COMPUTE, A_SHADER_WRITE, S_COMPUTE, A_SHADER_READ | A_SHADER_WRITE),
      bar(S_COMPUTE, A_STORAGE_WRITE, S_COMPUTE, A_STORAGE_READ),
      bar(S_COMPUTE, A_SHADER_WRITE, S_COMPUTE, A_UNIFORM),
      /* compute to indirect arguments */
      bar(S_COMPUTE, A_SHADER_WRITE, S_INDIRECT, A_INDIRECT),
      bar(S_COMPUTE, A_SHADER_WRITE, S_INDIRECT | S_COMPUTE, A_INDIRECT | A_SHADER_READ),
      /* transfers */
      bar(S_TRANSFER, A_TRANSFER_WRITE, S_COMPUTE, A_SHADER_READ),
      bar(S_COPY, A_TRANSFER_WRITE, S_COMPUTE, A_UNIFORM),
      bar(S_CLEAR, A_TRANSFER_WRITE, S_COMPUTE, A_SHADER_READ | A_SHADER_WRITE),
      bar(S_COMPUTE, A_SHADER_WRITE, S_TRANSFER, A_TRANSFER_READ),
      bar(S_TRANSFER, A_TRANSFER_WRITE, S_TRANSFER, A_TRANSFER_READ | A_TRANSFER_WRITE),
      bar(S_COPY, A_TRANSFER_WRITE, S_COPY, A_TRANSFER_READ),
      bar(S_TRANSFER, A_TRANSFER_WRITE, S_INDIRECT, A_INDIRECT),
      /* execution only */
      bar(S_COMPUTE, 0, S_COMPUTE, 0),
      bar(S_COMPUTE, 0, S_TRANSFER, 0),
      bar(S_TRANSFER, 0, S_COMPUTE, 0),
      bar(S_INDIRECT, 0, S_COMPUTE, 0),
      /* sync1's TOP and BOTTOM */
      bar(S_TOP, 0, S_BOTTOM, 0),
      bar(S_BOTTOM, 0, S_TOP, 0),
      bar(S_BOTTOM, 0, S_COMPUTE, 0),
      bar(S_COMPUTE, 0, S_BOTTOM, 0),
      bar(S_TOP, 0, S_COMPUTE, A_SHADER_READ),
      bar(S_COMPUTE, A_SHADER_WRITE, S_BOTTOM, 0),
      bar(S_COMPUTE, A_SHADER_WRITE, S_TOP, 0),
      /* halves of a dependency that only work chained */
      bar(S_COMPUTE, A_SHADER_WRITE, S_COMPUTE, 0),
      bar(S_COMPUTE, 0, S_COMPUTE, A_SHADER_READ),
      bar(S_TRANSFER, A_TRANSFER_WRITE, S_ALL, 0),
      bar(S_ALL, 0, S_COMPUTE, A_SHADER_READ),
      bar(S_COMPUTE, A_SHADER_WRITE, S_NONE, 0),
      bar(S_NONE, 0, S_COMPUTE, A_SHADER_READ),
      /* all commands */
      bar(S_ALL, 0, S_ALL, 0),
      bar(S_ALL, A_SHADER_WRITE, S_ALL, A_SHADER_READ),
      bar(S_ALL, A_MEMORY_WRITE, S_COMPUTE, A_MEMORY_READ),
      /* the host */
      bar(S_COMPUTE | S_TRANSFER, A_SHADER_WRITE | A_TRANSFER_WRITE, S_HOST, A_HOST_READ),
      bar(S_HOST, A_HOST_WRITE, S_COMPUTE, A_SHADER_READ),
      /* legal nonsense: reads as source accesses, writes as destination ones */
      bar(S_COMPUTE, A_SHADER_READ, S_COMPUTE, A_SHADER_WRITE),
      bar(S_TRANSFER, A_TRANSFER_READ, S_COMPUTE, A_MEMORY_WRITE),
      bar(S_INDIRECT, A_INDIRECT, S_TRANSFER, A_TRANSFER_WRITE),
   };
   if (roll(r, 10) < 7)
      return usual[roll(r, ARRAY_SIZE(usual))];
   struct kr_barrier_masks m = {.src_stages = gen_stages(r), .dst_stages = gen_stages(r)};
   m.src_access = gen_access_mask(r, m.src_stages);
   m.dst_access = gen_access_mask(r, m.dst_stages);
   return m;
}

/* A command the policy does not understand, as the recording code reports them; an image
 * barrier or an event wait also goes to the vendor as recorded (a pass-through barrier). */
static void
gen_untracked(struct test_random *r, struct item *it)
{
   const struct {
      VkPipelineStageFlags2 stages;
      VkAccessFlags2 writes;
      enum kronos_barrier_reason why;
   } usual[] = {
      {S_COMPUTE, A_STORAGE_WRITE, KRONOS_BARRIER_UNKNOWN_ACCESS},
      {S_COMPUTE | S_INDIRECT, A_STORAGE_WRITE, KRONOS_BARRIER_UNKNOWN_ACCESS},
      {S_COMPUTE, A_SHADER_WRITE, KRONOS_BARRIER_UNKNOWN_ACCESS},
      {S_COMPUTE, 0, KRONOS_BARRIER_UNKNOWN_ACCESS},
      {S_COPY, A_TRANSFER_WRITE, KRONOS_BARRIER_OTHER_COMMAND},
      {S_TRANSFER, A_TRANSFER_WRITE, KRONOS_BARRIER_OTHER_COMMAND},
      {S_CLEAR, A_TRANSFER_WRITE, KRONOS_BARRIER_OTHER_COMMAND},
      {S_COPY, A_TRANSFER_WRITE, KRONOS_BARRIER_QUERY},
      {0, 0, KRONOS_BARRIER_QUERY},
      {0, 0, KRONOS_BARRIER_EVENT},
      {S_ALL, A_MEMORY_WRITE, KRONOS_BARRIER_SECONDARY},
      {S_ALL, A_MEMORY_WRITE, KRONOS_BARRIER_EVENT},
      {S_ALL, A_MEMORY_WRITE, KRONOS_BARRIER_NOT_UNDERSTOOD},
   };
   it->type = ITEM_UNTRACKED;
   if (roll(r, 4)) {
      const uint32_t i = roll(r, ARRAY_SIZE(usual));
      it->stages = usual[i].stages;
      it->writes = usual[i].writes;
      it->why = usual[i].why;
   } else {
      const VkPipelineStageFlags2 bits[] = {S_INDIRECT, S_COMPUTE, S_TRANSFER, S_COPY, S_CLEAR,
                                            S_ALL};
      it->stages = 0;
      for (uint32_t n = roll(r, 3); n > 0; n--)
         it->stages |= bits[roll(r, ARRAY_SIZE(bits))];
      it->writes = it->stages ? gen_access_mask(r, it->stages) &
                                   (A_SHADER_WRITE | A_STORAGE_WRITE | A_TRANSFER_WRITE |
                                    A_MEMORY_WRITE)
                              : 0;
      it->why = (enum kronos_barrier_reason)(KRONOS_BARRIER_NOT_UNDERSTOOD +
                                             roll(r, KRONOS_BARRIER_REASON_COUNT -
                                                        KRONOS_BARRIER_NOT_UNDERSTOOD));
   }
   /* A command that is a barrier itself is reported with writes (see pass_through_barriers). */
   if ((it->why == KRONOS_BARRIER_NOT_UNDERSTOOD || it->why == KRONOS_BARRIER_EVENT) &&
       it->stages && it->writes && roll(r, 2)) {
      it->pass = true;
      it->masks = gen_barrier(r);
   }
}

/* A descriptor both read and written, as a dispatch reports it: a read, then a write of the
 * same bytes of the same memory or more (of a kind whose stage may differ). */
static void
gen_read_then_write(struct test_random *r, struct item *it)
{
   const enum kr_barrier_access_kind reads[] = {
      KR_ACCESS_SHADER_STORAGE_READ, KR_ACCESS_SHADER_UNIFORM_READ, KR_ACCESS_COPY_READ,
      KR_ACCESS_INDIRECT_READ};
   const enum kr_barrier_access_kind writes[] = {
      KR_ACCESS_SHADER_STORAGE_WRITE, KR_ACCESS_COPY_WRITE, KR_ACCESS_CLEAR_WRITE};
   const uint32_t k = roll(r, it->access_count - 1);
   struct kr_barrier_access *read = &it->accesses[k], *write = &it->accesses[k + 1];
   read->kind = roll(r, 2) ? KR_ACCESS_SHADER_STORAGE_READ : reads[roll(r, ARRAY_SIZE(reads))];
   *write = *read;
   write->kind = roll(r, 2) ? KR_ACCESS_SHADER_STORAGE_WRITE : writes[roll(r, ARRAY_SIZE(writes))];
   if (roll(r, 3) == 0 && write->begin > 0)
      write->begin--;
   if (roll(r, 3) == 0 && write->end < UINT64_MAX)
      write->end++;
}

/* A random stream: tracked commands (0 to 3 accesses), barriers (now and then the same twice),
 * untracked commands; mostly short, now and then longer. */
static void
gen_stream(struct stream *s, struct test_random *r)
{
   const struct gen_shape shape = {.memories = 1 + roll(r, 3), .grid = roll(r, 2) ? 16 : 1};
   const uint32_t length = roll(r, 16) ? 1 + roll(r, 24) : 1 + roll(r, 96);
   stream_reset(s);
   while (s->count < length) {
      const uint32_t x = roll(r, 100);
      if (x < 45) {
         struct item *it = stream_add(s, ITEM_COMMAND);
         it->access_count = roll(r, 20) ? 1 + roll(r, MAX_ACCESSES) : 0;
         for (uint32_t k = 0; k < it->access_count; k++)
            it->accesses[k] = gen_access(r, &shape);
         if (it->access_count >= 2 && roll(r, 3) == 0)
            gen_read_then_write(r, it);
      } else if (x < 85) {
         const struct kr_barrier_masks m = gen_barrier(r);
         stream_barrier(s, m);
         if (roll(r, 10) == 0)
            stream_barrier(s, m);
      } else {
         gen_untracked(r, stream_add(s, ITEM_UNTRACKED));
      }
   }
}

static uint64_t
env_u64(const char *name, uint64_t fallback)
{
   const char *value = getenv(name);
   if (!value || !*value)
      return fallback;
   char *end;
   unsigned long long v = strtoull(value, &end, 0);
   if (*end)
      fail_msg("%s=%s is not a number", name, value);
   return v;
}

/* The generator of stream `index`: from the seed and the index alone, so that one stream can
 * be replayed without the others (splitmix64). */
static void
stream_random(struct test_random *r, uint64_t seed, uint64_t index)
{
   uint64_t z = seed + (index + 1) * 0x9e3779b97f4a7c15ull;
   z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
   z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
   test_random_seed(r, z ^ (z >> 31));
}

/* What a recorded stream gave the vendor: before each item and at the end. */
struct decisions {
   struct kr_barrier_emit *emits; /* zeroed where nothing was emitted */
   bool *emitted;
   uint32_t capacity;
   struct kr_barrier_emit end;
   bool end_emitted;
   struct kr_barrier_counts counts;
};

static void
decisions_take(struct decisions *d, const struct stream *s)
{
   if (d->capacity < s->count) {
      d->capacity = s->count;
      d->emits = realloc(d->emits, d->capacity * sizeof(*d->emits));
      d->emitted = realloc(d->emitted, d->capacity * sizeof(*d->emitted));
      assert_non_null(d->emits);
      assert_non_null(d->emitted);
   }
   for (uint32_t i = 0; i < s->count; i++) {
      d->emitted[i] = s->items[i].emitted;
      d->emits[i] = s->items[i].emit;
   }
   d->end = s->end;
   d->end_emitted = s->end_emitted;
   d->counts = s->counts;
}

/* The stream recorded as kr_barrier_record.c records gives the vendor what the whole stream
 * gave, item for item: the wildcard of earlier submits stands for every command before the
 * first request (every byte, every stage, every write), so whatever a later request orders them
 * against it orders the wildcard against too, and what orders the wildcard orders them; and
 * commands held back while nothing is pending reach the tracker in the same order before
 * anything that could make it emit, or never, when only the end follows (with nothing pending
 * the end gives nothing). */
static void
decisions_match(const struct decisions *whole, const struct stream *s)
{
   for (uint32_t i = 0; i < s->count; i++) {
      const struct item *it = &s->items[i];
      STREAM_CHECK(s, it->emitted == whole->emitted[i] &&
                         (!it->emitted || (it->emit.requests == whole->emits[i].requests &&
                                           masks_equal(&it->emit.masks, &whole->emits[i].masks))),
                   "item %u: recorded as the driver does, emitted %d; the whole stream %d",
                   i, it->emitted, whole->emitted[i]);
   }
   STREAM_CHECK(s, s->end_emitted == whole->end_emitted &&
                      (!s->end_emitted || masks_equal(&s->end.masks, &whole->end.masks)),
                "the end: recorded as the driver does, emitted %d; the whole stream %d",
                s->end_emitted, whole->end_emitted);
   STREAM_CHECK(s, memcmp(&s->counts, &whole->counts, sizeof(s->counts)) == 0,
                "recorded as the driver does, the counts differ from the whole stream's");
}

/* Random streams through one tracker, each checked against the model (the counts by
 * stream_record, every conflicting pair and the next submit by model_check); each recorded
 * again as kr_barrier_record.c records (from its first request on, commands held back while
 * nothing is pending), checked against the model and against the whole stream's decisions. */
static void
random_streams_against_the_model(void **state)
{
   (void)state;
   const uint64_t streams = env_u64("KRONOS_BARRIER_CHECK_STREAMS", CHECK_STREAMS);
   const uint64_t seed = env_u64("KRONOS_BARRIER_CHECK_SEED", CHECK_SEED);
   const uint64_t first = env_u64("KRONOS_BARRIER_CHECK_FIRST", 0);
   struct kr_barrier_tracker t;
   struct stream s = {0};
   struct model m = {0};
   struct decisions whole = {0};
   char label[160];
   uint64_t items = 0, requests = 0, vendor = 0, dropped = 0, oom_streams = 0;
   struct timespec t0, t1;

   print_message("KRONOS_BARRIER_CHECK_SEED=%#" PRIx64 ", streams %" PRIu64 " from %" PRIu64
                 "\n", seed, streams, first);
   clock_gettime(CLOCK_MONOTONIC, &t0);
   kr_barrier_tracker_init(&t, NULL);
   for (uint64_t i = first; i < first + streams; i++) {
      struct test_random r;
      stream_random(&r, seed, i);
      /* One stream in eight on a fresh tracker whose allocations fail after the first few:
       * its entries are folded into wildcards (what overflow does, in short streams). */
      const long fail_after = roll(&r, 8) ? -1 : (long)roll(&r, 3);
      gen_stream(&s, &r);
      snprintf(label, sizeof(label),
               "KRONOS_BARRIER_CHECK_SEED=%#" PRIx64 " KRONOS_BARRIER_CHECK_FIRST=%" PRIu64 "%s",
               seed, i, fail_after >= 0 ? " (allocations failing)" : "");
      s.label = label;
      if (fail_after >= 0) {
         struct test_counting c;
         const VkAllocationCallbacks cbs = test_counting_callbacks(&c);
         struct kr_barrier_tracker oom;
         kr_barrier_tracker_init(&oom, &cbs);
         c.fail_after = fail_after;
         stream_record(&oom, &s);
         kr_barrier_tracker_finish(&oom);
         assert_int_equal(c.live, 0);
         oom_streams++;
      } else {
         stream_record(&t, &s);
      }
      model_check(&m, &s);
      decisions_take(&whole, &s);
      s.from_first_request = true;
      stream_record(&t, &s);
      model_check(&m, &s);
      if (fail_after < 0)
         decisions_match(&whole, &s);
      s.from_first_request = false;
      items += s.count;
      requests += s.counts.requests;
      dropped += s.counts.dropped;
      vendor += s.vendor_barriers;
   }
   clock_gettime(CLOCK_MONOTONIC, &t1);
   const double seconds =
      (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
   print_message("%" PRIu64 " streams (%" PRIu64 " with allocations failing), %" PRIu64
                 " items, %.1f s: %" PRIu64 " requests (%" PRIu64 " dropped), %" PRIu64
                 " vendor barriers; %" PRIu64 " conflicting pairs (%" PRIu64 " ordered by the "
                 "application), %" PRIu64 " into the next submit (%" PRIu64 " ordered)\n",
                 streams, oom_streams, items, seconds, requests, dropped, vendor, m.pairs,
                 m.ordered_pairs, m.ends, m.ordered_ends);
   kr_barrier_tracker_finish(&t);
   model_free(&m);
   stream_free(&s);
   free(whole.emits);
   free(whole.emitted);
}

int
main(void)
{
#define TARGETED(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(model_follows_the_specification),
      cmocka_unit_test(kinds_are_the_header_s),
      TARGETED(independent_dispatches),
      TARGETED(read_after_write_chain),
      TARGETED(write_after_read_and_read_after_read),
      TARGETED(ranges_and_memories),
      TARGETED(barrier_at_the_start),
      TARGETED(covered_read_of_another_stage),
      TARGETED(untracked_commands),
      TARGETED(narrow_barriers),
      TARGETED(top_and_bottom_of_pipe),
      TARGETED(all_transfer_covers_copy_and_clear),
      TARGETED(shader_read_covers_shader_reads),
      TARGETED(counts_add_up),
      TARGETED(contained_request_after_a_command),
      TARGETED(pass_through_barriers),
      TARGETED(checker_catches_lost_orderings),
      TARGETED(overflow_folds_into_a_wildcard),
      TARGETED(overflow_after_a_vendor_barrier),
      cmocka_unit_test(allocation_failure),
      cmocka_unit_test(reuse_across_begin),
      cmocka_unit_test(random_streams_against_the_model),
   };
#undef TARGETED
   return cmocka_run_group_tests(tests, NULL, NULL);
}
