/* SPDX-License-Identifier: MIT */
/* TLSF sub-allocator over offsets; see kr_suballoc.h for the design. */
#include "kr_suballoc.h"

#include <assert.h>
#include <stdalign.h>
#include <stddef.h>

#include "kr_alloc.h"

/* 2^SL_LOG2 second-level classes per power of two: a size class spans at most 1/32 of its
 * sizes, which bounds what the good-fit search skips. */
#define SL_LOG2 5
#define SL_COUNT (1u << SL_LOG2)
/* First-level classes for sizes up to KR_SUBALLOC_MAX_SIZE: class 0 holds sizes 0..31 one per
 * list; class f >= 1 holds [2^(f+4), 2^(f+5)). */
#define FL_MAX (62 - SL_LOG2 + 2)
#define NO_LIST UINT32_MAX

/* Node storage grows by chunks, each as big as what exists (16 .. 4096 nodes). */
#define CHUNK_MIN 16u
#define CHUNK_MAX 4096u

enum node_state {
   NODE_SPARE,
   NODE_FREE,
   NODE_USED,
};

struct kr_suballoc_node {
   /* The bytes the node covers, padding included; nodes tile the block in offset order. */
   VkDeviceSize offset;
   VkDeviceSize size;
   struct kr_suballoc_node *prev_phys;
   struct kr_suballoc_node *next_phys;
   union {
      /* NODE_FREE: the links of its size-class list. NODE_SPARE: next links the spare list. */
      struct {
         struct kr_suballoc_node *prev;
         struct kr_suballoc_node *next;
      } free;
      /* NODE_USED: the range handed out. */
      struct {
         VkDeviceSize offset;
         VkDeviceSize size;
      } user;
   } u;
   uint8_t state;
   uint8_t kind;
};

struct kr_suballoc_chunk {
   struct kr_suballoc_chunk *next;
   uint32_t count;
   struct kr_suballoc_node nodes[];
};

static inline uint32_t
msb64(uint64_t x)
{
   return 63u - (uint32_t)__builtin_clzll(x);
}

static inline bool
is_pow2(VkDeviceSize x)
{
   return x && !(x & (x - 1));
}

static inline VkDeviceSize
align_up(VkDeviceSize x, VkDeviceSize alignment)
{
   return (x + alignment - 1) & ~(alignment - 1);
}

/* The list a free range of this size belongs to. */
static uint32_t
class_of(VkDeviceSize size)
{
   if (size < SL_COUNT)
      return (uint32_t)size;
   uint32_t m = msb64(size);
   uint32_t fl = m - SL_LOG2 + 1;
   uint32_t sl = (uint32_t)(size >> (m - SL_LOG2)) - SL_COUNT;
   return fl * SL_COUNT + sl;
}

/* The first list all of whose ranges hold at least size bytes: size rounded up to the next
 * class boundary. */
static uint32_t
class_at_least(VkDeviceSize size)
{
   if (size >= SL_COUNT)
      size += ((VkDeviceSize)1 << (msb64(size) - SL_LOG2)) - 1;
   return class_of(size);
}

/* The first non-empty list at index or above, or NO_LIST. Bit scans only. */
static uint32_t
next_list(const struct kr_suballoc *a, uint32_t index)
{
   uint32_t fl = index / SL_COUNT;
   uint32_t sl = index % SL_COUNT;
   if (fl >= a->fl_count)
      return NO_LIST;
   uint32_t sl_map = a->sl_bitmap[fl] & (~0u << sl);
   if (!sl_map) {
      /* fl + 1 <= FL_MAX < 64: the shift is defined. */
      uint64_t fl_map = a->fl_bitmap & (~0ull << (fl + 1));
      if (!fl_map)
         return NO_LIST;
      fl = (uint32_t)__builtin_ctzll(fl_map);
      sl_map = a->sl_bitmap[fl];
   }
   return fl * SL_COUNT + (uint32_t)__builtin_ctz(sl_map);
}

