/* SPDX-License-Identifier: MIT */
/* Device memory through Kronos (issue 4: the 3-pool allocator), next to its vendor in one
 * instance (VK_DRIVER_FILES=<vendor manifest>:<Kronos manifest>). The same deterministic plans
 * run on the vendor's device and on Kronos's device over it:
 *  - thousands of buffers of mixed sizes (256 B to 64 MiB), each with its own vkAllocateMemory,
 *    of host-coherent, host-cached (flushed and invalidated by ranges, offsets and
 *    VK_WHOLE_SIZE) and device-local memory (written and read through a staging buffer), bound
 *    at offsets with vkBindBufferMemory and vkBindBufferMemory2, mapped at offsets; written
 *    through the mapped pointers, used by SAXPY dispatches, copies, fills and updates, read
 *    back, checked against what the host expects and byte for byte against the vendor, and
 *    freed in random order (some while still mapped); twice;
 *  - dedicated allocations and allocations over 64 MiB;
 *  - an allocate/free churn on Kronos, run twice the same way;
 *  - 1000 small allocations held live at once (with KRONOS_VENDOR_MAX_ALLOCATIONS, see below).
 * Mapped ranges of different allocations never overlap, and every mapped pointer minus its
 * offset is aligned to minMemoryMapAlignment. Kronos's statistics must count every application
 * call.
 *
 * Options:
 *   --expect-pool     the pool is on: while allocations are live, pool_bytes_reserved >=
 *                     pool_bytes_in_use > 0 (and in use covers the small allocations); vendor
 *                     allocations are at most 1/8 of the application's; the churn's second
 *                     round makes no vendor allocation; dedicated requests reach the vendor;
 *                     1000 live allocations all succeed under KRONOS_VENDOR_MAX_ALLOCATIONS,
 *                     with at most that many live vendor allocations.
 *   --expect-direct   the pool is off (KRONOS_DISABLE=pool): every allocation and free reaches
 *                     the vendor, and the pool holds nothing.
 *   --max-allocations only the test of 1000 live allocations (run with
 *                     KRONOS_VENDOR_MAX_ALLOCATIONS set). Without --expect-pool, allocations
 *                     Kronos refuses must fail with VK_ERROR_OUT_OF_DEVICE_MEMORY or
 *                     VK_ERROR_TOO_MANY_OBJECTS, and cost nothing: as many allocations as
 *                     succeeded succeed again once everything is freed. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "it_common.h"
#include "kronos/kronos.h"
#include "kt.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the byte patterns below assume a little-endian host"
#endif

#define KIB ((VkDeviceSize)1 << 10)
#define MIB ((VkDeviceSize)1 << 20)
#define SAXPY_A 2.71828175f
#define MAX_UPDATE_BYTES 65536u /* vkCmdUpdateBuffer's limit */

static struct {
   bool expect_pool;
   bool expect_direct;
   bool max_allocations_only;
} options;

/* --- Devices ------------------------------------------------------------------------------ */

struct side {
   const char *label;
   struct kt_device dev;
   struct kt_compute_pipeline saxpy;
   VkDeviceSize atom;          /* nonCoherentAtomSize */
   VkDeviceSize map_alignment; /* minMemoryMapAlignment */
};

enum { VENDOR, KRONOS, SIDE_COUNT };

static struct kt_system sys;
static struct side sides[SIDE_COUNT];

enum kind { KIND_HOST, KIND_CACHED, KIND_DEVICE };
static const char *const kind_names[] = {"host-coherent", "host-cached", "device-local"};

static VkDeviceSize
align_down(VkDeviceSize value, VkDeviceSize alignment)
{
   return value / alignment * alignment;
}

static VkDeviceSize
align_up(VkDeviceSize value, VkDeviceSize alignment)
{
   return align_down(value + alignment - 1, alignment);
}

