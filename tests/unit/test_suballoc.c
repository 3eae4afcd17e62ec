/* SPDX-License-Identifier: MIT */
/* Unit tests of the TLSF sub-allocator (src/kr_suballoc.h): placement, alignment, merging,
 * bufferImageGranularity between kinds, failing host allocations, and long random sequences
 * checked against a reference model after every operation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <vulkan/vulkan.h>

#include "kr_suballoc.h"
#include "test_random.h"

#define KiB ((VkDeviceSize)1024)
#define MiB (1024 * KiB)

static uint32_t
msb_of(uint64_t x)
{
   return 63u - (uint32_t)__builtin_clzll(x);
}

static void
expect_consistent(const struct kr_suballoc *a)
{
   const char *broken = kr_suballoc_check(a);
   if (broken)
      print_error("sub-allocator inconsistent: %s\n", broken);
   assert_null(broken);
   assert_int_equal(kr_suballoc_bytes_used(a) + kr_suballoc_bytes_free(a), a->size);
   assert_true(kr_suballoc_largest_free(a) <= kr_suballoc_bytes_free(a));
   assert_int_equal(kr_suballoc_is_empty(a), kr_suballoc_allocation_count(a) == 0);
}

static struct kr_suballoc_range
expect_alloc(struct kr_suballoc *a, VkDeviceSize size, VkDeviceSize alignment,
             enum kr_suballoc_kind kind)
{
   struct kr_suballoc_range r = {0};
   VkResult result = kr_suballoc_alloc(a, size, alignment, kind, &r);
   if (result != VK_SUCCESS)
      print_error("alloc of %llu bytes aligned to %llu failed: %d\n", (unsigned long long)size,
                  (unsigned long long)alignment, result);
   assert_int_equal(result, VK_SUCCESS);
   assert_non_null(r.node);
   assert_int_equal(r.size, size);
   if (alignment)
      assert_int_equal(r.offset % alignment, 0);
   assert_true(r.offset <= a->size && size <= a->size - r.offset);
   expect_consistent(a);
   return r;
}

static void
expect_no_room(struct kr_suballoc *a, VkDeviceSize size, VkDeviceSize alignment,
               enum kr_suballoc_kind kind)
{
   VkDeviceSize used = kr_suballoc_bytes_used(a);
   uint32_t count = kr_suballoc_allocation_count(a);
   struct kr_suballoc_range r = {.offset = 12345};
   assert_int_equal(kr_suballoc_alloc(a, size, alignment, kind, &r),
                    VK_ERROR_OUT_OF_DEVICE_MEMORY);
   assert_int_equal(r.offset, 12345);
   assert_int_equal(kr_suballoc_bytes_used(a), used);
   assert_int_equal(kr_suballoc_allocation_count(a), count);
   expect_consistent(a);
}

static void
expect_free(struct kr_suballoc *a, const struct kr_suballoc_range *r)
{
   kr_suballoc_free(a, r);
   expect_consistent(a);
}

static void
expect_all_free(const struct kr_suballoc *a)
{
   expect_consistent(a);
   assert_true(kr_suballoc_is_empty(a));
   assert_int_equal(kr_suballoc_bytes_used(a), 0);
   assert_int_equal(kr_suballoc_free_range_count(a), 1);
   assert_int_equal(kr_suballoc_largest_free(a), a->size);
}

static void
init_rejects_bad_parameters(void **state)
{
   (void)state;
   struct kr_suballoc a;
   assert_int_equal(kr_suballoc_init(&a, 0, 1, NULL), VK_ERROR_INITIALIZATION_FAILED);
   assert_int_equal(kr_suballoc_init(&a, KR_SUBALLOC_MAX_SIZE + 1, 1, NULL),
                    VK_ERROR_INITIALIZATION_FAILED);
   assert_int_equal(kr_suballoc_init(&a, MiB, 3, NULL), VK_ERROR_INITIALIZATION_FAILED);
   assert_int_equal(kr_suballoc_init(&a, MiB, 1000, NULL), VK_ERROR_INITIALIZATION_FAILED);

   /* Granularity 0 reads as 1; the extreme sizes work. */
   static const VkDeviceSize sizes[] = {1, 31, 32, 33, 1000, 256 * MiB, KR_SUBALLOC_MAX_SIZE};
   for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
      assert_int_equal(kr_suballoc_init(&a, sizes[i], 0, NULL), VK_SUCCESS);
      assert_int_equal(a.granularity, 1);
      expect_all_free(&a);
      struct kr_suballoc_range r = expect_alloc(&a, sizes[i], 1, KR_SUBALLOC_LINEAR);
      assert_int_equal(r.offset, 0);
      expect_no_room(&a, 1, 1, KR_SUBALLOC_LINEAR);
      expect_free(&a, &r);
      expect_all_free(&a);
      kr_suballoc_finish(&a);
   }
}