static void
insert_free(struct kr_suballoc *a, struct kr_suballoc_node *n)
{
   uint32_t index = class_of(n->size);
   struct kr_suballoc_node *head = a->heads[index];
   n->state = NODE_FREE;
   n->u.free.prev = NULL;
   n->u.free.next = head;
   if (head)
      head->u.free.prev = n;
   a->heads[index] = n;
   a->sl_bitmap[index / SL_COUNT] |= 1u << (index % SL_COUNT);
   a->fl_bitmap |= 1ull << (index / SL_COUNT);
   a->free_count++;
}

/* Must run before n->size changes: the size finds the list. */
static void
remove_free(struct kr_suballoc *a, struct kr_suballoc_node *n)
{
   assert(n->state == NODE_FREE);
   uint32_t index = class_of(n->size);
   if (n->u.free.prev)
      n->u.free.prev->u.free.next = n->u.free.next;
   else
      a->heads[index] = n->u.free.next;
   if (n->u.free.next)
      n->u.free.next->u.free.prev = n->u.free.prev;
   if (!a->heads[index]) {
      uint32_t fl = index / SL_COUNT;
      a->sl_bitmap[fl] &= ~(1u << (index % SL_COUNT));
      if (!a->sl_bitmap[fl])
         a->fl_bitmap &= ~(1ull << fl);
   }
   a->free_count--;
}

/* Adds a chunk of nodes to the spare list; false when the callbacks fail. */
static bool
grow(struct kr_suballoc *a)
{
   uint32_t count = a->node_count;
   count = count < CHUNK_MIN ? CHUNK_MIN : count > CHUNK_MAX ? CHUNK_MAX : count;
   struct kr_suballoc_chunk *chunk =
      kr_alloc(a->alloc, sizeof(*chunk) + count * sizeof(chunk->nodes[0]),
               alignof(struct kr_suballoc_node), VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!chunk)
      return false;
   chunk->count = count;
   chunk->next = a->chunks;
   a->chunks = chunk;
   for (uint32_t i = 0; i < count; i++) {
      struct kr_suballoc_node *n = &chunk->nodes[i];
      n->state = NODE_SPARE;
      n->u.free.next = a->spare;
      a->spare = n;
   }
   a->spare_count += count;
   a->node_count += count;
   return true;
}

static struct kr_suballoc_node *
take_spare(struct kr_suballoc *a)
{
   struct kr_suballoc_node *n = a->spare;
   assert(n && a->spare_count);
   a->spare = n->u.free.next;
   a->spare_count--;
   return n;
}

static void
put_spare(struct kr_suballoc *a, struct kr_suballoc_node *n)
{
   n->state = NODE_SPARE;
   n->prev_phys = n->next_phys = NULL;
   n->u.free.next = a->spare;
   a->spare = n;
   a->spare_count++;
}

/* Links n into the physical chain just after prev. */
static void
link_after(struct kr_suballoc_node *prev, struct kr_suballoc_node *n)
{
   n->prev_phys = prev;
   n->next_phys = prev->next_phys;
   if (n->next_phys)
      n->next_phys->prev_phys = n;
   prev->next_phys = n;
}

/* Whether the free range n holds size bytes at an offset aligned to alignment; where. */
static bool
fits(const struct kr_suballoc_node *n, VkDeviceSize size, VkDeviceSize alignment,
     VkDeviceSize *start)
{
   VkDeviceSize s = align_up(n->offset, alignment);
   VkDeviceSize lead = s - n->offset;
   if (lead > n->size || n->size - lead < size)
      return false;
   *start = s;
   return true;
}

/* The free range to place (size, alignment) in, or NULL when none can hold it. Changes
 * nothing. */