static double
seconds_now(void)
{
   struct timespec t;
   clock_gettime(CLOCK_MONOTONIC, &t);
   return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* The memory type for a kind among type_bits, or UINT32_MAX. Host-cached prefers a
 * non-coherent type (flushes and invalidations matter there) and falls back to a coherent
 * cached one; device-local prefers a type the host cannot see (it is never mapped). */
static uint32_t
pick_type(const struct side *s, uint32_t type_bits, enum kind kind)
{
   const VkPhysicalDeviceMemoryProperties *memory = &s->dev.memory;
   const VkMemoryPropertyFlags visible = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT;
   int32_t type = -1;
   switch (kind) {
   case KIND_HOST:
      type = kt_memory_type_find(memory, type_bits,
                                 visible | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 0);
      break;
   case KIND_CACHED:
      for (uint32_t i = 0; i < memory->memoryTypeCount && type < 0; i++) {
         VkMemoryPropertyFlags flags = memory->memoryTypes[i].propertyFlags;
         if ((type_bits & (1u << i)) && (flags & visible) &&
             (flags & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) &&
             !(flags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT))
            type = (int32_t)i;
      }
      if (type < 0)
         type = kt_memory_type_find(memory, type_bits,
                                    visible | VK_MEMORY_PROPERTY_HOST_CACHED_BIT, 0);
      break;
   case KIND_DEVICE:
      for (uint32_t i = 0; i < memory->memoryTypeCount && type < 0; i++) {
         VkMemoryPropertyFlags flags = memory->memoryTypes[i].propertyFlags;
         if ((type_bits & (1u << i)) && (flags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) &&
             !(flags & visible))
            type = (int32_t)i;
      }
      if (type < 0)
         type = kt_memory_type_find(memory, type_bits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
      break;
   }
   return type < 0 ? UINT32_MAX : (uint32_t)type;
}

static bool
side_open(struct side *s, const struct kt_physical_device *physical, const char *label)
{
   bool ok = false;
   s->label = label;
   CHECK_VK(kt_device_create(physical, 1, &s->dev));
   CHECK_VK(kt_saxpy_pipeline_create(&s->dev, &s->saxpy));
   s->atom = physical->properties.limits.nonCoherentAtomSize;
   s->map_alignment = physical->properties.limits.minMemoryMapAlignment;
   CHECK(s->atom > 0 && s->map_alignment > 0);
   printf("  %s: %s, nonCoherentAtomSize %" PRIu64 ", minMemoryMapAlignment %" PRIu64 "\n",
          label, physical->properties.deviceName, (uint64_t)s->atom,
          (uint64_t)s->map_alignment);
   const uint32_t all_types = (1u << s->dev.memory.memoryTypeCount) - 1;
   for (int kind = KIND_HOST; kind <= KIND_DEVICE; kind++) {
      uint32_t type = pick_type(s, all_types, (enum kind)kind);
      CHECK(type != UINT32_MAX);
      printf("    %s memory: type %u, flags 0x%x\n", kind_names[kind], type,
             s->dev.memory.memoryTypes[type].propertyFlags);
   }
   ok = true;
done:
   return ok;
}

static void
side_close(struct side *s)
{
   if (s->dev.handle != VK_NULL_HANDLE)
      kt_compute_pipeline_destroy(&s->dev, &s->saxpy);
   kt_device_destroy(&s->dev);
   memset(s, 0, sizeof(*s));
}

/* --- Statistics --------------------------------------------------------------------------- */

static bool
read_stats(VkKronosDeviceStatistics *out)
{
   bool ok = false;
   CHECK_VK(it_device_statistics(sides[KRONOS].dev.handle, out));
   ok = true;
done:
   return ok;
}

/* Kronos's counts between two snapshots, against the calls the test made in between. */
static bool
check_counts(const char *what, const VkKronosDeviceStatistics *before,
             const VkKronosDeviceStatistics *after, uint64_t allocations, uint64_t frees)
{
   bool ok = false;
   uint64_t app_allocations = after->app_allocations - before->app_allocations;
   uint64_t vendor_allocations = after->vendor_allocations - before->vendor_allocations;
   uint64_t app_frees = after->app_frees - before->app_frees;
   uint64_t vendor_frees = after->vendor_frees - before->vendor_frees;
   printf("  %s: allocations %" PRIu64 ", reaching the vendor %" PRIu64 "; frees %" PRIu64
          ", reaching the vendor %" PRIu64 "\n",
          what, app_allocations, vendor_allocations, app_frees, vendor_frees);
   CHECK(app_allocations == allocations);
   CHECK(app_frees == frees);
   CHECK(vendor_allocations <= app_allocations);
   if (options.expect_direct) {
      CHECK(vendor_allocations == app_allocations);
      CHECK(vendor_frees == app_frees);
   }
   ok = true;
done:
   return ok;
}

/* The pool's bytes; `live`: the test holds allocations right now. */
static bool
check_pool_bytes(const char *what, const VkKronosDeviceStatistics *s, bool live)
{
   bool ok = false;
   printf("  %s: pool bytes reserved %" PRIu64 ", in use %" PRIu64 "\n", what,
          s->pool_bytes_reserved, s->pool_bytes_in_use);
   CHECK(s->pool_bytes_reserved >= s->pool_bytes_in_use);
   if (options.expect_direct)
      CHECK(s->pool_bytes_reserved == 0 && s->pool_bytes_in_use == 0);
   if (options.expect_pool && live)
      CHECK(s->pool_bytes_in_use > 0);
   ok = true;
done:
   return ok;
}

/* Since the device was created: with the pool, vendor allocations are a small part. */
static bool
check_pool_ratio(const char *what)
{
   bool ok = false;
   VkKronosDeviceStatistics s;
   CHECK(read_stats(&s));
   printf("  %s, since the device was created: allocations %" PRIu64
          ", reaching the vendor %" PRIu64 "\n",
          what, s.app_allocations, s.vendor_allocations);
   if (options.expect_pool)
      CHECK(s.vendor_allocations * 8 <= s.app_allocations);
   if (options.expect_direct)
      CHECK(s.vendor_allocations == s.app_allocations);
   ok = true;
done:
   return ok;
}

/* --- Byte patterns ------------------------------------------------------------------------ */

/* Word `index` of the pattern `seed`: a float in [-1, 1), a multiple of 2^-23 (SAXPY reads
 * the patterns as floats), as its bits. */
static inline uint32_t
pattern_word(uint32_t seed, uint64_t index)
{
   uint32_t z = seed ^ ((uint32_t)index * 0x9e3779b9u) ^ (uint32_t)(index >> 32);
   z = (z ^ (z >> 16)) * 0x85ebca6bu;
   z = (z ^ (z >> 13)) * 0xc2b2ae35u;
   z ^= z >> 16;
   float f = (float)(z >> 8) * (1.0f / 8388608.0f) - 1.0f;
   uint32_t bits;
   memcpy(&bits, &f, sizeof(bits));
   return bits;
}

static inline uint8_t
pattern_byte(uint32_t seed, uint64_t offset)
{
   return (uint8_t)(pattern_word(seed, offset >> 2) >> (8 * (offset & 3)));
}

static float
pattern_float(uint32_t seed, uint64_t index)
{
   uint32_t bits = pattern_word(seed, index);
   float f;
   memcpy(&f, &bits, sizeof(f));
   return f;
}

/* Bytes [0, size) of pattern `seed` (size a multiple of 4). */
static void
write_pattern(uint8_t *dst, uint32_t seed, VkDeviceSize size)
{
   for (VkDeviceSize i = 0; i < size / 4; i++) {
      uint32_t w = pattern_word(seed, i);
      memcpy(dst + 4 * i, &w, sizeof(w));
   }
}

/* bytes[0, length) against pattern bytes [first, first + length); the index of the first
 * difference, or UINT64_MAX. */
static uint64_t
find_pattern_mismatch(const uint8_t *bytes, uint32_t seed, VkDeviceSize first,
                      VkDeviceSize length)
{
   VkDeviceSize o = 0;
   for (; o < length && ((first + o) & 3); o++) {
      if (bytes[o] != pattern_byte(seed, first + o))
         return o;
   }
   for (; o + 4 <= length; o += 4) {
      uint32_t w;
      memcpy(&w, bytes + o, sizeof(w));
      if (w != pattern_word(seed, (first + o) >> 2))
         break;
   }
   for (; o < length; o++) {
      if (bytes[o] != pattern_byte(seed, first + o))
         return o;
   }
   return UINT64_MAX;
}

/* --- Plans: what runs on both devices ------------------------------------------------------ */

enum map_mode {
   MAP_ALL,       /* offset 0, VK_WHOLE_SIZE */
   MAP_EXACT,     /* offset 0, size to the buffer's end (host-cached: to the allocation's) */
   MAP_AT_BUFFER, /* at the bind offset (host-cached: rounded down to the atom), VK_WHOLE_SIZE */
   MAP_INSIDE,    /* at half the bind offset (cached: rounded down to the atom), size to the
                   * buffer's end (host-cached: to the allocation's) */
   MAP_MODE_COUNT
};

enum role { ROLE_NONE, ROLE_SAXPY_Y, ROLE_COPY_DST, ROLE_FILL_DST, ROLE_UPDATE_DST };

struct pbuf {
   VkDeviceSize size;         /* bytes, a multiple of 4 */
   VkDeviceSize slack;        /* bytes allocated after the buffer */
   VkDeviceSize remap_offset; /* non-zero: mapped again at this byte of the buffer and read */
   uint32_t seed;             /* of its initial pattern */
   uint8_t kind;              /* enum kind */
   uint8_t map_mode;          /* enum map_mode */
   uint8_t flush_mode;        /* how host-cached ranges are flushed (and, +1, invalidated) */
   uint8_t bind_units;        /* bound at this many times the buffer's alignment */
   bool dedicated;            /* VkMemoryDedicatedAllocateInfo */
   bool bind2;                /* vkBindBufferMemory2 */
   bool free_mapped;          /* freed without vkUnmapMemory first */
   uint8_t role;              /* enum role: which operation writes it */
   uint32_t op;               /* the index of that operation */
};

struct op_saxpy {
   uint32_t x, y, n;
};
struct op_copy {
   uint32_t src, dst, region_count;
   VkBufferCopy regions[2]; /* in increasing dstOffset, disjoint */
};
struct op_fill {
   uint32_t dst, data;
   VkDeviceSize offset, size; /* size may be VK_WHOLE_SIZE */
};
struct op_update {
   uint32_t dst, seed;
   VkDeviceSize offset, size;
};

struct plan {
   const char *name;
   uint32_t count;
   struct pbuf *buffers;
   uint32_t *free_order;
   uint32_t saxpy_count, copy_count, fill_count, update_count;
   struct op_saxpy *saxpy;
   struct op_copy *copies;
   struct op_fill *fills;
   struct op_update *updates;
};

static void
plan_free(struct plan *p)
{
   free(p->buffers);
   free(p->free_order);
   free(p->saxpy);
   free(p->copies);
   free(p->fills);
   free(p->updates);
   memset(p, 0, sizeof(*p));
}

static bool
plan_alloc(struct plan *p, const char *name, uint32_t count, uint32_t saxpy_count,
           uint32_t copy_count, uint32_t fill_count, uint32_t update_count)
{
   memset(p, 0, sizeof(*p));
   p->name = name;
   p->count = count;
   p->saxpy_count = saxpy_count;
   p->copy_count = copy_count;
   p->fill_count = fill_count;
   p->update_count = update_count;
   p->buffers = calloc(count, sizeof(*p->buffers));
   p->free_order = calloc(count, sizeof(*p->free_order));
   p->saxpy = calloc(saxpy_count + 1, sizeof(*p->saxpy));
   p->copies = calloc(copy_count + 1, sizeof(*p->copies));
   p->fills = calloc(fill_count + 1, sizeof(*p->fills));
   p->updates = calloc(update_count + 1, sizeof(*p->updates));
   if (!p->buffers || !p->free_order || !p->saxpy || !p->copies || !p->fills || !p->updates) {
      plan_free(p);
      return false;
   }
   for (uint32_t i = 0; i < count; i++)
      p->free_order[i] = i;
   return true;
}

static void
shuffle(uint32_t *items, uint32_t count, uint64_t *rng)
{
   for (uint32_t i = count; i > 1; i--) {
      uint32_t j = (uint32_t)it_random_below(rng, i);
      uint32_t t = items[i - 1];
      items[i - 1] = items[j];
      items[j] = t;
   }
}

/* A size in [2^lo_bits, 2^hi_bits), log-uniform by octave, a multiple of 4. */
static VkDeviceSize
random_size(uint64_t *rng, unsigned lo_bits, unsigned hi_bits)
{
   unsigned e = lo_bits + (unsigned)it_random_below(rng, hi_bits - lo_bits);
   VkDeviceSize size = ((VkDeviceSize)1 << e) + it_random_below(rng, (VkDeviceSize)1 << e);
   return size & ~(VkDeviceSize)3;
}

static VkDeviceSize
min_size(VkDeviceSize a, VkDeviceSize b)
{
   return a < b ? a : b;
}

/* One copy region of up to `max` bytes, inside src[0, src_size) and dst[dst_begin, dst_end). */
static VkBufferCopy
random_region(uint64_t *rng, VkDeviceSize src_size, VkDeviceSize dst_begin,
              VkDeviceSize dst_end, VkDeviceSize max)
{
   VkDeviceSize limit = min_size(min_size(src_size, dst_end - dst_begin), max);
   VkDeviceSize size = 1 + it_random_below(rng, limit);
   return (VkBufferCopy){
      .srcOffset = it_random_below(rng, src_size - size + 1),
      .dstOffset = dst_begin + it_random_below(rng, dst_end - dst_begin - size + 1),
      .size = size,
   };
}

#define MIXED_SAXPY 48u
#define MIXED_COPIES 160u
#define MIXED_FILLS 64u
#define MIXED_UPDATES 8u

/* `count` buffers: ~90% from 256 B to 64 KiB, ~9% to 2 MiB, ~1% to 16 MiB, plus one of 64 MiB
 * and one of 48 MiB (about 250 MiB in all); about 8% device-local (of those up to 1 MiB), 30%
 * host-cached, the rest host-coherent; 1% dedicated. Operations on disjoint buffers: SAXPY
 * pairs, copies (sources among the buffers nothing writes after the SAXPY phase), fills and
 * updates. */
static bool
plan_make_mixed(struct plan *p, const char *name, uint64_t seed, uint32_t count)
{
   uint64_t rng = seed;
   if (count < 2 * MIXED_SAXPY + MIXED_COPIES + MIXED_FILLS + MIXED_UPDATES + 16 ||
       !plan_alloc(p, name, count, MIXED_SAXPY, MIXED_COPIES, MIXED_FILLS, MIXED_UPDATES))
      return false;
   for (uint32_t i = 0; i < count; i++) {
      struct pbuf *b = &p->buffers[i];
      uint64_t r = it_random_below(&rng, 1000);
      if (r < 900)
         b->size = random_size(&rng, 8, 16);
      else if (r < 990)
         b->size = random_size(&rng, 16, 21);
      else
         b->size = random_size(&rng, 21, 24);
      if (i == 7)
         b->size = 64 * MIB;
      else if (i == count / 2)
         b->size = 48 * MIB + 12;
      else if (i == 1)
         b->size = 256;
      uint64_t k = it_random_below(&rng, 100);
      b->kind = (b->size <= MIB && k < 8) ? KIND_DEVICE : k < 38 ? KIND_CACHED : KIND_HOST;
      b->dedicated = it_random_below(&rng, 100) == 0;
      b->bind2 = it_random_below(&rng, 4) == 0;
      b->bind_units = b->dedicated ? 0 : (uint8_t)it_random_below(&rng, 4);
      b->map_mode = (uint8_t)it_random_below(&rng, MAP_MODE_COUNT);
      if (b->map_mode >= MAP_AT_BUFFER && b->bind_units == 0 && !b->dedicated)
         b->bind_units = 1;
      b->slack = (!b->dedicated && it_random_below(&rng, 3) == 0)
                    ? 1 + it_random_below(&rng, 4096) : 0;
      b->flush_mode = (uint8_t)it_random_below(&rng, 3);
      b->free_mapped = it_random_below(&rng, 4) == 0;
      if (b->kind != KIND_DEVICE && b->size >= 1024 && it_random_below(&rng, 10) == 0)
         b->remap_offset = 4 * (1 + it_random_below(&rng, b->size / 4 - 1));
      b->seed = (uint32_t)it_random(&rng);
   }

   uint32_t *perm = malloc(count * sizeof(*perm));
   if (!perm) {
      plan_free(p);
      return false;
   }
   for (uint32_t i = 0; i < count; i++)
      perm[i] = i;
   shuffle(perm, count, &rng);
   uint32_t next = 0;
   for (uint32_t k = 0; k < MIXED_SAXPY; k++) {
      struct op_saxpy *op = &p->saxpy[k];
      op->y = perm[next++];
      op->x = perm[next++];
      VkDeviceSize n = min_size(p->buffers[op->x].size, p->buffers[op->y].size) / 4;
      op->n = (uint32_t)min_size(n, 1u << 20);
      p->buffers[op->y].role = ROLE_SAXPY_Y;
      p->buffers[op->y].op = k;
   }
   /* Copy sources: SAXPY's buffers (written before the copies) or those nothing writes. */
   const uint32_t written_end = next + MIXED_COPIES + MIXED_FILLS + MIXED_UPDATES;
   const uint32_t source_count = 2 * MIXED_SAXPY + (count - written_end);
   for (uint32_t k = 0; k < MIXED_COPIES; k++) {
      struct op_copy *op = &p->copies[k];
      op->dst = perm[next++];
      uint32_t pick = (uint32_t)it_random_below(&rng, source_count);
      op->src = perm[pick < 2 * MIXED_SAXPY ? pick : written_end + (pick - 2 * MIXED_SAXPY)];
      VkDeviceSize src_size = p->buffers[op->src].size, dst_size = p->buffers[op->dst].size;
      VkDeviceSize max = it_random_below(&rng, 4) == 0 ? 4 * MIB : 64 * KIB;
      if (dst_size >= 8 && it_random_below(&rng, 2) == 0) {
         VkDeviceSize half = dst_size / 2;
         op->region_count = 2;
         op->regions[0] = random_region(&rng, src_size, 0, half, max);
         op->regions[1] = random_region(&rng, src_size, half, dst_size, max);
      } else {
         op->region_count = 1;
         op->regions[0] = random_region(&rng, src_size, 0, dst_size, max);
      }
      p->buffers[op->dst].role = ROLE_COPY_DST;
      p->buffers[op->dst].op = k;
   }
   for (uint32_t k = 0; k < MIXED_FILLS; k++) {
      struct op_fill *op = &p->fills[k];
      op->dst = perm[next++];
      VkDeviceSize words = p->buffers[op->dst].size / 4;
      op->offset = 4 * it_random_below(&rng, words);
      op->size = it_random_below(&rng, 3) == 0
                    ? VK_WHOLE_SIZE
                    : 4 * (1 + it_random_below(&rng, words - op->offset / 4));
      op->data = (uint32_t)it_random(&rng);
      p->buffers[op->dst].role = ROLE_FILL_DST;
      p->buffers[op->dst].op = k;
   }
   for (uint32_t k = 0; k < MIXED_UPDATES; k++) {
      struct op_update *op = &p->updates[k];
      op->dst = perm[next++];
      VkDeviceSize words = p->buffers[op->dst].size / 4;
      op->offset = 4 * it_random_below(&rng, words);
      VkDeviceSize max_words = min_size(words - op->offset / 4, MAX_UPDATE_BYTES / 4);
      op->size = 4 * (1 + it_random_below(&rng, max_words));
      op->seed = (uint32_t)it_random(&rng);
      p->buffers[op->dst].role = ROLE_UPDATE_DST;
      p->buffers[op->dst].op = k;
   }
   free(perm);
   shuffle(p->free_order, count, &rng);
   return true;
}

/* Dedicated allocations and allocations over 64 MiB. */
static bool
plan_make_large(struct plan *p)
{
   if (!plan_alloc(p, "dedicated and large", 5, 1, 1, 1, 1))
      return false;
   struct pbuf *b = p->buffers;
   /* 0: dedicated, host-coherent, bound with vkBindBufferMemory2; SAXPY's y. */
   b[0] = (struct pbuf){.size = 4 * MIB, .kind = KIND_HOST, .dedicated = true, .bind2 = true,
                        .map_mode = MAP_ALL, .seed = 0x1001, .role = ROLE_SAXPY_Y};
   /* 1: 80 MiB + 4 KiB host-coherent, bound at an offset, mapped inside; the copy's dst. */
   b[1] = (struct pbuf){.size = 80 * MIB + 4 * KIB, .slack = 1000, .kind = KIND_HOST,
                        .bind_units = 1, .map_mode = MAP_INSIDE, .seed = 0x1002,
                        .free_mapped = true, .role = ROLE_COPY_DST};
   /* 2: 160 MiB host-coherent, mapped again at 96 MiB; SAXPY's x and the copy's source. */
   b[2] = (struct pbuf){.size = 160 * MIB, .kind = KIND_HOST, .map_mode = MAP_EXACT,
                        .remap_offset = 96 * MIB + 36, .seed = 0x1003, .bind2 = true};
   /* 3: dedicated device-local, through the staging buffer; filled. */
   b[3] = (struct pbuf){.size = MIB, .kind = KIND_DEVICE, .dedicated = true, .seed = 0x1004,
                        .role = ROLE_FILL_DST};
   /* 4: dedicated host-cached, flushed in pieces, mapped again at 5 MiB; updated. */
   b[4] = (struct pbuf){.size = 12 * MIB + 64, .kind = KIND_CACHED, .dedicated = true,
                        .map_mode = MAP_ALL, .flush_mode = 2, .remap_offset = 5 * MIB + 4,
                        .seed = 0x1005, .role = ROLE_UPDATE_DST};
   p->saxpy[0] = (struct op_saxpy){.x = 2, .y = 0, .n = (uint32_t)(4 * MIB / 4)};
   p->copies[0] = (struct op_copy){
      .src = 2,
      .dst = 1,
      .region_count = 2,
      .regions = {{.srcOffset = MIB + 1, .dstOffset = 3, .size = 123457},
                  {.srcOffset = 100 * MIB, .dstOffset = 70 * MIB, .size = 8 * MIB}},
   };
   p->fills[0] = (struct op_fill){.dst = 3, .offset = 4096, .size = VK_WHOLE_SIZE,
                                  .data = 0xdeadbeefu};
   p->updates[0] = (struct op_update){.dst = 4, .offset = 12 * MIB - 1024, .size = 1024,
                                      .seed = 0x2001};
   const uint32_t order[] = {2, 0, 4, 1, 3};
   memcpy(p->free_order, order, sizeof(order));
   return true;
}

/* --- A plan on one device ----------------------------------------------------------------- */

struct live {
   VkBuffer buffer;
   VkDeviceMemory memory;
   VkDeviceSize alloc_size, bind_offset;
   VkDeviceSize map_offset, map_size; /* the mapped range (map_size: the real length) */
   uint8_t *map;                      /* NULL while unmapped */
   uint8_t *data;                     /* the buffer's byte 0 inside the mapping */
   VkDeviceSize staging_offset;       /* device-local: its bytes in the staging buffer */
};

struct realized {
   struct live *live; /* the plan's buffers, then the staging buffer */
   uint32_t made;     /* entries of live that may hold objects */
   VkDeviceSize staging_size;
   uint64_t allocations, frees;
   VkDeviceSize small_bytes; /* allocation bytes of the non-dedicated ones up to 1 MiB */
   bool dedicated_required;  /* the driver required a dedicated allocation somewhere */
};

static bool
map_buffer(const struct side *s, const struct pbuf *b, struct live *l)
{
   bool ok = false;
   const VkDeviceSize granule = b->kind == KIND_CACHED ? s->atom : 4;
   const bool cached = b->kind == KIND_CACHED;
   const VkDeviceSize buffer_end = l->bind_offset + b->size;
   VkDeviceSize offset = 0, size = VK_WHOLE_SIZE;
   switch (b->map_mode) {
   case MAP_ALL:
      break;
   case MAP_EXACT:
      size = cached ? l->alloc_size : buffer_end;
      break;
   case MAP_AT_BUFFER:
      offset = align_down(l->bind_offset, granule);
      break;
   default:
      offset = align_down(l->bind_offset / 2, granule);
      size = (cached ? l->alloc_size : buffer_end) - offset;
      break;
   }
   void *ptr = NULL;
   CHECK_VK(s->dev.vk.vkMapMemory(s->dev.handle, l->memory, offset, size, 0, &ptr));
   CHECK(ptr != NULL);
   l->map = ptr;
   l->map_offset = offset;
   l->map_size = size == VK_WHOLE_SIZE ? l->alloc_size - offset : size;
   l->data = l->map + (l->bind_offset - offset);
   if (((uintptr_t)ptr - offset) % s->map_alignment != 0) {
      it_report(__FILE__, __LINE__, "%s: vkMapMemory(offset %" PRIu64 ") gave %p: minus the "
                "offset, not aligned to minMemoryMapAlignment", s->label, (uint64_t)offset, ptr);
      goto done;
   }
   ok = true;
done:
   return ok;
}

/* Creates, allocates (its own vkAllocateMemory), binds and, unless device-local, maps. */
static bool
buffer_create(const struct side *s, const struct pbuf *b, struct realized *real, struct live *l)
{
   bool ok = false;
   const struct VolkDeviceTable *vk = &s->dev.vk;
   const VkDevice device = s->dev.handle;
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = b->size,
      .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
               VK_BUFFER_USAGE_TRANSFER_DST_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   VkBuffer buffer = VK_NULL_HANDLE;
   CHECK_VK(vk->vkCreateBuffer(device, &info, NULL, &buffer));
   l->buffer = buffer;

   VkMemoryDedicatedRequirements dedicated_req = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS,
   };
   VkMemoryRequirements2 req2 = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2,
      .pNext = &dedicated_req,
   };
   const VkBufferMemoryRequirementsInfo2 req_info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_MEMORY_REQUIREMENTS_INFO_2,
      .buffer = buffer,
   };
   vk->vkGetBufferMemoryRequirements2(device, &req_info, &req2);
   const VkMemoryRequirements req = req2.memoryRequirements;
   CHECK(req.size >= b->size);
   CHECK(req.alignment > 0 && (req.alignment & (req.alignment - 1)) == 0);
   const uint32_t type = pick_type(s, req.memoryTypeBits, (enum kind)b->kind);
   CHECK(type != UINT32_MAX);
   const bool dedicated = b->dedicated || dedicated_req.requiresDedicatedAllocation;
   real->dedicated_required = real->dedicated_required ||
                              (!b->dedicated && dedicated_req.requiresDedicatedAllocation);
   l->bind_offset = dedicated ? 0 : b->bind_units * req.alignment;
   l->alloc_size = l->bind_offset + req.size + (dedicated ? 0 : b->slack);
   const VkMemoryDedicatedAllocateInfo dedicated_info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO,
      .buffer = buffer,
   };
   const VkMemoryAllocateInfo allocate = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .pNext = dedicated ? &dedicated_info : NULL,
      .allocationSize = l->alloc_size,
      .memoryTypeIndex = type,
   };
   VkDeviceMemory memory = VK_NULL_HANDLE;
   real->allocations++;
   CHECK_VK(vk->vkAllocateMemory(device, &allocate, NULL, &memory));
   l->memory = memory;
   if (!dedicated && l->alloc_size <= MIB)
      real->small_bytes += l->alloc_size;

   if (b->bind2) {
      const VkBindBufferMemoryInfo bind = {
         .sType = VK_STRUCTURE_TYPE_BIND_BUFFER_MEMORY_INFO,
         .buffer = buffer,
         .memory = memory,
         .memoryOffset = l->bind_offset,
      };
      CHECK_VK(vk->vkBindBufferMemory2(device, 1, &bind));
   } else {
      CHECK_VK(vk->vkBindBufferMemory(device, buffer, memory, l->bind_offset));
   }
   if (b->kind != KIND_DEVICE)
      CHECK(map_buffer(s, b, l));
   ok = true;