static void
whole_block(void **state)
{
   (void)state;
   struct kr_suballoc a;
   assert_int_equal(kr_suballoc_init(&a, 64 * MiB, 1024, NULL), VK_SUCCESS);
   for (int kind = KR_SUBALLOC_LINEAR; kind <= KR_SUBALLOC_NONLINEAR; kind++) {
      struct kr_suballoc_range r = expect_alloc(&a, 64 * MiB, 65536, kind);
      assert_int_equal(r.offset, 0);
      assert_int_equal(kr_suballoc_bytes_used(&a), 64 * MiB);
      assert_int_equal(kr_suballoc_bytes_free(&a), 0);
      assert_int_equal(kr_suballoc_largest_free(&a), 0);
      assert_int_equal(kr_suballoc_free_range_count(&a), 0);
      assert_false(kr_suballoc_is_empty(&a));
      expect_no_room(&a, 1, 1, KR_SUBALLOC_LINEAR);
      expect_free(&a, &r);
      expect_all_free(&a);
   }
   kr_suballoc_finish(&a);
}

static void
rejects_zero_oversized_and_bad_requests(void **state)
{
   (void)state;
   struct kr_suballoc a;
   assert_int_equal(kr_suballoc_init(&a, MiB, 4096, NULL), VK_SUCCESS);
   struct kr_suballoc_range keep = expect_alloc(&a, 1000, 16, KR_SUBALLOC_LINEAR);

   expect_no_room(&a, 0, 1, KR_SUBALLOC_LINEAR);
   expect_no_room(&a, MiB + 1, 1, KR_SUBALLOC_LINEAR);
   expect_no_room(&a, UINT64_MAX, 1, KR_SUBALLOC_LINEAR);
   expect_no_room(&a, MiB - 999, 1, KR_SUBALLOC_LINEAR);
   /* Alignment not a power of two, unknown kind. */
   expect_no_room(&a, 64, 3, KR_SUBALLOC_LINEAR);
   expect_no_room(&a, 64, 48, KR_SUBALLOC_LINEAR);
   expect_no_room(&a, 64, 1, (enum kr_suballoc_kind)7);
   /* Fits by size but not once aligned: the only aligned offset left is past the end. */
   expect_no_room(&a, MiB / 2 + 1, MiB / 2, KR_SUBALLOC_LINEAR);
   /* A non-linear allocation rounded to the granularity no longer fits. */
   expect_no_room(&a, MiB - 4096 + 1, 1, KR_SUBALLOC_NONLINEAR);
   /* Huge alignments: only offset 0 is aligned, and it is taken. */
   expect_no_room(&a, 64, (VkDeviceSize)1 << 63, KR_SUBALLOC_LINEAR);

   expect_free(&a, &keep);
   struct kr_suballoc_range r = expect_alloc(&a, 64, (VkDeviceSize)1 << 63, KR_SUBALLOC_LINEAR);
   assert_int_equal(r.offset, 0);
   expect_free(&a, &r);
   /* Alignment 0 reads as 1. */
   r = expect_alloc(&a, 64, 0, KR_SUBALLOC_LINEAR);
   expect_free(&a, &r);
   /* Freeing nothing is harmless. */
   kr_suballoc_free(&a, NULL);
   struct kr_suballoc_range none = {0};
   kr_suballoc_free(&a, &none);
   expect_all_free(&a);
   kr_suballoc_finish(&a);
}

static void
exact_fit(void **state)
{
   (void)state;
   struct kr_suballoc a;
   assert_int_equal(kr_suballoc_init(&a, 10000, 1, NULL), VK_SUCCESS);
   /* Three allocations that fill the block exactly, back to back. */
   struct kr_suballoc_range r1 = expect_alloc(&a, 3000, 1, KR_SUBALLOC_LINEAR);
   struct kr_suballoc_range r2 = expect_alloc(&a, 4000, 1, KR_SUBALLOC_LINEAR);
   struct kr_suballoc_range r3 = expect_alloc(&a, 3000, 1, KR_SUBALLOC_LINEAR);
   assert_int_equal(r1.offset, 0);
   assert_int_equal(r2.offset, 3000);
   assert_int_equal(r3.offset, 7000);
   assert_int_equal(kr_suballoc_bytes_free(&a), 0);
   expect_no_room(&a, 1, 1, KR_SUBALLOC_LINEAR);

   /* The hole fits exactly its own size again, not one byte more. */
   expect_free(&a, &r2);
   expect_no_room(&a, 4001, 1, KR_SUBALLOC_LINEAR);
   r2 = expect_alloc(&a, 4000, 1, KR_SUBALLOC_LINEAR);
   assert_int_equal(r2.offset, 3000);
   assert_int_equal(kr_suballoc_free_range_count(&a), 0);

   /* A hole a few bytes too large: the remainder is padding, not a useless free range. */
   expect_free(&a, &r2);
   r2 = expect_alloc(&a, 4000 - 10, 1, KR_SUBALLOC_LINEAR);
   assert_int_equal(r2.offset, 3000);
   assert_int_equal(kr_suballoc_bytes_used(&a), 10000);
   assert_int_equal(kr_suballoc_free_range_count(&a), 0);

   expect_free(&a, &r1);
   expect_free(&a, &r3);
   expect_free(&a, &r2);
   expect_all_free(&a);
   kr_suballoc_finish(&a);
}