static struct kr_suballoc_node *
find_free(const struct kr_suballoc *a, VkDeviceSize size, VkDeviceSize alignment,
          VkDeviceSize *start)
{
   /* Good fit: the first range of the first list whose ranges all hold size bytes. Without
    * alignment it fits; with alignment it fits when its offset allows. */
   uint32_t index = next_list(a, class_at_least(size));
   if (index != NO_LIST && fits(a->heads[index], size, alignment, start))
      return a->heads[index];

   /* Sure fit: a range of size + alignment - 1 bytes holds the request whatever its offset. */
   uint32_t sure = class_at_least(size + alignment - 1);
   if (alignment > 1) {
      index = next_list(a, sure);
      if (index != NO_LIST) {
         bool ok = fits(a->heads[index], size, alignment, start);
         assert(ok);
         (void)ok;
         return a->heads[index];
      }
   }

   /* The lists in between (and the good-fit class's own list, whose ranges may or may not
    * hold size bytes) can still hold a range that fits: look at each, lowest class first, so
    * that out of device memory means none can. Nothing below class_of(size) can. */
   for (index = next_list(a, class_of(size)); index != NO_LIST && index < sure;
        index = next_list(a, index + 1)) {
      for (struct kr_suballoc_node *n = a->heads[index]; n; n = n->u.free.next) {
         if (fits(n, size, alignment, start))
            return n;
      }
   }
   return NULL;
}

VkResult
kr_suballoc_init(struct kr_suballoc *a, VkDeviceSize size, VkDeviceSize granularity,
                 const VkAllocationCallbacks *alloc)
{
   *a = (struct kr_suballoc){0};
   if (granularity == 0)
      granularity = 1;
   if (size == 0 || size > KR_SUBALLOC_MAX_SIZE || !is_pow2(granularity))
      return VK_ERROR_INITIALIZATION_FAILED;

   a->size = size;
   a->granularity = granularity;
   a->max_alignment = (VkDeviceSize)1 << msb64(size);
   if (a->max_alignment < size)
      a->max_alignment <<= 1;
   a->alloc = alloc;
   /* No free range is larger than the block. */
   a->fl_count = class_of(size) / SL_COUNT + 1;
   assert(a->fl_count <= FL_MAX);

   /* The list heads and the second-level bitmaps in one allocation. */
   size_t heads_size = (size_t)a->fl_count * SL_COUNT * sizeof(a->heads[0]);
   a->heads = kr_zalloc(alloc, heads_size + a->fl_count * sizeof(a->sl_bitmap[0]),
                        alignof(struct kr_suballoc_node *), VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!a->heads)
      goto fail;
   a->sl_bitmap = (uint32_t *)((char *)a->heads + heads_size);

   if (!grow(a))
      goto fail;
   struct kr_suballoc_node *n = take_spare(a);
   n->offset = 0;
   n->size = size;
   n->prev_phys = n->next_phys = NULL;
   a->first = n;
   insert_free(a, n);
   return VK_SUCCESS;

fail:
   kr_suballoc_finish(a);
   return VK_ERROR_OUT_OF_HOST_MEMORY;
}

void
kr_suballoc_finish(struct kr_suballoc *a)
{
   struct kr_suballoc_chunk *chunk = a->chunks;
   while (chunk) {
      struct kr_suballoc_chunk *next = chunk->next;
      kr_free(a->alloc, chunk);
      chunk = next;
   }
   kr_free(a->alloc, a->heads);
   *a = (struct kr_suballoc){0};
}

VkResult
kr_suballoc_alloc(struct kr_suballoc *a, VkDeviceSize size, VkDeviceSize alignment,
                  enum kr_suballoc_kind kind, struct kr_suballoc_range *out)
{
   if (alignment == 0)
      alignment = 1;
   if (size == 0 || size > a->size || !is_pow2(alignment) ||
       (kind != KR_SUBALLOC_LINEAR && kind != KR_SUBALLOC_NONLINEAR))
      return VK_ERROR_OUT_OF_DEVICE_MEMORY;

   /* A non-linear allocation holds whole granularity pages (see kr_suballoc.h). */
   VkDeviceSize need = size;
   if (kind == KR_SUBALLOC_NONLINEAR && a->granularity > 1) {
      need = align_up(size, a->granularity);
      if (alignment < a->granularity)
         alignment = a->granularity;
      if (need > a->size)
         return VK_ERROR_OUT_OF_DEVICE_MEMORY;
   }
   if (alignment > a->max_alignment)
      alignment = a->max_alignment;