done:
   return ok;
}

static const struct pbuf staging_spec = {.kind = KIND_HOST, .map_mode = MAP_ALL};

/* Everything allocated, bound and mapped; device-local buffers get places in a staging
 * buffer. On failure what was made is left for plan_release. */
static bool
plan_realize(const struct side *s, const struct plan *p, struct realized *real)
{
   bool ok = false;
   memset(real, 0, sizeof(*real));
   real->live = calloc(p->count + 1, sizeof(*real->live));
   CHECK(real->live != NULL);
   for (uint32_t i = 0; i < p->count; i++) {
      if (p->buffers[i].kind == KIND_DEVICE) {
         real->live[i].staging_offset = real->staging_size;
         real->staging_size = align_up(real->staging_size + p->buffers[i].size, 256);
      }
   }
   for (uint32_t i = 0; i < p->count; i++) {
      real->made = i + 1;
      if (!buffer_create(s, &p->buffers[i], real, &real->live[i])) {
         fprintf(stderr, "%s: %s: buffer %u (%s, %" PRIu64 " bytes) failed\n", s->label,
                 p->name, i, kind_names[p->buffers[i].kind], (uint64_t)p->buffers[i].size);
         goto done;
      }
   }
   if (real->staging_size) {
      struct pbuf staging = staging_spec;
      staging.size = real->staging_size;
      real->made = p->count + 1;
      CHECK(buffer_create(s, &staging, real, &real->live[p->count]));
   }
   ok = true;
done:
   return ok;
}