/* A free range that fits is found even where the good-fit search would miss it: in the class
 * of the request itself, or in classes that only fit when the offset happens to be aligned. */
static void
no_false_out_of_memory(void **state)
{
   (void)state;
   struct kr_suballoc a;
   assert_int_equal(kr_suballoc_init(&a, 4 * MiB, 1, NULL), VK_SUCCESS);
   /* One hole of 1100 bytes in a full block: sizes 1088 .. 1119 share its class. */
   struct kr_suballoc_range left = expect_alloc(&a, MiB, 1, KR_SUBALLOC_LINEAR);
   struct kr_suballoc_range hole = expect_alloc(&a, 1100, 1, KR_SUBALLOC_LINEAR);
   struct kr_suballoc_range right = expect_alloc(&a, 3 * MiB - 1100, 1, KR_SUBALLOC_LINEAR);
   expect_free(&a, &hole);
   expect_no_room(&a, 1101, 1, KR_SUBALLOC_LINEAR);
   hole = expect_alloc(&a, 1090, 1, KR_SUBALLOC_LINEAR);
   assert_int_equal(hole.offset, MiB);
   expect_free(&a, &hole);

   /* Holes of 64 KiB at 64 KiB-aligned offsets: a 64 KiB request aligned to 64 KiB fits in
    * one, though no free range has the 128 KiB that would fit it at any offset. */
   expect_free(&a, &left);
   expect_free(&a, &right);
   struct kr_suballoc_range r[64];
   for (int i = 0; i < 64; i++) {
      r[i] = expect_alloc(&a, 64 * KiB, 64 * KiB, KR_SUBALLOC_LINEAR);
      assert_int_equal(r[i].offset, (VkDeviceSize)i * 64 * KiB);
   }
   for (int i = 0; i < 64; i += 2)
      expect_free(&a, &r[i]);
   assert_int_equal(kr_suballoc_free_range_count(&a), 32);
   expect_no_room(&a, 64 * KiB + 1, 1, KR_SUBALLOC_LINEAR);
   struct kr_suballoc_range x = expect_alloc(&a, 64 * KiB, 64 * KiB, KR_SUBALLOC_LINEAR);
   assert_int_equal(x.offset % (128 * KiB), 0);
   expect_free(&a, &x);

   for (int i = 1; i < 64; i += 2)
      expect_free(&a, &r[i]);
   expect_all_free(&a);

   /* Two holes of 40 KiB in the same size class, at offsets 32 KiB and 80 KiB; the one at
    * 80 KiB heads the list and cannot hold 32 KiB aligned to 32 KiB (96 KiB + 32 KiB is past
    * its end), the other can, and no hole has the 63 KiB that would fit at any offset. */
   struct kr_suballoc_range p0 = expect_alloc(&a, 32 * KiB, 1, KR_SUBALLOC_LINEAR);
   struct kr_suballoc_range y = expect_alloc(&a, 40 * KiB, 1, KR_SUBALLOC_LINEAR);
   struct kr_suballoc_range sep = expect_alloc(&a, 8 * KiB, 1, KR_SUBALLOC_LINEAR);
   struct kr_suballoc_range z = expect_alloc(&a, 40 * KiB, 1, KR_SUBALLOC_LINEAR);
   struct kr_suballoc_range rest = expect_alloc(&a, 4 * MiB - 120 * KiB, 1, KR_SUBALLOC_LINEAR);
   assert_int_equal(y.offset, 32 * KiB);
   assert_int_equal(z.offset, 80 * KiB);
   expect_free(&a, &y);
   expect_free(&a, &z);
   expect_no_room(&a, 32 * KiB, 64 * KiB, KR_SUBALLOC_LINEAR);
   x = expect_alloc(&a, 32 * KiB, 32 * KiB, KR_SUBALLOC_LINEAR);
   assert_int_equal(x.offset, 32 * KiB);
   struct kr_suballoc_range all[] = {p0, sep, rest, x};
   for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
      expect_free(&a, &all[i]);
   expect_all_free(&a);
   kr_suballoc_finish(&a);
}