   VkDeviceSize start;
   struct kr_suballoc_node *n = find_free(a, need, alignment, &start);
   if (!n)
      return VK_ERROR_OUT_OF_DEVICE_MEMORY;

   VkDeviceSize lead = start - n->offset;
   VkDeviceSize tail = n->size - lead - need;
   bool split_lead = lead >= KR_SUBALLOC_MIN_FRAGMENT;
   bool split_tail = tail >= KR_SUBALLOC_MIN_FRAGMENT;
   /* Take the nodes before changing anything, so that running out of host memory leaves the
    * allocator as it was. grow adds at least two. */
   if (a->spare_count < (uint32_t)split_lead + (uint32_t)split_tail && !grow(a))
      return VK_ERROR_OUT_OF_HOST_MEMORY;

   remove_free(a, n);
   if (split_lead) {
      /* The free range keeps the low part (so a->first never changes); the allocation is a
       * new node after it. */
      struct kr_suballoc_node *used = take_spare(a);
      used->offset = start;
      used->size = n->size - lead;
      n->size = lead;
      link_after(n, used);
      insert_free(a, n);
      n = used;
   }
   if (split_tail) {
      struct kr_suballoc_node *rest = take_spare(a);
      rest->offset = start + need;
      rest->size = tail;
      n->size -= tail;
      link_after(n, rest);
      insert_free(a, rest);
   }

   n->state = NODE_USED;
   n->kind = (uint8_t)kind;
   n->u.user.offset = start;
   n->u.user.size = size;
   a->used += n->size;
   a->allocation_count++;

   out->offset = start;
   out->size = size;
   out->node = n;
   return VK_SUCCESS;
}

void
kr_suballoc_free(struct kr_suballoc *a, const struct kr_suballoc_range *range)
{
   struct kr_suballoc_node *n = range ? range->node : NULL;
   if (!n)
      return;
   assert(n->state == NODE_USED && n->u.user.offset == range->offset);
   a->used -= n->size;
   a->allocation_count--;

   struct kr_suballoc_node *prev = n->prev_phys;
   if (prev && prev->state == NODE_FREE) {
      /* The lower node survives a merge. */
      remove_free(a, prev);
      prev->size += n->size;
      prev->next_phys = n->next_phys;
      if (n->next_phys)
         n->next_phys->prev_phys = prev;
      put_spare(a, n);
      n = prev;
   }
   struct kr_suballoc_node *next = n->next_phys;
   if (next && next->state == NODE_FREE) {
      remove_free(a, next);
      n->size += next->size;
      n->next_phys = next->next_phys;
      if (next->next_phys)
         next->next_phys->prev_phys = n;
      put_spare(a, next);
   }
   insert_free(a, n);
}

VkDeviceSize
kr_suballoc_largest_free(const struct kr_suballoc *a)
{
   if (!a->fl_bitmap)
      return 0;
   uint32_t fl = msb64(a->fl_bitmap);
   uint32_t sl = 31u - (uint32_t)__builtin_clz(a->sl_bitmap[fl]);
   VkDeviceSize largest = 0;
   for (const struct kr_suballoc_node *n = a->heads[fl * SL_COUNT + sl]; n; n = n->u.free.next) {
      if (n->size > largest)
         largest = n->size;
   }
   return largest;
}