static void
live_release(const struct side *s, struct live *l, bool unmap, struct realized *real)
{
   const struct VolkDeviceTable *vk = &s->dev.vk;
   if (l->map && unmap)
      vk->vkUnmapMemory(s->dev.handle, l->memory);
   if (l->buffer != VK_NULL_HANDLE)
      vk->vkDestroyBuffer(s->dev.handle, l->buffer, NULL);
   if (l->memory != VK_NULL_HANDLE) {
      vk->vkFreeMemory(s->dev.handle, l->memory, NULL);
      real->frees++;
   }
   memset(l, 0, sizeof(*l));
}

/* Frees in the plan's order, some buffers' memory still mapped, the staging buffer last. */
static void
plan_release(const struct side *s, const struct plan *p, struct realized *real)
{
   if (!real->live)
      return;
   for (uint32_t k = 0; k < p->count; k++) {
      uint32_t i = p->free_order[k];
      if (i < real->made)
         live_release(s, &real->live[i], !p->buffers[i].free_mapped, real);
   }
   if (real->made > p->count)
      live_release(s, &real->live[p->count], true, real);
   free(real->live);
   real->live = NULL;
}

/* Mapped ranges [ptr, ptr + length) of different allocations never overlap. */
struct interval {
   uintptr_t begin, end;
   uint32_t index;
};

static int
interval_compare(const void *a, const void *b)
{
   const struct interval *x = a, *y = b;
   return x->begin < y->begin ? -1 : x->begin > y->begin;
}

static bool
check_intervals(const char *label, struct interval *intervals, uint32_t count)
{
   qsort(intervals, count, sizeof(*intervals), interval_compare);
   for (uint32_t i = 1; i < count; i++) {
      if (intervals[i].begin < intervals[i - 1].end) {
         it_report(__FILE__, __LINE__, "%s: mapped ranges overlap: allocation %u [%#" PRIxPTR
                   ", %#" PRIxPTR ") and allocation %u [%#" PRIxPTR ", %#" PRIxPTR ")", label,
                   intervals[i - 1].index, intervals[i - 1].begin, intervals[i - 1].end,
                   intervals[i].index, intervals[i].begin, intervals[i].end);
         return false;
      }
   }
   return true;
}

static bool
plan_check_overlaps(const struct side *s, const struct plan *p, const struct realized *real)
{
   bool ok = false;
   struct interval *intervals = calloc(p->count + 1, sizeof(*intervals));
   uint32_t n = 0;
   CHECK(intervals != NULL);
   for (uint32_t i = 0; i < real->made; i++) {
      const struct live *l = &real->live[i];
      if (l->map) {
         intervals[n++] = (struct interval){(uintptr_t)l->map, (uintptr_t)l->map + l->map_size,
                                            i};
      }
   }
   CHECK(check_intervals(s->label, intervals, n));
   ok = true;
done:
   free(intervals);
   return ok;
}

/* The ranges that cover a host-cached buffer's bytes, one of three ways: from the mapping's
 * offset to its end (VK_WHOLE_SIZE), from the buffer's first atom to the end (VK_WHOLE_SIZE),
 * or up to three explicit pieces of whole atoms, the last one ending at the allocation's end
 * when the buffer's last atom reaches it. */
static uint32_t
cached_ranges(const struct side *s, const struct pbuf *b, const struct live *l, unsigned mode,
              VkMappedMemoryRange out[3])
{
   const VkDeviceSize atom = s->atom;
   const VkDeviceSize begin = align_down(l->bind_offset, atom);
   uint32_t n = 0;
   for (uint32_t i = 0; i < 3; i++) {
      out[i] = (VkMappedMemoryRange){.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
                                     .memory = l->memory};
   }
   switch (mode % 3) {
   case 0:
      out[n].offset = l->map_offset;
      out[n++].size = VK_WHOLE_SIZE;
      break;
   case 1:
      out[n].offset = begin;
      out[n++].size = VK_WHOLE_SIZE;
      break;
   default: {
      const VkDeviceSize aligned_end = align_up(l->bind_offset + b->size, atom);
      const VkDeviceSize stop = aligned_end >= l->alloc_size ? l->alloc_size : aligned_end;
      const VkDeviceSize atoms = (align_up(stop, atom) - begin) / atom;
      const VkDeviceSize cuts[4] = {begin, begin + atoms / 3 * atom,
                                    begin + 2 * atoms / 3 * atom, stop};
      for (uint32_t i = 0; i < 3; i++) {
         if (cuts[i + 1] > cuts[i]) {
            out[n].offset = cuts[i];
            out[n++].size = cuts[i + 1] - cuts[i];
         }
      }
      break;
   }
   }
   return n;
}

#define RANGE_BATCH 64u

/* Flushes (after host writes) or invalidates (before host reads) every host-cached buffer's
 * bytes, in calls of up to RANGE_BATCH ranges of many allocations. */
static bool
plan_flush(const struct side *s, const struct plan *p, const struct realized *real,
           bool invalidate)
{
   bool ok = false;
   VkMappedMemoryRange batch[RANGE_BATCH + 3];
   uint32_t n = 0;
   for (uint32_t i = 0; i <= p->count; i++) {
      if (i < p->count) {
         const struct pbuf *b = &p->buffers[i];
         if (b->kind == KIND_CACHED)
            n += cached_ranges(s, b, &real->live[i], b->flush_mode + invalidate, batch + n);
      }
      if (n >= RANGE_BATCH || (i == p->count && n > 0)) {
         if (invalidate)
            CHECK_VK(s->dev.vk.vkInvalidateMappedMemoryRanges(s->dev.handle, n, batch));
         else
            CHECK_VK(s->dev.vk.vkFlushMappedMemoryRanges(s->dev.handle, n, batch));
         n = 0;
      }
   }
   ok = true;
done:
   return ok;
}