static void
alignments_1_to_65536(void **state)
{
   (void)state;
   struct kr_suballoc a;
   assert_int_equal(kr_suballoc_init(&a, 16 * MiB, 1, NULL), VK_SUCCESS);
   for (VkDeviceSize alignment = 1; alignment <= 8 * MiB; alignment <<= 1) {
      /* A 1-byte allocation first, so that the next free offset is odd. */
      struct kr_suballoc_range odd = expect_alloc(&a, 1, 1, KR_SUBALLOC_LINEAR);
      assert_int_equal(odd.offset, 0);
      struct kr_suballoc_range r = expect_alloc(&a, 100, alignment, KR_SUBALLOC_LINEAR);
      VkDeviceSize expected = alignment == 1 ? 1 : alignment;
      assert_int_equal(r.offset, expected);

      VkDeviceSize lead = expected - 1;
      if (lead >= KR_SUBALLOC_MIN_FRAGMENT) {
         /* The gap before the aligned offset became a free range, the one with the lowest
          * size class (below 8 MiB, where the range after the allocation has the same): a
          * small allocation lands in it, at the first odd offset. */
         assert_int_equal(kr_suballoc_bytes_used(&a), 1 + 100);
         assert_int_equal(kr_suballoc_free_range_count(&a), 2);
         struct kr_suballoc_range small = expect_alloc(&a, 8, 1, KR_SUBALLOC_LINEAR);
         if (alignment < 8 * MiB)
            assert_int_equal(small.offset, 1);
         expect_free(&a, &small);
      } else {
         /* A small gap is padding inside the allocation. */
         assert_int_equal(kr_suballoc_bytes_used(&a), 1 + lead + 100);
      }
      expect_free(&a, &r);
      expect_free(&a, &odd);
      expect_all_free(&a);
   }

   /* Alignments of the block's size and above: offset 0 only. */
   for (VkDeviceSize alignment = 16 * MiB; alignment <= 64 * MiB; alignment <<= 1) {
      struct kr_suballoc_range odd = expect_alloc(&a, 1, 1, KR_SUBALLOC_LINEAR);
      expect_no_room(&a, 100, alignment, KR_SUBALLOC_LINEAR);
      expect_free(&a, &odd);
      struct kr_suballoc_range r = expect_alloc(&a, 100, alignment, KR_SUBALLOC_LINEAR);
      assert_int_equal(r.offset, 0);
      expect_free(&a, &r);
   }
   kr_suballoc_finish(&a);
}

/* Four equal allocations filling the block; the free ranges merge to the left, to the right
 * and on both sides. */
static void
merges_with_neighbours(void **state)
{
   (void)state;
   const VkDeviceSize q = MiB;
   struct kr_suballoc a;
   assert_int_equal(kr_suballoc_init(&a, 4 * q, 1, NULL), VK_SUCCESS);
   struct kr_suballoc_range r[4];
   for (int i = 0; i < 4; i++)
      r[i] = expect_alloc(&a, q, 1, KR_SUBALLOC_LINEAR);
   assert_int_equal(kr_suballoc_free_range_count(&a), 0);

   /* Left: B merges with the free A before it. */
   expect_free(&a, &r[0]);
   expect_free(&a, &r[1]);
   assert_int_equal(kr_suballoc_free_range_count(&a), 1);
   assert_int_equal(kr_suballoc_largest_free(&a), 2 * q);
   r[0] = expect_alloc(&a, 2 * q, 1, KR_SUBALLOC_LINEAR);
   assert_int_equal(r[0].offset, 0);

   /* Right: C merges with the free D after it. */
   expect_free(&a, &r[3]);
   expect_free(&a, &r[2]);
   assert_int_equal(kr_suballoc_free_range_count(&a), 1);
   assert_int_equal(kr_suballoc_largest_free(&a), 2 * q);
   expect_free(&a, &r[0]);
   expect_all_free(&a);

   /* Both: B merges with A and C; then the block is one range again. */
   for (int i = 0; i < 4; i++)
      r[i] = expect_alloc(&a, q, 1, KR_SUBALLOC_LINEAR);
   expect_free(&a, &r[0]);
   expect_free(&a, &r[2]);
   assert_int_equal(kr_suballoc_free_range_count(&a), 2);
   assert_int_equal(kr_suballoc_largest_free(&a), q);
   expect_no_room(&a, q + 1, 1, KR_SUBALLOC_LINEAR);
   expect_free(&a, &r[1]);
   assert_int_equal(kr_suballoc_free_range_count(&a), 1);
   assert_int_equal(kr_suballoc_largest_free(&a), 3 * q);
   struct kr_suballoc_range big = expect_alloc(&a, 3 * q, 1, KR_SUBALLOC_LINEAR);
   assert_int_equal(big.offset, 0);
   expect_free(&a, &big);
   expect_free(&a, &r[3]);
   expect_all_free(&a);
   kr_suballoc_finish(&a);
}