const char *
kr_suballoc_check(const struct kr_suballoc *a)
{
#define CHECK(cond, what)                                                                         \
   do {                                                                                           \
      if (!(cond))                                                                                \
         return what;                                                                             \
   } while (0)

   CHECK(a->first && a->heads, "not initialized");
   CHECK(a->used <= a->size, "more bytes used than the block has");

   /* The physical chain tiles the block; no two free ranges touch. */
   VkDeviceSize end = 0, used = 0;
   uint32_t nodes = 0, free_nodes = 0, used_nodes = 0;
   const struct kr_suballoc_node *prev = NULL;
   for (const struct kr_suballoc_node *n = a->first; n; prev = n, n = n->next_phys) {
      CHECK(++nodes <= a->node_count, "physical chain longer than the node storage");
      CHECK(n->prev_phys == prev, "broken prev_phys link");
      CHECK(n->offset == end, "gap or overlap in the physical chain");
      CHECK(n->size > 0 && n->size <= a->size - n->offset, "node size out of the block");
      end = n->offset + n->size;
      if (n->state == NODE_FREE) {
         CHECK(!prev || prev->state != NODE_FREE, "two free ranges side by side");
         free_nodes++;
      } else {
         CHECK(n->state == NODE_USED, "spare node in the physical chain");
         CHECK(n->kind == KR_SUBALLOC_LINEAR || n->kind == KR_SUBALLOC_NONLINEAR, "bad kind");
         VkDeviceSize u_off = n->u.user.offset, u_size = n->u.user.size;
         CHECK(u_size > 0 && u_off >= n->offset && u_off - n->offset < n->size &&
                  u_size <= n->size - (u_off - n->offset),
               "allocation outside its node");
         CHECK(u_off - n->offset < KR_SUBALLOC_MIN_FRAGMENT, "leading padding not split off");
         /* What the allocation holds: whole pages for a non-linear one. */
         VkDeviceSize held_end = u_off + u_size;
         if (n->kind == KR_SUBALLOC_NONLINEAR) {
            CHECK(u_off % a->granularity == 0, "non-linear allocation not on a page start");
            held_end = align_up(held_end, a->granularity);
            CHECK(held_end <= end, "non-linear allocation's last page outside its node");
         }
         CHECK(end - held_end < KR_SUBALLOC_MIN_FRAGMENT, "trailing remainder not split off");
         used += n->size;
         used_nodes++;
      }
   }
   CHECK(end == a->size, "physical chain does not end at the block's end");
   CHECK(used == a->used, "bytes used do not add up");
   CHECK(used_nodes == a->allocation_count, "allocation count does not add up");
   CHECK(free_nodes == a->free_count, "free range count does not add up");

   /* Every free range is in the list of its class, and the bitmaps say which lists are not
    * empty. */
   uint32_t listed = 0;
   for (uint32_t fl = 0; fl < FL_MAX; fl++) {
      bool fl_bit = (a->fl_bitmap >> fl) & 1;
      if (fl >= a->fl_count) {
         CHECK(!fl_bit, "first-level bit beyond the block's classes");
         continue;
      }
      CHECK(fl_bit == (a->sl_bitmap[fl] != 0), "first-level bitmap out of step");
      for (uint32_t sl = 0; sl < SL_COUNT; sl++) {
         uint32_t index = fl * SL_COUNT + sl;
         const struct kr_suballoc_node *n = a->heads[index];
         CHECK(((a->sl_bitmap[fl] >> sl) & 1) == (n != NULL), "second-level bitmap out of step");
         for (prev = NULL; n; prev = n, n = n->u.free.next) {
            CHECK(++listed <= free_nodes, "more ranges listed than free");
            CHECK(n->state == NODE_FREE, "allocated range in a free list");
            CHECK(n->u.free.prev == prev, "broken free-list link");
            CHECK(class_of(n->size) == index, "free range in the wrong size class");
         }
      }
   }
   CHECK(listed == free_nodes, "free range missing from the lists");

   uint32_t spare = 0;
   for (const struct kr_suballoc_node *n = a->spare; n; n = n->u.free.next) {
      CHECK(++spare <= a->spare_count, "spare list longer than counted");
      CHECK(n->state == NODE_SPARE, "live node in the spare list");
   }
   CHECK(spare == a->spare_count, "spare list shorter than counted");
   CHECK(nodes + spare == a->node_count, "nodes lost");
   return NULL;
#undef CHECK
}