static bool
report_pattern_mismatch(const struct side *s, const struct plan *p, uint32_t i,
                        const uint8_t *bytes, VkDeviceSize begin, VkDeviceSize end,
                        const char *what)
{
   if (end <= begin)
      return true;
   const struct pbuf *b = &p->buffers[i];
   uint64_t at = find_pattern_mismatch(bytes + begin, b->seed, begin, end - begin);
   if (at == UINT64_MAX)
      return true;
   VkDeviceSize offset = begin + at;
   it_report(__FILE__, __LINE__, "%s: %s: buffer %u (%s, %" PRIu64 " bytes) %s: byte %" PRIu64
             " is 0x%02x, expected 0x%02x", s->label, p->name, i, kind_names[b->kind],
             (uint64_t)b->size, what, (uint64_t)offset, bytes[offset],
             pattern_byte(b->seed, offset));
   return false;
}

/* Maps again at remap_offset (memory offset rounded down to the atom when host-cached) with
 * VK_WHOLE_SIZE or an explicit size, checks the alignment and the bytes seen there, and maps
 * as before. */
static bool
remap_check(const struct side *s, const struct plan *p, uint32_t i, struct live *l)
{
   bool ok = false;
   const struct pbuf *b = &p->buffers[i];
   const struct VolkDeviceTable *vk = &s->dev.vk;
   const VkDeviceSize granule = b->kind == KIND_CACHED ? s->atom : 1;
   const VkDeviceSize offset = align_down(l->bind_offset + b->remap_offset, granule);
   const VkDeviceSize length = min_size(64 * KIB, l->alloc_size - offset);
   const bool whole = b->seed & 1;
   vk->vkUnmapMemory(s->dev.handle, l->memory);
   l->map = NULL;
   void *ptr = NULL;
   CHECK_VK(vk->vkMapMemory(s->dev.handle, l->memory, offset, whole ? VK_WHOLE_SIZE : length, 0,
                            &ptr));
   l->map = ptr;
   CHECK(((uintptr_t)ptr - offset) % s->map_alignment == 0);
   if (b->kind == KIND_CACHED) {
      const VkMappedMemoryRange range = {.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
                                         .memory = l->memory, .offset = offset,
                                         .size = VK_WHOLE_SIZE};
      CHECK_VK(vk->vkInvalidateMappedMemoryRanges(s->dev.handle, 1, &range));
   }
   /* The buffer's bytes inside [offset, offset + length). */
   VkDeviceSize first = offset > l->bind_offset ? offset - l->bind_offset : 0;
   VkDeviceSize last = min_size(offset + length - l->bind_offset, b->size);
   const uint8_t *seen = l->map + (l->bind_offset + first - offset);
   uint64_t at = find_pattern_mismatch(seen, b->seed, first, last - first);
   if (at != UINT64_MAX) {
      it_report(__FILE__, __LINE__, "%s: %s: buffer %u mapped again at memory offset %" PRIu64
                ": buffer byte %" PRIu64 " differs", s->label, p->name, i, (uint64_t)offset,
                (uint64_t)(first + at));
      goto done;
   }
   vk->vkUnmapMemory(s->dev.handle, l->memory);
   l->map = NULL;
   CHECK(map_buffer(s, b, l));
   ok = true;
done:
   return ok;
}

/* The initial patterns: through the mapped pointers (then flushed) or into the staging buffer;
 * then the remapping checks. */
static bool
plan_write(const struct side *s, const struct plan *p, struct realized *real)
{
   bool ok = false;
   uint8_t *staging = real->staging_size ? real->live[p->count].data : NULL;
   for (uint32_t i = 0; i < p->count; i++) {
      const struct pbuf *b = &p->buffers[i];
      uint8_t *dst = b->kind == KIND_DEVICE ? staging + real->live[i].staging_offset
                                            : real->live[i].data;
      write_pattern(dst, b->seed, b->size);
   }
   CHECK(plan_flush(s, p, real, false));
   for (uint32_t i = 0; i < p->count; i++) {
      if (p->buffers[i].remap_offset)
         CHECK(remap_check(s, p, i, &real->live[i]));
   }
   ok = true;
done:
   return ok;
}

static void
full_barrier(const struct kt_device *device, VkCommandBuffer cmd)
{
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                         VK_ACCESS_MEMORY_WRITE_BIT, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                         VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT);
}

struct record_job {
   const struct plan *plan;
   const struct realized *real;
   const struct kt_compute_pipeline *saxpy;
   const VkDescriptorSet *sets;
};

static void
record_plan(const struct kt_device *device, VkCommandBuffer cmd, void *user)
{
   static uint32_t update_words[MAX_UPDATE_BYTES / 4];
   const struct record_job *job = user;
   const struct plan *p = job->plan;
   const struct live *live = job->real->live;
   const struct VolkDeviceTable *vk = &device->vk;
   const VkBuffer staging = job->real->staging_size ? live[p->count].buffer : VK_NULL_HANDLE;

   for (uint32_t i = 0; i < p->count; i++) {
      if (p->buffers[i].kind == KIND_DEVICE) {
         const VkBufferCopy up = {live[i].staging_offset, 0, p->buffers[i].size};
         vk->vkCmdCopyBuffer(cmd, staging, live[i].buffer, 1, &up);
      }
   }
   full_barrier(device, cmd);
   for (uint32_t k = 0; k < p->saxpy_count; k++)
      kt_saxpy_record(device, cmd, job->saxpy, job->sets[k], p->saxpy[k].n, SAXPY_A);
   full_barrier(device, cmd);
   for (uint32_t k = 0; k < p->copy_count; k++) {
      const struct op_copy *op = &p->copies[k];
      vk->vkCmdCopyBuffer(cmd, live[op->src].buffer, live[op->dst].buffer, op->region_count,
                          op->regions);
   }
   full_barrier(device, cmd);
   for (uint32_t k = 0; k < p->fill_count; k++) {
      const struct op_fill *op = &p->fills[k];
      vk->vkCmdFillBuffer(cmd, live[op->dst].buffer, op->offset, op->size, op->data);
   }
   for (uint32_t k = 0; k < p->update_count; k++) {
      const struct op_update *op = &p->updates[k];
      for (VkDeviceSize w = 0; w < op->size / 4; w++)
         update_words[w] = pattern_word(op->seed, w);
      vk->vkCmdUpdateBuffer(cmd, live[op->dst].buffer, op->offset, op->size, update_words);
   }
   full_barrier(device, cmd);
   for (uint32_t i = 0; i < p->count; i++) {
      if (p->buffers[i].kind == KIND_DEVICE) {
         const VkBufferCopy down = {0, live[i].staging_offset, p->buffers[i].size};
         vk->vkCmdCopyBuffer(cmd, live[i].buffer, staging, 1, &down);
      }
   }
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                         VK_ACCESS_MEMORY_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                         VK_ACCESS_HOST_READ_BIT);
}

/* One submission: uploads, SAXPY, copies, fills and updates, readbacks; then invalidation. */
static bool
plan_execute(const struct side *s, const struct plan *p, const struct realized *real)
{
   bool ok = false;
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSet *sets = calloc(p->saxpy_count + 1, sizeof(*sets));
   CHECK(sets != NULL);
   CHECK_VK(kt_descriptor_pool_create(&s->dev, p->saxpy_count + 1, 2, &pool));
   for (uint32_t k = 0; k < p->saxpy_count; k++) {
      const struct op_saxpy *op = &p->saxpy[k];
      const VkDescriptorBufferInfo buffers[2] = {
         {real->live[op->x].buffer, 0, (VkDeviceSize)op->n * 4},
         {real->live[op->y].buffer, 0, (VkDeviceSize)op->n * 4},
      };
      CHECK_VK(kt_descriptor_set_create(&s->dev, pool, &s->saxpy, buffers, &sets[k]));
   }
   const struct record_job job = {p, real, &s->saxpy, sets};
   CHECK_VK(kt_submit_once(&s->dev, 0, record_plan, (void *)&job, p->name));
   CHECK(plan_flush(s, p, real, true));
   ok = true;
done:
   if (pool != VK_NULL_HANDLE)
      s->dev.vk.vkDestroyDescriptorPool(s->dev.handle, pool, NULL);
   free(sets);
   return ok;
}

/* A buffer's bytes after the submission. */
static const uint8_t *
final_bytes(const struct plan *p, const struct realized *real, uint32_t i)
{
   const struct live *l = &real->live[i];
   if (p->buffers[i].kind == KIND_DEVICE)
      return real->live[p->count].data + l->staging_offset;
   return l->data;
}

static bool
verify_saxpy(const struct side *s, const struct plan *p, uint32_t i, const uint8_t *bytes)
{
   const struct op_saxpy *op = &p->saxpy[p->buffers[i].op];
   const uint32_t x_seed = p->buffers[op->x].seed, y_seed = p->buffers[i].seed;
   for (uint32_t k = 0; k < op->n; k++) {
      float x = pattern_float(x_seed, k), y = pattern_float(y_seed, k), got;
      memcpy(&got, bytes + 4 * (VkDeviceSize)k, sizeof(got));
      float fused = fmaf(SAXPY_A, x, y);
      float product = SAXPY_A * x;
      float unfused = product + y;
      double bound = fabs((double)fused - (double)unfused) + FLT_MIN;
      if (!(fabs((double)got - (double)fused) <= bound)) {
         it_report(__FILE__, __LINE__, "%s: %s: SAXPY into buffer %u, element %u: %.9g, "
                   "expected %.9g", s->label, p->name, i, k, (double)got, (double)fused);
         return false;
      }
   }
   return report_pattern_mismatch(s, p, i, bytes, (VkDeviceSize)op->n * 4, p->buffers[i].size,
                                  "after SAXPY's elements");
}