/* Whether two ranges share a page of the given size. */
static bool
share_page(VkDeviceSize a_off, VkDeviceSize a_size, VkDeviceSize b_off, VkDeviceSize b_size,
           VkDeviceSize page)
{
   VkDeviceSize a_first = a_off / page, a_last = (a_off + a_size - 1) / page;
   VkDeviceSize b_first = b_off / page, b_last = (b_off + b_size - 1) / page;
   return a_first <= b_last && b_first <= a_last;
}

static void
granularity_between_kinds(void **state)
{
   (void)state;
   const VkDeviceSize g = 1024;
   struct kr_suballoc a;
   assert_int_equal(kr_suballoc_init(&a, MiB, g, NULL), VK_SUCCESS);

   /* Each non-linear allocation starts a page, and what follows it starts after its last
    * page; linear ones pack. */
   struct kr_suballoc_range l1 = expect_alloc(&a, 1000, 4, KR_SUBALLOC_LINEAR);
   struct kr_suballoc_range n1 = expect_alloc(&a, 1000, 4, KR_SUBALLOC_NONLINEAR);
   struct kr_suballoc_range l2 = expect_alloc(&a, 300, 4, KR_SUBALLOC_LINEAR);
   /* Leaves the free range [2348, 3072) before it. */
   struct kr_suballoc_range n2 = expect_alloc(&a, 2 * g + 1, 256, KR_SUBALLOC_NONLINEAR);
   /* Linear: right after l2, in l2's page, before n2's first page. */
   struct kr_suballoc_range l3 = expect_alloc(&a, 10, 1, KR_SUBALLOC_LINEAR);
   /* Non-linear: not in what is left of page 2, shared with l2 and l3. */
   struct kr_suballoc_range n3 = expect_alloc(&a, 10, 1, KR_SUBALLOC_NONLINEAR);
   struct kr_suballoc_range l4 = expect_alloc(&a, 1000, 1, KR_SUBALLOC_LINEAR);
   assert_int_equal(l1.offset, 0);
   assert_int_equal(n1.offset, g);
   assert_int_equal(l2.offset, 2 * g);
   assert_int_equal(n2.offset, 3 * g);
   assert_int_equal(l3.offset, 2348);
   assert_int_equal(n3.offset, 6 * g);
   assert_int_equal(l4.offset, 7 * g);

   /* A 300-byte hole between n1 and l3 cannot hold even a small non-linear allocation. */
   expect_free(&a, &l2);
   struct kr_suballoc_range n4 = expect_alloc(&a, 100, 1, KR_SUBALLOC_NONLINEAR);
   assert_int_equal(n4.offset, 8 * g);
   /* With l3 gone, page 2 is free between n1 and n2: a one-page image fits exactly. */
   expect_free(&a, &l3);
   struct kr_suballoc_range n5 = expect_alloc(&a, g, 1, KR_SUBALLOC_NONLINEAR);
   assert_int_equal(n5.offset, 2 * g);
   /* A larger alignment than the granularity wins. */
   struct kr_suballoc_range n6 = expect_alloc(&a, 100, 64 * KiB, KR_SUBALLOC_NONLINEAR);
   assert_int_equal(n6.offset, 64 * KiB);

   /* Sorted by offset: no two neighbours of different kinds share a page. */
   struct kr_suballoc_range live[] = {l1, n1, n5, n2, n3, l4, n4, n6};
   enum kr_suballoc_kind kinds[] = {0, 1, 1, 1, 1, 0, 1, 1};
   for (size_t i = 0; i + 1 < sizeof(live) / sizeof(live[0]); i++) {
      assert_true(live[i].offset + live[i].size <= live[i + 1].offset);
      if (kinds[i] != kinds[i + 1]) {
         assert_false(share_page(live[i].offset, live[i].size, live[i + 1].offset,
                                 live[i + 1].size, g));
      }
   }
   for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++)
      expect_free(&a, &live[i]);
   expect_all_free(&a);
   kr_suballoc_finish(&a);

   /* Granularity 1: no rounding at all. */
   assert_int_equal(kr_suballoc_init(&a, MiB, 1, NULL), VK_SUCCESS);
   l1 = expect_alloc(&a, 1000, 1, KR_SUBALLOC_LINEAR);
   n1 = expect_alloc(&a, 1000, 1, KR_SUBALLOC_NONLINEAR);
   l2 = expect_alloc(&a, 1000, 1, KR_SUBALLOC_LINEAR);
   assert_int_equal(n1.offset, 1000);
   assert_int_equal(l2.offset, 2000);
   assert_int_equal(kr_suballoc_bytes_used(&a), 3000);
   kr_suballoc_finish(&a);
}

/* Host allocation callbacks that count, and fail the Nth call. */
struct test_host {
   uint32_t calls;
   uint32_t fail_at; /* 0: never */
   uint32_t failures;
   int64_t live;
};