static bool
verify_copy(const struct side *s, const struct plan *p, const struct realized *real, uint32_t i,
            const uint8_t *bytes)
{
   const struct op_copy *op = &p->copies[p->buffers[i].op];
   const uint8_t *src = final_bytes(p, real, op->src);
   VkDeviceSize at = 0;
   for (uint32_t r = 0; r < op->region_count; r++) {
      const VkBufferCopy *region = &op->regions[r];
      if (!report_pattern_mismatch(s, p, i, bytes, at, region->dstOffset, "outside the copy"))
         return false;
      if (memcmp(bytes + region->dstOffset, src + region->srcOffset, region->size) != 0) {
         it_report(__FILE__, __LINE__, "%s: %s: copy %u (buffer %u [%" PRIu64 ", +%" PRIu64
                   ") to buffer %u at %" PRIu64 "): the bytes differ", s->label, p->name,
                   p->buffers[i].op, op->src, (uint64_t)region->srcOffset,
                   (uint64_t)region->size, i, (uint64_t)region->dstOffset);
         return false;
      }
      at = region->dstOffset + region->size;
   }
   return report_pattern_mismatch(s, p, i, bytes, at, p->buffers[i].size, "outside the copy");
}

/* Words [begin, end) of bytes equal word(k) for k from 0. */
static bool
verify_words(const struct side *s, const struct plan *p, uint32_t i, const uint8_t *bytes,
             VkDeviceSize begin, VkDeviceSize end, uint32_t fill, uint32_t seed, bool is_fill)
{
   for (VkDeviceSize o = begin; o < end; o += 4) {
      uint32_t w, expected = is_fill ? fill : pattern_word(seed, (o - begin) / 4);
      memcpy(&w, bytes + o, sizeof(w));
      if (w != expected) {
         it_report(__FILE__, __LINE__, "%s: %s: buffer %u byte %" PRIu64 ": word 0x%08x, "
                   "expected the %s's 0x%08x", s->label, p->name, i, (uint64_t)o, w,
                   is_fill ? "fill" : "update", expected);
         return false;
      }
   }
   return true;
}

/* Every buffer holds what the host expects from the plan. */
static bool
plan_verify(const struct side *s, const struct plan *p, const struct realized *real)
{
   for (uint32_t i = 0; i < p->count; i++) {
      const struct pbuf *b = &p->buffers[i];
      const uint8_t *bytes = final_bytes(p, real, i);
      bool good = true;
      switch (b->role) {
      case ROLE_SAXPY_Y:
         good = verify_saxpy(s, p, i, bytes);
         break;
      case ROLE_COPY_DST:
         good = verify_copy(s, p, real, i, bytes);
         break;
      case ROLE_FILL_DST: {
         const struct op_fill *op = &p->fills[b->op];
         VkDeviceSize end = op->size == VK_WHOLE_SIZE ? b->size : op->offset + op->size;
         good = report_pattern_mismatch(s, p, i, bytes, 0, op->offset, "before the fill") &&
                verify_words(s, p, i, bytes, op->offset, end, op->data, 0, true) &&
                report_pattern_mismatch(s, p, i, bytes, end, b->size, "after the fill");
         break;
      }
      case ROLE_UPDATE_DST: {
         const struct op_update *op = &p->updates[b->op];
         VkDeviceSize end = op->offset + op->size;
         good = report_pattern_mismatch(s, p, i, bytes, 0, op->offset, "before the update") &&
                verify_words(s, p, i, bytes, op->offset, end, 0, op->seed, false) &&
                report_pattern_mismatch(s, p, i, bytes, end, b->size, "after the update");
         break;
      }
      default:
         good = report_pattern_mismatch(s, p, i, bytes, 0, b->size, "untouched");
         break;
      }
      if (!good)
         return false;
   }
   return true;
}

/* Kronos's bytes equal the vendor's, buffer by buffer. */
static bool
plan_compare(const struct plan *p, const struct realized *vendor, const struct realized *kronos)
{
   for (uint32_t i = 0; i < p->count; i++) {
      const uint8_t *v = final_bytes(p, vendor, i), *k = final_bytes(p, kronos, i);
      if (memcmp(v, k, p->buffers[i].size) != 0) {
         VkDeviceSize at = 0;
         while (v[at] == k[at])
            at++;
         it_report(__FILE__, __LINE__, "%s: buffer %u (%s, %" PRIu64 " bytes): Kronos differs "
                   "from the vendor first at byte %" PRIu64 " (0x%02x, vendor 0x%02x)", p->name,
                   i, kind_names[p->buffers[i].kind], (uint64_t)p->buffers[i].size,
                   (uint64_t)at, k[at], v[at]);
         return false;
      }
   }
   return true;
}

/* Kronos's statistics around a plan. */
struct plan_stats {
   VkKronosDeviceStatistics before, live, after;
   uint64_t allocations, frees;
   VkDeviceSize small_bytes;
};

/* Kronos's counts and pool bytes around a plan. */
static bool
check_plan_stats(const struct plan *p, struct plan_stats *st)
{
   bool ok = false;
   CHECK(read_stats(&st->after));
   CHECK(check_counts(p->name, &st->before, &st->after, st->allocations, st->frees));
   CHECK(check_pool_bytes("while live", &st->live, true));
   CHECK(check_pool_bytes("after freeing", &st->after, false));
   CHECK(st->after.pool_bytes_in_use == st->before.pool_bytes_in_use);
   /* The small allocations are sub-allocated: in use covers them. */
   if (options.expect_pool)
      CHECK(st->live.pool_bytes_in_use - st->before.pool_bytes_in_use >= st->small_bytes);
   ok = true;
done:
   return ok;
}

/* The plan on both devices at once (both hold everything until compared), then freed. */
static bool
run_plan(const struct plan *p, struct plan_stats *st)
{
   bool ok = false;
   struct realized real[SIDE_COUNT];
   memset(real, 0, sizeof(real));
   VkDeviceSize total = 0;
   for (uint32_t i = 0; i < p->count; i++)
      total += p->buffers[i].size;
   printf("  %s: %u buffers, %.1f MiB\n", p->name, p->count, (double)total / (double)MIB);

   CHECK(read_stats(&st->before));
   for (int side = 0; side < SIDE_COUNT; side++) {
      const struct side *s = &sides[side];
      double t0 = seconds_now();
      CHECK(plan_realize(s, p, &real[side]));
      double t1 = seconds_now();
      CHECK(plan_check_overlaps(s, p, &real[side]));
      CHECK(plan_write(s, p, &real[side]));
      double t2 = seconds_now();
      if (side == KRONOS)
         CHECK(read_stats(&st->live));
      CHECK(plan_execute(s, p, &real[side]));
      double t3 = seconds_now();
      CHECK(plan_verify(s, p, &real[side]));
      printf("    %s: allocate, bind, map %.3f s; write %.3f s; execute %.3f s; verify %.3f s\n",
             s->label, t1 - t0, t2 - t1, t3 - t2, seconds_now() - t3);
   }
   CHECK(plan_compare(p, &real[VENDOR], &real[KRONOS]));
   printf("    Kronos's bytes equal the vendor's\n");
   ok = true;
done:
   for (int side = 0; side < SIDE_COUNT; side++)
      plan_release(&sides[side], p, &real[side]);
   st->allocations = real[KRONOS].allocations;
   st->frees = real[KRONOS].frees;
   st->small_bytes = real[KRONOS].small_bytes;
   return ok && check_plan_stats(p, st);
}

/* --- Tests -------------------------------------------------------------------------------- */

static bool
setup(void)
{
   bool ok = false;
   CHECK_VK(kt_system_create("it_memory_pool", false, false, &sys));
   const struct kt_device_pair *pair = kt_system_find_pair(&sys, NULL);
   if (!pair)
      fprintf(stderr, "no Kronos device with its vendor device visible: VK_DRIVER_FILES must "
                      "name the vendor's manifest and Kronos's\n");
   CHECK(pair != NULL);
   CHECK(side_open(&sides[VENDOR], pair->vendor, "vendor"));
   CHECK(side_open(&sides[KRONOS], pair->kronos, "kronos"));
   VkKronosDeviceStatistics s;
   CHECK_VK(it_device_statistics(sides[KRONOS].dev.handle, &s));
   CHECK_RESULT(it_device_statistics(sides[VENDOR].dev.handle, &s),
                VK_ERROR_EXTENSION_NOT_PRESENT);
   printf("  options:%s%s%s\n", options.expect_pool ? " --expect-pool" : "",
          options.expect_direct ? " --expect-direct" : "",
          options.max_allocations_only ? " --max-allocations" : "");
   ok = true;
done:
   return ok;
}

static bool
mixed_round(const char *name, uint64_t seed)
{
   bool ok = false;
   struct plan p = {0};
   struct plan_stats st;
   CHECK(plan_make_mixed(&p, name, seed, 2000));
   CHECK(run_plan(&p, &st));
   CHECK(check_pool_ratio(name));
   ok = true;
done:
   plan_free(&p);
   return ok;
}

static bool
mixed_round_1(void)
{
   return mixed_round("mixed buffers, round 1", 0x4b524f4e4f530001ull);
}

static bool
mixed_round_2(void)
{
   return mixed_round("mixed buffers, round 2", 0x4b524f4e4f530002ull);
}

static bool
dedicated_and_large(void)
{
   bool ok = false;
   struct plan p = {0};
   struct plan_stats st;
   CHECK(plan_make_large(&p));
   CHECK(run_plan(&p, &st));
   /* Dedicated requests are real vendor allocations. */
   uint32_t dedicated = 0;
   for (uint32_t i = 0; i < p.count; i++)
      dedicated += p.buffers[i].dedicated;
   if (options.expect_pool)
      CHECK(st.after.vendor_allocations - st.before.vendor_allocations >= dedicated);
   ok = true;
done:
   plan_free(&p);
   return ok;
}

/* --- The churn: allocate and free in a window of live allocations, twice alike ------------ */

#define CHURN_SLOTS 48u
#define CHURN_OPS 1500u

struct churn_slot {
   VkDeviceMemory memory;
   uint8_t *map;
   VkDeviceSize size;
   uint32_t seed;
   bool cached;
};

static bool
churn_free(const struct side *s, struct churn_slot *slot, bool unmap, uint64_t *frees)
{
   bool ok = false;
   const struct VolkDeviceTable *vk = &s->dev.vk;
   if (slot->map) {
      if (slot->cached) {
         const VkMappedMemoryRange range = {.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
                                            .memory = slot->memory, .size = VK_WHOLE_SIZE};
         CHECK_VK(vk->vkInvalidateMappedMemoryRanges(s->dev.handle, 1, &range));
      }
      uint64_t at = find_pattern_mismatch(slot->map, slot->seed, 0, slot->size);
      if (at != UINT64_MAX) {
         it_report(__FILE__, __LINE__, "%s: churn: allocation of %" PRIu64 " bytes changed at "
                   "byte %" PRIu64 " (overwritten through another allocation?)", s->label,
                   (uint64_t)slot->size, at);
         goto done;
      }
   }
   ok = true;
done:
   if (slot->map && unmap)
      vk->vkUnmapMemory(s->dev.handle, slot->memory);
   if (slot->memory != VK_NULL_HANDLE) {
      vk->vkFreeMemory(s->dev.handle, slot->memory, NULL);
      (*frees)++;
   }
   memset(slot, 0, sizeof(*slot));
   return ok;
}

static bool
churn_round(const struct side *s, uint64_t seed, uint64_t *allocations, uint64_t *frees)
{
   bool ok = false;
   const struct VolkDeviceTable *vk = &s->dev.vk;
   struct churn_slot slots[CHURN_SLOTS];
   memset(slots, 0, sizeof(slots));
   uint64_t rng = seed;
   const uint32_t all_types = (1u << s->dev.memory.memoryTypeCount) - 1;
   for (uint32_t op = 0; op < CHURN_OPS; op++) {
      struct churn_slot *slot = &slots[it_random_below(&rng, CHURN_SLOTS)];
      bool unmap = it_random_below(&rng, 2);
      if (slot->memory != VK_NULL_HANDLE)
         CHECK(churn_free(s, slot, unmap, frees));
      uint64_t r = it_random_below(&rng, 100);
      slot->size = r < 75 ? random_size(&rng, 8, 14)
                   : r < 95 ? random_size(&rng, 14, 18) : random_size(&rng, 18, 21);
      slot->cached = it_random_below(&rng, 3) == 0;
      slot->seed = (uint32_t)it_random(&rng);
      const VkMemoryAllocateInfo info = {
         .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
         .allocationSize = slot->size,
         .memoryTypeIndex = pick_type(s, all_types, slot->cached ? KIND_CACHED : KIND_HOST),
      };
      VkDeviceMemory memory = VK_NULL_HANDLE;
      (*allocations)++;
      CHECK_VK(vk->vkAllocateMemory(s->dev.handle, &info, NULL, &memory));
      slot->memory = memory;
      void *ptr = NULL;
      CHECK_VK(vk->vkMapMemory(s->dev.handle, memory, 0, VK_WHOLE_SIZE, 0, &ptr));
      slot->map = ptr;
      CHECK((uintptr_t)ptr % s->map_alignment == 0);
      const uintptr_t begin = (uintptr_t)ptr, end = begin + slot->size;
      for (uint32_t j = 0; j < CHURN_SLOTS; j++) {
         const struct churn_slot *other = &slots[j];
         if (other != slot && other->map) {
            const uintptr_t other_begin = (uintptr_t)other->map;
            if (begin < other_begin + other->size && other_begin < end) {
               it_report(__FILE__, __LINE__, "%s: churn, operation %u: the new mapping [%#"
                         PRIxPTR ", +%" PRIu64 ") overlaps a live one [%#" PRIxPTR ", +%" PRIu64
                         ")", s->label, op, begin, (uint64_t)slot->size, other_begin,
                         (uint64_t)other->size);
               goto done;
            }
         }
      }
      write_pattern(slot->map, slot->seed, slot->size);
      if (slot->cached) {
         const VkMappedMemoryRange range = {.sType = VK_STRUCTURE_TYPE_MAPPED_MEMORY_RANGE,
                                            .memory = memory, .size = VK_WHOLE_SIZE};
         CHECK_VK(vk->vkFlushMappedMemoryRanges(s->dev.handle, 1, &range));
      }
   }
   ok = true;
done:
   for (uint32_t j = 0; j < CHURN_SLOTS; j++)
      ok = churn_free(s, &slots[j], j % 2, frees) && ok;
   return ok;
}

/* A program's first small allocation of a memory type reserves a small block (1 MiB), not a
 * large one: vendor allocations cost time in proportion to their size. Runs on the fresh
 * device, before anything else has grown the pools. */
static bool
small_first_block(void)
{
   bool ok = false;
   const struct side *s = &sides[KRONOS];
   const struct VolkDeviceTable *vk = &s->dev.vk;
   VkDeviceMemory memory = VK_NULL_HANDLE;
   VkKronosDeviceStatistics before, after;
   CHECK(read_stats(&before));
   CHECK(before.pool_bytes_reserved == 0);
   const VkMemoryAllocateInfo info = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = 4096,
      .memoryTypeIndex = 0,
   };
   CHECK_VK(vk->vkAllocateMemory(s->dev.handle, &info, NULL, &memory));
   CHECK(read_stats(&after));
   printf("  one 4 KiB allocation: %" PRIu64 " vendor allocation(s), pool bytes reserved %" PRIu64
          "\n", after.vendor_allocations - before.vendor_allocations, after.pool_bytes_reserved);
   CHECK(after.vendor_allocations - before.vendor_allocations == 1);
   if (options.expect_pool)
      CHECK(after.pool_bytes_reserved == 1u << 20);
   ok = true;
done:
   if (memory != VK_NULL_HANDLE)
      vk->vkFreeMemory(s->dev.handle, memory, NULL);
   return ok;
}

static bool
churn(void)
{
   bool ok = false;
   const struct side *s = &sides[KRONOS];
   const uint64_t seed = 0x4348555201ull;
   VkKronosDeviceStatistics s0, s1, s2;
   uint64_t a1 = 0, f1 = 0, a2 = 0, f2 = 0;
   CHECK(read_stats(&s0));
   double t0 = seconds_now();
   CHECK(churn_round(s, seed, &a1, &f1));
   CHECK(read_stats(&s1));
   double t1 = seconds_now();
   CHECK(churn_round(s, seed, &a2, &f2));
   CHECK(read_stats(&s2));
   printf("  %u operations on %u slots: %.3f s, then %.3f s\n", CHURN_OPS, CHURN_SLOTS, t1 - t0,
          seconds_now() - t1);
   CHECK(check_counts("churn, round 1", &s0, &s1, a1, f1));
   CHECK(check_counts("churn, round 2", &s1, &s2, a2, f2));
   CHECK(check_pool_bytes("after the churn", &s2, false));
   CHECK(s1.pool_bytes_in_use == s0.pool_bytes_in_use);
   CHECK(s2.pool_bytes_in_use == s0.pool_bytes_in_use);
   /* Steady state: the second round is served from what the first left. */
   if (options.expect_pool)
      CHECK(s2.vendor_allocations == s1.vendor_allocations);
   ok = true;
done:
   return ok;
}

/* --- Many live allocations ---------------------------------------------------------------- */

#define HOLD_COUNT 1000u

struct held {
   VkBuffer buffer;
   VkDeviceMemory memory;
   uint8_t *map;
   VkDeviceSize size;
   uint32_t seed;
   bool filled;
};

/* The last refusal's result, for the report. */
static VkResult hold_refusal = VK_SUCCESS;

struct hold_job {
   const struct held *held;
   uint32_t count;
};

static void
record_hold_fills(const struct kt_device *device, VkCommandBuffer cmd, void *user)
{
   const struct hold_job *job = user;
   for (uint32_t i = 0; i < job->count; i++) {
      const struct held *h = &job->held[i];
      if (h->filled && h->buffer != VK_NULL_HANDLE)
         device->vk.vkCmdFillBuffer(cmd, h->buffer, align_down(h->size / 2, 4), VK_WHOLE_SIZE,
                                    0x5a000000u | i);
   }
   kt_cmd_memory_barrier(device, cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                         VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT,
                         VK_ACCESS_HOST_READ_BIT);
}

static void
held_release(const struct side *s, struct held *h, bool unmap, uint64_t *frees)
{
   if (h->map && unmap)
      s->dev.vk.vkUnmapMemory(s->dev.handle, h->memory);
   if (h->buffer != VK_NULL_HANDLE)
      s->dev.vk.vkDestroyBuffer(s->dev.handle, h->buffer, NULL);
   if (h->memory != VK_NULL_HANDLE) {
      s->dev.vk.vkFreeMemory(s->dev.handle, h->memory, NULL);
      (*frees)++;
   }
   memset(h, 0, sizeof(*h));
}

/* One small host-coherent allocation with a buffer bound, mapped and written. A refusal
 * (out of device memory, too many objects) is *refused, unless the pool is expected. */