static void *VKAPI_PTR
host_alloc(void *user, size_t size, size_t align, VkSystemAllocationScope scope)
{
   (void)scope;
   struct test_host *h = user;
   if (++h->calls == h->fail_at) {
      h->failures++;
      return NULL;
   }
   if (align < sizeof(void *))
      align = sizeof(void *);
   void *p = aligned_alloc(align, (size + align - 1) & ~(align - 1));
   if (p)
      h->live++;
   return p;
}

static void *VKAPI_PTR
host_realloc(void *user, void *orig, size_t size, size_t align, VkSystemAllocationScope scope)
{
   (void)user, (void)orig, (void)size, (void)align, (void)scope;
   fail_msg("the sub-allocator does not reallocate");
   return NULL;
}

static void VKAPI_PTR
host_free(void *user, void *ptr)
{
   struct test_host *h = user;
   if (ptr) {
      h->live--;
      free(ptr);
   }
}

/* Failing the Nth host allocation, for every N that the sequence reaches: init fails cleanly,
 * or one allocation reports out of host memory, changes nothing, and succeeds when retried. */
static void
out_of_host_memory(void **state)
{
   (void)state;
   enum { COUNT = 3000 };
   struct kr_suballoc_range *r = calloc(COUNT, sizeof(*r));
   assert_non_null(r);
   bool reached_end = false;
   uint32_t init_failures = 0, alloc_failures = 0;
   for (uint32_t fail_at = 1; !reached_end; fail_at++) {
      assert_true(fail_at < 100);
      struct test_host h = {.fail_at = fail_at};
      const VkAllocationCallbacks cb = {
         .pUserData = &h,
         .pfnAllocation = host_alloc,
         .pfnReallocation = host_realloc,
         .pfnFree = host_free,
      };
      struct kr_suballoc a;
      VkResult result = kr_suballoc_init(&a, 16 * MiB, 256, &cb);
      if (result != VK_SUCCESS) {
         assert_int_equal(result, VK_ERROR_OUT_OF_HOST_MEMORY);
         assert_int_equal(h.failures, 1);
         assert_int_equal(h.live, 0);
         init_failures++;
         continue;
      }
      expect_all_free(&a);

      /* Small allocations each split the free range: one node each, so node storage grows. */
      struct test_random rng;
      test_random_seed(&rng, fail_at);
      for (int i = 0; i < COUNT; i++) {
         VkDeviceSize size = 1 + test_random_next(&rng) % 4096;
         VkDeviceSize alignment = (VkDeviceSize)1 << (test_random_next(&rng) % 9);
         enum kr_suballoc_kind kind = (enum kr_suballoc_kind)(test_random_next(&rng) % 2);
         VkDeviceSize used = kr_suballoc_bytes_used(&a);
         uint32_t failures = h.failures;
         r[i] = (struct kr_suballoc_range){.offset = 777};
         result = kr_suballoc_alloc(&a, size, alignment, kind, &r[i]);
         if (result == VK_ERROR_OUT_OF_HOST_MEMORY) {
            alloc_failures++;
            assert_int_equal(h.failures, failures + 1);
            assert_int_equal(r[i].offset, 777);
            assert_null(r[i].node);
            assert_int_equal(kr_suballoc_bytes_used(&a), used);
            assert_int_equal(kr_suballoc_allocation_count(&a), (uint32_t)i);
            expect_consistent(&a);
            /* Frees still work while a failure is pending. */
            if (i > 0) {
               expect_free(&a, &r[i - 1]);
               r[i - 1] = expect_alloc(&a, r[i - 1].size, 1, KR_SUBALLOC_LINEAR);
            }
            r[i] = expect_alloc(&a, size, alignment, kind);
         } else {
            assert_int_equal(result, VK_SUCCESS);
            expect_consistent(&a);
         }
      }
      reached_end = h.failures == 0;
      /* Free in a shuffled order. */
      for (int i = COUNT - 1; i > 0; i--) {
         int j = (int)(test_random_next(&rng) % (uint64_t)(i + 1));
         struct kr_suballoc_range t = r[i];
         r[i] = r[j];
         r[j] = t;
      }
      for (int i = 0; i < COUNT; i++)
         kr_suballoc_free(&a, &r[i]);
      expect_all_free(&a);
      kr_suballoc_finish(&a);
      assert_int_equal(h.live, 0);
      assert_true(h.failures <= 1);
   }
   /* The list heads and the first nodes at init; node storage growing several times. */
   assert_int_equal(init_failures, 2);
   assert_true(alloc_failures >= 5);
   print_message("%u failing init calls, %u failing allocations\n", init_failures,
                 alloc_failures);
   free(r);
}

/* The random test's reference model: the live ranges, sorted by offset. */
struct model_range {
   struct kr_suballoc_range range;
   VkDeviceSize alignment;
   enum kr_suballoc_kind kind;
};

struct model {
   struct model_range *live;
   uint32_t count;
   uint32_t capacity;
   VkDeviceSize requested;
};

static uint32_t
model_position(const struct model *m, VkDeviceSize offset)
{
   uint32_t lo = 0, hi = m->count;
   while (lo < hi) {
      uint32_t mid = (lo + hi) / 2;
      if (m->live[mid].range.offset < offset)
         lo = mid + 1;
      else
         hi = mid;
   }
   return lo;
}

/* Where the allocator's bytes around an allocation can end at most, padding included: past
 * its last page for a non-linear one, plus a remainder too small to split off. */
static VkDeviceSize
model_held_end(const struct model_range *r, VkDeviceSize granularity)
{
   VkDeviceSize end = r->range.offset + r->range.size;
   if (r->kind == KR_SUBALLOC_NONLINEAR)
      end = (end + granularity - 1) & ~(granularity - 1);
   return end + KR_SUBALLOC_MIN_FRAGMENT - 1;
}

/* Whether the model sees room for the request in some gap between live ranges, even after
 * the most padding the neighbours can hold; the allocator must then not fail. */
static bool
model_has_room(const struct model *m, const struct kr_suballoc *a, VkDeviceSize size,
               VkDeviceSize alignment, enum kr_suballoc_kind kind)
{
   VkDeviceSize g = a->granularity;
   if (kind == KR_SUBALLOC_NONLINEAR && g > 1) {
      size = (size + g - 1) & ~(g - 1);
      alignment = alignment > g ? alignment : g;
   }
   for (uint32_t i = 0; i <= m->count; i++) {
      VkDeviceSize lo = i ? model_held_end(&m->live[i - 1], g) : 0;
      VkDeviceSize hi = a->size;
      if (i < m->count) {
         VkDeviceSize next = m->live[i].range.offset;
         hi = next > KR_SUBALLOC_MIN_FRAGMENT - 1 ? next - (KR_SUBALLOC_MIN_FRAGMENT - 1) : 0;
      }
      VkDeviceSize start = (lo + alignment - 1) & ~(alignment - 1);
      if (start < hi && hi - start >= size)
         return true;
   }
   return false;
}

/* Every rule, over every live range and every pair of neighbours. */
static void
model_check(const struct model *m, const struct kr_suballoc *a)
{
   expect_consistent(a);
   assert_int_equal(kr_suballoc_allocation_count(a), m->count);
   VkDeviceSize g = a->granularity;
   for (uint32_t i = 0; i < m->count; i++) {
      const struct model_range *r = &m->live[i];
      assert_true(r->range.size > 0);
      assert_true(r->range.offset < a->size && r->range.size <= a->size - r->range.offset);
      assert_int_equal(r->range.offset % r->alignment, 0);
      if (i + 1 < m->count) {
         const struct model_range *next = &m->live[i + 1];
         assert_true(r->range.offset + r->range.size <= next->range.offset);
         if (r->kind != next->kind && g > 1) {
            assert_false(share_page(r->range.offset, r->range.size, next->range.offset,
                                    next->range.size, g));
         }
      }
   }
   /* Padding is bounded: under a page plus two fragments per allocation. */
   VkDeviceSize used = kr_suballoc_bytes_used(a);
   assert_true(used >= m->requested);
   assert_true(used - m->requested <= m->count * (g + 2 * KR_SUBALLOC_MIN_FRAGMENT));
   if (m->count == 0)
      assert_int_equal(kr_suballoc_largest_free(a), a->size);
}

struct random_config {
   uint64_t seed;
   VkDeviceSize size;
   VkDeviceSize granularity;
   uint32_t operations;
   uint32_t max_live;
};