static bool
held_create(const struct side *s, uint64_t *rng, uint32_t index, struct held *h,
            uint64_t *allocations, bool *refused)
{
   bool ok = false;
   const struct VolkDeviceTable *vk = &s->dev.vk;
   *refused = false;
   h->size = 256 + 4 * it_random_below(rng, 961);
   h->seed = (uint32_t)it_random(rng);
   h->filled = index % 4 == 0;
   const VkBufferCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
      .size = h->size,
      .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
   };
   VkBuffer buffer = VK_NULL_HANDLE;
   CHECK_VK(vk->vkCreateBuffer(s->dev.handle, &info, NULL, &buffer));
   h->buffer = buffer;
   VkMemoryRequirements req;
   vk->vkGetBufferMemoryRequirements(s->dev.handle, buffer, &req);
   const VkMemoryAllocateInfo allocate = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
      .allocationSize = req.size,
      .memoryTypeIndex = pick_type(s, req.memoryTypeBits, KIND_HOST),
   };
   CHECK(allocate.memoryTypeIndex != UINT32_MAX);
   VkDeviceMemory memory = VK_NULL_HANDLE;
   (*allocations)++;
   VkResult result = vk->vkAllocateMemory(s->dev.handle, &allocate, NULL, &memory);
   if (!options.expect_pool &&
       (result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_TOO_MANY_OBJECTS)) {
      *refused = true;
      hold_refusal = result;
      vk->vkDestroyBuffer(s->dev.handle, buffer, NULL);
      h->buffer = VK_NULL_HANDLE;
      h->filled = false;
      ok = true;
      goto done;
   }
   CHECK_VK(result);
   h->memory = memory;
   CHECK_VK(vk->vkBindBufferMemory(s->dev.handle, buffer, memory, 0));
   void *ptr = NULL;
   CHECK_VK(vk->vkMapMemory(s->dev.handle, memory, 0, VK_WHOLE_SIZE, 0, &ptr));
   h->map = ptr;
   CHECK((uintptr_t)ptr % s->map_alignment == 0);
   write_pattern(h->map, h->seed, h->size);
   ok = true;
done:
   return ok;
}

/* After 1000 live allocations were freed: the counts, and that the refusals cost nothing (as
 * many allocations as succeeded succeed again). */
static bool
hold_after(const VkKronosDeviceStatistics *s0, uint64_t allocations, uint64_t frees,
           uint32_t successes, uint64_t refusals)
{
   bool ok = false;
   const struct side *s = &sides[KRONOS];
   VkKronosDeviceStatistics s1;
   struct held *held = calloc(successes + 1, sizeof(*held));
   uint64_t rng = 0x414741494eull, again = 0, freed = 0;
   CHECK(held != NULL);
   CHECK(read_stats(&s1));
   printf("  freed: application allocations %" PRIu64 " (of %" PRIu64 " calls), frees %" PRIu64
          "; vendor allocations %" PRIu64 ", frees %" PRIu64 "\n",
          s1.app_allocations - s0->app_allocations, allocations, s1.app_frees - s0->app_frees,
          s1.vendor_allocations - s0->vendor_allocations, s1.vendor_frees - s0->vendor_frees);
   CHECK(frees == successes);
   CHECK(s1.app_frees - s0->app_frees == frees);
   CHECK(s1.app_allocations - s0->app_allocations >= successes);
   CHECK(s1.app_allocations - s0->app_allocations <= allocations);
   CHECK(s1.pool_bytes_in_use == s0->pool_bytes_in_use);
   if (!refusals)
      CHECK(check_counts("1000 live allocations", s0, &s1, allocations, frees));
   for (uint32_t i = 0; i < successes; i++) {
      bool refused = false;
      CHECK(held_create(s, &rng, i, &held[i], &again, &refused));
      if (refused) {
         it_report(__FILE__, __LINE__, "allocation %u of %u refused after everything was freed",
                   i, successes);
         goto done;
      }
   }
   ok = true;
done:
   for (uint32_t i = 0; held && i < successes; i++)
      held_release(s, &held[i], true, &freed);
   free(held);
   return ok;
}

static bool
hold_many(void)
{
   bool ok = false;
   const struct side *s = &sides[KRONOS];
   const char *limit_text = getenv("KRONOS_VENDOR_MAX_ALLOCATIONS");
   const unsigned long limit = limit_text ? strtoul(limit_text, NULL, 10) : 0;
   struct held *held = calloc(HOLD_COUNT, sizeof(*held));
   struct interval *intervals = calloc(HOLD_COUNT, sizeof(*intervals));
   uint32_t *order = calloc(HOLD_COUNT, sizeof(*order));
   uint64_t rng = 0x484f4c44ull, allocations = 0, frees = 0, refusals = 0;
   uint32_t successes = 0;
   VkKronosDeviceStatistics s0, s1;
   CHECK(held && intervals && order);
   CHECK(read_stats(&s0));
   for (uint32_t i = 0; i < HOLD_COUNT; i++) {
      bool refused = false;
      CHECK(held_create(s, &rng, i, &held[i], &allocations, &refused));
      refusals += refused;
      if (!refused) {
         intervals[successes++] = (struct interval){
            (uintptr_t)held[i].map, (uintptr_t)held[i].map + held[i].size, i};
      }
   }
   CHECK(read_stats(&s1));
   printf("  %u allocations held live, %" PRIu64 " refused%s%s%s; KRONOS_VENDOR_MAX_ALLOCATIONS "
          "%s; live vendor allocations %" PRIu64 "\n",
          successes, refusals, refusals ? " (" : "", refusals ? it_result_name(hold_refusal) : "",
          refusals ? ")" : "", limit_text ? limit_text : "unset",
          s1.vendor_allocations - s1.vendor_frees);
   CHECK(check_pool_bytes("while live", &s1, true));
   if (!limit)
      CHECK(refusals == 0);
   if (options.expect_pool) {
      CHECK(refusals == 0);
      CHECK(s1.vendor_allocations - s1.vendor_frees <= (limit ? limit : HOLD_COUNT / 8));
   }
   CHECK(check_intervals(s->label, intervals, successes));
   const struct hold_job job = {held, HOLD_COUNT};
   CHECK_VK(kt_submit_once(&s->dev, 0, record_hold_fills, (void *)&job, "fills"));
   for (uint32_t i = 0; i < HOLD_COUNT; i++) {
      const struct held *h = &held[i];
      if (!h->map)
         continue;
      VkDeviceSize half = h->filled ? align_down(h->size / 2, 4) : h->size;
      uint64_t at = find_pattern_mismatch(h->map, h->seed, 0, half);
      for (VkDeviceSize o = half; o < h->size && at == UINT64_MAX; o += 4) {
         uint32_t w;
         memcpy(&w, h->map + o, sizeof(w));
         if (w != (0x5a000000u | i))
            at = o;
      }
      if (at != UINT64_MAX) {
         it_report(__FILE__, __LINE__, "allocation %u of %" PRIu64 " bytes: byte %" PRIu64
                   " differs", i, (uint64_t)h->size, at);
         goto done;
      }
   }
   ok = true;
done:
   /* Everything that succeeded is freed, in random order, some still mapped. */
   if (held && order) {
      for (uint32_t i = 0; i < HOLD_COUNT; i++)
         order[i] = i;
      shuffle(order, HOLD_COUNT, &rng);
      for (uint32_t i = 0; i < HOLD_COUNT; i++)
         held_release(s, &held[order[i]], order[i] % 3 != 0, &frees);
   }
   free(order);
   free(intervals);
   free(held);
   return ok && hold_after(&s0, allocations, frees, successes, refusals);
}

static bool
teardown(void)
{
   VkKronosDeviceStatistics s;
   if (sides[KRONOS].dev.handle != VK_NULL_HANDLE && read_stats(&s)) {
      printf("  Kronos, since the device was created: allocations %" PRIu64 " (vendor %" PRIu64
             "), frees %" PRIu64 " (vendor %" PRIu64 "), pool bytes reserved %" PRIu64
             ", in use %" PRIu64 "\n",
             s.app_allocations, s.vendor_allocations, s.app_frees, s.vendor_frees,
             s.pool_bytes_reserved, s.pool_bytes_in_use);
   }
   side_close(&sides[KRONOS]);
   side_close(&sides[VENDOR]);
   kt_system_destroy(&sys);
   return true;
}

static void
usage(FILE *out)
{
   fprintf(out, "usage: it_memory_pool [--expect-pool | --expect-direct] [--max-allocations]\n"
                "(the header of tests/integration/memory_pool.c says what each checks)\n");
}

int
main(int argc, char **argv)
{
   for (int i = 1; i < argc; i++) {
      if (strcmp(argv[i], "--expect-pool") == 0) {
         options.expect_pool = true;
      } else if (strcmp(argv[i], "--expect-direct") == 0) {
         options.expect_direct = true;
      } else if (strcmp(argv[i], "--max-allocations") == 0) {
         options.max_allocations_only = true;
      } else if (strcmp(argv[i], "--help") == 0) {
         usage(stdout);
         return 0;
      } else {
         fprintf(stderr, "it_memory_pool: unknown argument '%s'\n", argv[i]);
         usage(stderr);
         return 2;
      }
   }
   if (options.expect_pool && options.expect_direct) {
      fprintf(stderr, "it_memory_pool: --expect-pool and --expect-direct exclude each other\n");
      return 2;
   }
   static const struct it_test all[] = {
      {"vendor and Kronos devices in one instance", setup, true},
      {"a small first allocation reserves a 1 MiB block", small_first_block},
      {"2000 mixed buffers, round 1: bytes equal the vendor's", mixed_round_1},
      {"2000 mixed buffers, round 2: bytes equal the vendor's", mixed_round_2},
      {"dedicated allocations and allocations over 64 MiB", dedicated_and_large},
      {"allocate/free churn twice: steady state", churn},
      {"1000 small allocations live at once", hold_many},
      {"destroy the devices and the instance", teardown},
   };
   static const struct it_test max_allocations[] = {
      {"vendor and Kronos devices in one instance", setup, true},
      {"1000 small allocations live at once", hold_many},
      {"destroy the devices and the instance", teardown},
   };
   return options.max_allocations_only ? IT_RUN_TESTS(max_allocations) : IT_RUN_TESTS(all);
}