static uint64_t
random_run(const struct random_config *c)
{
   struct test_random rng;
   test_random_seed(&rng, c->seed);
   struct kr_suballoc a;
   assert_int_equal(kr_suballoc_init(&a, c->size, c->granularity, NULL), VK_SUCCESS);
   struct model m = {.capacity = c->max_live};
   m.live = calloc(m.capacity, sizeof(*m.live));
   assert_non_null(m.live);

   uint64_t allocs = 0, frees = 0, no_room = 0;
   uint32_t max_live = 0;
   uint32_t size_log2 = msb_of(c->size);
   for (uint32_t op = 0; op < c->operations; op++) {
      /* Phases that fill the block and phases that drain it, so that it is sometimes nearly
       * full and fragmented, sometimes nearly empty. */
      bool filling = (op / 3000) % 2 == 0;
      uint64_t roll = test_random_next(&rng) % 100;
      bool do_alloc = m.count == 0 || (m.count < m.capacity && roll < (filling ? 70 : 35));
      if (op % 20000 == 19999) {
         /* Now and then everything goes back: the block must be one free range again. */
         for (uint32_t i = 0; i < m.count; i++)
            kr_suballoc_free(&a, &m.live[i].range);
         m.count = 0;
         m.requested = 0;
         expect_all_free(&a);
         continue;
      }
      if (do_alloc) {
         /* Sizes log-uniform from 1 byte to half the block. */
         uint32_t bits = (uint32_t)(test_random_next(&rng) % size_log2);
         VkDeviceSize size = 1 + test_random_next(&rng) % ((VkDeviceSize)1 << bits);
         uint32_t align_log2 = (uint32_t)(test_random_next(&rng) % 18);
         if (align_log2 == 17)
            align_log2 = 20; /* now and then 1 MiB */
         VkDeviceSize alignment = (VkDeviceSize)1 << align_log2;
         enum kr_suballoc_kind kind =
            test_random_next(&rng) % 4 == 0 ? KR_SUBALLOC_NONLINEAR : KR_SUBALLOC_LINEAR;
         struct kr_suballoc_range r;
         VkResult result = kr_suballoc_alloc(&a, size, alignment, kind, &r);
         if (result == VK_SUCCESS) {
            assert_int_equal(r.size, size);
            uint32_t pos = model_position(&m, r.offset);
            memmove(&m.live[pos + 1], &m.live[pos], (m.count - pos) * sizeof(m.live[0]));
            m.live[pos] = (struct model_range){r, alignment, kind};
            m.count++;
            m.requested += size;
            allocs++;
         } else {
            assert_int_equal(result, VK_ERROR_OUT_OF_DEVICE_MEMORY);
            if (model_has_room(&m, &a, size, alignment, kind))
               print_error("seed %llu op %u: no room reported for %llu bytes aligned to %llu\n",
                           (unsigned long long)c->seed, op, (unsigned long long)size,
                           (unsigned long long)alignment);
            assert_false(model_has_room(&m, &a, size, alignment, kind));
            no_room++;
         }
      } else {
         uint32_t pos = (uint32_t)(test_random_next(&rng) % m.count);
         kr_suballoc_free(&a, &m.live[pos].range);
         m.requested -= m.live[pos].range.size;
         memmove(&m.live[pos], &m.live[pos + 1], (m.count - pos - 1) * sizeof(m.live[0]));
         m.count--;
         frees++;
      }
      model_check(&m, &a);
      if (m.count > max_live)
         max_live = m.count;
   }

   for (uint32_t i = 0; i < m.count; i++)
      kr_suballoc_free(&a, &m.live[i].range);
   m.count = 0;
   m.requested = 0;
   model_check(&m, &a);
   expect_all_free(&a);
   /* The whole block is one allocation again. */
   struct kr_suballoc_range whole = expect_alloc(&a, c->size, 1, KR_SUBALLOC_LINEAR);
   assert_int_equal(whole.offset, 0);
   kr_suballoc_free(&a, &whole);
   kr_suballoc_finish(&a);
   free(m.live);
   /* Each run must exercise all three outcomes. */
   print_message("seed %llu, block %llu bytes, granularity %llu: %llu allocations, %llu frees, "
                 "%llu without room, at most %u live\n", (unsigned long long)c->seed,
                 (unsigned long long)c->size, (unsigned long long)c->granularity,
                 (unsigned long long)allocs, (unsigned long long)frees,
                 (unsigned long long)no_room, max_live);
   assert_true(allocs > c->operations / 4 && frees > c->operations / 4);
   assert_true(no_room > 0);
   return allocs + frees + no_room;
}

static void
random_against_model(void **state)
{
   (void)state;
   static const struct random_config configs[] = {
      {1, 16 * MiB, 1, 25000, 600},
      {2, 16 * MiB, 1024, 25000, 600},
      {3, 64 * MiB + 12345, 65536, 25000, 600},
      {4, 4 * MiB, 256, 25000, 200},
      {5, 256 * MiB, 4096, 25000, 1000},
   };
   struct timespec t0, t1;
   clock_gettime(CLOCK_MONOTONIC, &t0);
   uint64_t operations = 0;
   for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++)
      operations += random_run(&configs[i]);
   clock_gettime(CLOCK_MONOTONIC, &t1);
   double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
   assert_true(operations >= 100000);
   print_message("%llu random operations, each checked, in %.2f s\n",
                 (unsigned long long)operations, seconds);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(init_rejects_bad_parameters),
      cmocka_unit_test(whole_block),
      cmocka_unit_test(rejects_zero_oversized_and_bad_requests),
      cmocka_unit_test(exact_fit),
      cmocka_unit_test(no_false_out_of_memory),
      cmocka_unit_test(alignments_1_to_65536),
      cmocka_unit_test(merges_with_neighbours),
      cmocka_unit_test(granularity_between_kinds),
      cmocka_unit_test(out_of_host_memory),
      cmocka_unit_test(random_against_model),
   };
   return cmocka_run_group_tests_name("suballoc", tests, NULL, NULL);
}
