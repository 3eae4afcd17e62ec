/* SPDX-License-Identifier: MIT */
/* Unit tests of the per-device cache of vendor descriptor sets (src/kr_descriptor_cache.h,
 * issue 10) with a fake vendor behind its ops: hits and misses, invalidation when an object is
 * destroyed (its handle value reused after), eviction that never touches a held set, records'
 * weak links, a failing create, finish; then a long random sequence of updates, binds, command
 * buffer life cycles, frees and object destruction checked against a reference model. */
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

#include "kr_alloc.h"
#include "kr_descriptor_cache.h"
#include "kr_descriptor_record.h"
#include "kr_stats.h"
#include "test_random.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define BUF(x) ((VkBuffer)(uintptr_t)(x))
#define BVIEW(x) ((VkBufferView)(uintptr_t)(x))
#define IVIEW(x) ((VkImageView)(uintptr_t)(x))
#define SAMP(x) ((VkSampler)(uintptr_t)(x))
#define STAGE VK_SHADER_STAGE_COMPUTE_BIT

/* --- a fake vendor ---------------------------------------------------------------------------- */

/* Vendor set handles: FIRST_SET, FIRST_SET + 1, ... in creation order, never reused. */
#define FIRST_SET 0x5e70000ull
#define FAKE_POOL 0x9001ull

struct fake_set {
   void *layout;
   uint32_t descriptor_count, inline_bytes;
   struct kr_descriptor *descriptors; /* what it was created from; freed when destroyed */
   uint8_t *bytes;
   uint64_t created_at; /* the test's clock */
   uint32_t holds;      /* holds the test keeps on its entry */
   uint64_t serial;     /* the serial of the entry it was made for (0: not bound yet) */
   bool live;
};

struct fake_vendor {
   struct fake_set *sets;
   uint64_t last_serial; /* the highest entry serial seen */
   uint32_t count, capacity;
   uint32_t live;
   uint32_t held; /* live sets with holds */
   uint32_t creates, failed_creates, destroys;
   VkResult fail_next; /* the next create fails with this (VK_SUCCESS: none) */
   uint64_t clock;
};

static struct fake_set *
fake_set(struct fake_vendor *v, uint64_t handle)
{
   assert_true(handle >= FIRST_SET && handle < FIRST_SET + v->count);
   return &v->sets[handle - FIRST_SET];
}

static VkResult
fake_create(void *context, void *layout, const struct kr_set_layout_model *model,
            const struct kr_descriptor *descriptors, const uint8_t *inline_bytes,
            uint64_t *vendor_set, uint64_t *vendor_pool)
{
   struct fake_vendor *v = context;
   if (v->fail_next != VK_SUCCESS) {
      VkResult result = v->fail_next;
      v->fail_next = VK_SUCCESS;
      v->failed_creates++;
      return result;
   }
   if (v->count == v->capacity) {
      v->capacity = v->capacity ? 2 * v->capacity : 64;
      v->sets = realloc(v->sets, sizeof(*v->sets) * v->capacity);
      assert_non_null(v->sets);
   }
   struct fake_set *s = &v->sets[v->count];
   *s = (struct fake_set){
      .layout = layout,
      .descriptor_count = model->descriptor_count,
      .inline_bytes = model->inline_bytes,
      .created_at = ++v->clock,
      .live = true,
   };
   s->descriptors = malloc(sizeof(struct kr_descriptor) * model->descriptor_count + 1);
   s->bytes = malloc(model->inline_bytes + 1);
   assert_non_null(s->descriptors);
   assert_non_null(s->bytes);
   memcpy(s->descriptors, descriptors, sizeof(struct kr_descriptor) * model->descriptor_count);
   if (model->inline_bytes)
      memcpy(s->bytes, inline_bytes, model->inline_bytes);
   *vendor_set = FIRST_SET + v->count++;
   *vendor_pool = FAKE_POOL;
   v->live++;
   v->creates++;
   return VK_SUCCESS;
}

/* An entry bound with vendor set `vendor_set`: each vendor set is made for one entry, and
 * vendor sets are never reused, so an entry's serial (what the barrier policy's replay keys
 * name its content by) must be new at its vendor set's first bind, never one an earlier entry
 * had, and the same at every later bind. */
static void
fake_check_serial(struct fake_vendor *v, uint64_t vendor_set, uint64_t serial)
{
   struct fake_set *s = fake_set(v, vendor_set);
   if (!s->serial) {
      assert_true(serial > v->last_serial);
      v->last_serial = serial;
      s->serial = serial;
   }
   assert_int_equal(serial, s->serial);
}

static void
fake_destroy(void *context, void *layout, uint64_t vendor_set, uint64_t vendor_pool)
{
   struct fake_vendor *v = context;
   struct fake_set *s = fake_set(v, vendor_set);
   if (!s->live)
      print_error("vendor set %#llx destroyed twice\n", (unsigned long long)vendor_set);
   assert_true(s->live);
   if (s->holds)
      print_error("vendor set %#llx destroyed while held %u times\n",
                  (unsigned long long)vendor_set, s->holds);
   assert_int_equal(s->holds, 0);
   assert_ptr_equal(layout, s->layout);
   assert_int_equal(vendor_pool, FAKE_POOL);
   s->live = false;
   free(s->descriptors);
   free(s->bytes);
   s->descriptors = NULL;
   s->bytes = NULL;
   v->live--;
   v->destroys++;
}

static void
fake_finish(struct fake_vendor *v)
{
   for (uint32_t i = 0; i < v->count; i++) {
      free(v->sets[i].descriptors);
      free(v->sets[i].bytes);
   }
   free(v->sets);
   *v = (struct fake_vendor){0};
}

static const struct kr_descriptor_cache_ops fake_ops = {fake_create, fake_destroy};

/* Whether a live vendor set was created from exactly this content. */
static bool
fake_holds_content(struct fake_vendor *v, uint64_t handle, void *layout,
                   const struct kr_set_layout_model *model, const struct kr_descriptor *descriptors,
                   const uint8_t *bytes)
{
   struct fake_set *s = fake_set(v, handle);
   return s->live && s->layout == layout && s->descriptor_count == model->descriptor_count &&
          s->inline_bytes == model->inline_bytes &&
          memcmp(s->descriptors, descriptors,
                 sizeof(struct kr_descriptor) * model->descriptor_count) == 0 &&
          (model->inline_bytes == 0 || memcmp(s->bytes, bytes, model->inline_bytes) == 0);
}

/* --- the test's side of holds ----------------------------------------------------------------- */

struct fixture {
   struct fake_vendor vendor;
   struct kr_stats stats;
   struct kr_descriptor_cache cache;
};

static uint64_t
stat(const struct fixture *f, enum kr_stat s)
{
   return atomic_load(&f->stats.counters[s]);
}

static void
fixture_init(struct fixture *f, uint32_t max_entries)
{
   memset(f, 0, sizeof(*f));
   assert_int_equal(kr_descriptor_cache_init(&f->cache, &fake_ops, &f->vendor, max_entries, NULL,
                                             &f->stats),
                    VK_SUCCESS);
}

/* The cache's accounting agrees with the fake vendor's. */
static void
expect_accounting(const struct fixture *f)
{
   assert_int_equal(f->cache.vendor_sets, f->vendor.live);
   assert_int_equal(stat(f, KR_STAT_VENDOR_DESCRIPTOR_SETS_LIVE), f->vendor.live);
   assert_int_equal(stat(f, KR_STAT_DESCRIPTOR_CACHE_BYTES), f->cache.bytes);
   /* A miss is a bind that made a vendor set: failed binds are not counted. */
   assert_int_equal(stat(f, KR_STAT_DESCRIPTOR_CACHE_MISSES), f->vendor.creates);
}

static void
fixture_finish(struct fixture *f)
{
   kr_descriptor_cache_finish(&f->cache);
   assert_int_equal(f->vendor.live, 0);
   assert_int_equal(f->vendor.destroys, f->vendor.creates);
   assert_int_equal(stat(f, KR_STAT_VENDOR_DESCRIPTOR_SETS_LIVE), 0);
   assert_int_equal(stat(f, KR_STAT_DESCRIPTOR_CACHE_BYTES), 0);
   fake_finish(&f->vendor);
}

struct bound {
   struct kr_cache_entry *entry;
   uint64_t vendor_set;
   bool new_hold;
};

/* Binds a record for holder; the new hold, if any, is counted on the fake set. */
static struct bound
bind(struct fixture *f, void *layout, struct kr_descriptor_record *r, uint64_t holder)
{
   struct bound b = {0};
   VkResult result = kr_descriptor_cache_bind(&f->cache, layout, r, holder, NULL, 0, &b.entry,
                                              &b.new_hold);
   assert_int_equal(result, VK_SUCCESS);
   assert_non_null(b.entry);
   b.vendor_set = b.entry->vendor_set;
   fake_check_serial(&f->vendor, b.vendor_set, b.entry->serial);
   /* Always a live vendor set holding the record's current content. */
   assert_true(fake_holds_content(&f->vendor, b.vendor_set, layout, r->model, r->descriptors,
                                  r->inline_bytes));
   if (b.new_hold) {
      struct fake_set *s = fake_set(&f->vendor, b.vendor_set);
      if (s->holds++ == 0)
         f->vendor.held++;
   }
   expect_accounting(f);
   return b;
}

static void
release(struct fixture *f, const struct bound *b)
{
   assert_true(b->new_hold);
   struct fake_set *s = fake_set(&f->vendor, b->vendor_set);
   assert_true(s->holds > 0);
   if (--s->holds == 0)
      f->vendor.held--;
   kr_descriptor_cache_release(&f->cache, &b->entry, 1);
   expect_accounting(f);
}

static bool
live(struct fixture *f, uint64_t vendor_set)
{
   return fake_set(&f->vendor, vendor_set)->live;
}

/* --- a layout and records --------------------------------------------------------------------- */

/* b0: storage buffers [2], b1: combined image sampler [1], b2: inline uniform block (8 bytes). */
static const VkDescriptorSetLayoutBinding small_bindings[] = {
   {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2, STAGE, NULL},
   {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, STAGE, NULL},
   {2, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, 8, STAGE, NULL},
};
static int layout_tag_a, layout_tag_b; /* the layouts the cache is told about */

static struct kr_set_layout_model
small_model(void)
{
   const VkDescriptorSetLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .bindingCount = ARRAY_SIZE(small_bindings),
      .pBindings = small_bindings,
   };
   struct kr_set_layout_model m;
   assert_int_equal(kr_set_layout_model_init(&m, &info, true, NULL), VK_SUCCESS);
   assert_true(m.modeled);
   return m;
}

static void
set_buffer(struct kr_descriptor_record *r, uint32_t element, uint64_t buffer, uint64_t offset)
{
   const VkDescriptorBufferInfo info = {BUF(buffer), offset, VK_WHOLE_SIZE};
   const VkWriteDescriptorSet w = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstBinding = 0,
      .dstArrayElement = element,
      .descriptorCount = 1,
      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
      .pBufferInfo = &info,
   };
   assert_true(kr_descriptor_record_write(r, &w));
}

static void
set_image(struct kr_descriptor_record *r, uint64_t view, uint64_t sampler)
{
   const VkDescriptorImageInfo info = {SAMP(sampler), IVIEW(view), VK_IMAGE_LAYOUT_GENERAL};
   const VkWriteDescriptorSet w = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstBinding = 1,
      .descriptorCount = 1,
      .descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER,
      .pImageInfo = &info,
   };
   assert_true(kr_descriptor_record_write(r, &w));
}

static void
set_bytes(struct kr_descriptor_record *r, uint32_t value)
{
   const VkWriteDescriptorSetInlineUniformBlock block = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK,
      .dataSize = 4,
      .pData = &value,
   };
   const VkWriteDescriptorSet w = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .pNext = &block,
      .dstBinding = 2,
      .dstArrayElement = 4,
      .descriptorCount = 4,
      .descriptorType = VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK,
   };
   assert_true(kr_descriptor_record_write(r, &w));
}

static struct kr_descriptor_record
record_with_buffer(const struct kr_set_layout_model *m, uint64_t buffer)
{
   struct kr_descriptor_record r;
   assert_int_equal(kr_descriptor_record_init(&r, m, NULL), VK_SUCCESS);
   set_buffer(&r, 0, buffer, 0);
   return r;
}

static void
record_free(struct fixture *f, struct kr_descriptor_record *r)
{
   kr_descriptor_cache_forget_record(&f->cache, r);
   assert_null(r->entry);
   kr_descriptor_record_finish(r, NULL);
   expect_accounting(f);
}

/* --- hits and misses -------------------------------------------------------------------------- */

static void
hits_and_misses(void **state)
{
   (void)state;
   struct fixture f;
   fixture_init(&f, 16);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record a = record_with_buffer(&m, 0x100);
   set_image(&a, 0x200, 0x300);
   set_bytes(&a, 0xC0FFEE);

   struct bound b1 = bind(&f, &layout_tag_a, &a, 1);
   assert_true(b1.new_hold);
   assert_int_equal(b1.vendor_set, FIRST_SET);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_MISSES), 1);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_HITS), 0);
   assert_int_equal(f.vendor.live, 1);
   assert_true(f.cache.bytes > 0);
   assert_ptr_equal(a.entry, b1.entry); /* the record's weak link */

   /* Again for the same holder: a hit, no new hold. */
   struct bound b2 = bind(&f, &layout_tag_a, &a, 1);
   assert_false(b2.new_hold);
   assert_ptr_equal(b2.entry, b1.entry);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_HITS), 1);
   /* Another holder: a hit and a hold of its own. */
   struct bound b3 = bind(&f, &layout_tag_a, &a, 2);
   assert_true(b3.new_hold);
   assert_int_equal(b3.vendor_set, FIRST_SET);
   assert_int_equal(b1.entry->holders, 2);
   /* Another record with the same content: the same vendor set. Holder 1 holds it, but holder
    * 2 bound it since: the cache remembers only its latest holder, so holder 1 takes a second
    * hold (to release too). */
   struct kr_descriptor_record twin = record_with_buffer(&m, 0x100);
   set_image(&twin, 0x200, 0x300);
   set_bytes(&twin, 0xC0FFEE);
   struct bound b4 = bind(&f, &layout_tag_a, &twin, 1);
   assert_true(b4.new_hold);
   assert_int_equal(b1.entry->holders, 3);
   /* Now the latest holder: no more holds. */
   assert_false(bind(&f, &layout_tag_a, &twin, 1).new_hold);
   assert_false(bind(&f, &layout_tag_a, &a, 1).new_hold);
   assert_int_equal(b1.entry->holders, 3);
   assert_int_equal(b4.vendor_set, FIRST_SET);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_HITS), 5);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_MISSES), 1);
   /* The same content in a set of another layout: a vendor set of its own. */
   struct kr_descriptor_record other_layout = record_with_buffer(&m, 0x100);
   set_image(&other_layout, 0x200, 0x300);
   set_bytes(&other_layout, 0xC0FFEE);
   struct bound b5 = bind(&f, &layout_tag_b, &other_layout, 1);
   assert_true(b5.new_hold);
   assert_int_equal(b5.vendor_set, FIRST_SET + 1);
   /* A changed record: a miss, its own vendor set; the old one stays cached. */
   set_bytes(&a, 0xC0FFEF);
   struct bound b6 = bind(&f, &layout_tag_a, &a, 1);
   assert_true(b6.new_hold);
   assert_int_equal(b6.vendor_set, FIRST_SET + 2);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_MISSES), 3);
   /* Changed back: a hit on the first vendor set. */
   set_bytes(&a, 0xC0FFEE);
   struct bound b7 = bind(&f, &layout_tag_a, &a, 3);
   assert_int_equal(b7.vendor_set, FIRST_SET);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_HITS), 6);
   assert_int_equal(f.vendor.live, 3);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_EVICTIONS), 0);

   release(&f, &b1);
   release(&f, &b3);
   release(&f, &b4);
   assert_int_equal(b1.entry->holders, 1); /* b7's */
   release(&f, &b5);
   release(&f, &b6);
   release(&f, &b7);
   /* Nothing over the limit: every vendor set stays cached, unheld. */
   assert_int_equal(f.vendor.live, 3);
   assert_int_equal(f.vendor.held, 0);
   record_free(&f, &a);
   record_free(&f, &twin);
   record_free(&f, &other_layout);
   assert_int_equal(f.vendor.live, 3);
   fixture_finish(&f);
   kr_set_layout_model_finish(&m, NULL);
}

/* A holder that already holds an entry takes no second hold, even after other holders. */
static void
holds_are_per_holder(void **state)
{
   (void)state;
   struct fixture f;
   fixture_init(&f, 1);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record a = record_with_buffer(&m, 0x100);
   struct bound h1 = bind(&f, &layout_tag_a, &a, 7);
   struct bound again = bind(&f, &layout_tag_a, &a, 7);
   assert_false(again.new_hold);
   struct bound h2 = bind(&f, &layout_tag_a, &a, 8);
   assert_true(h2.new_hold);
   assert_int_equal(h1.entry->holders, 2);
   /* Released by one: still held by the other, not destroyed even over the limit. */
   release(&f, &h1);
   struct kr_descriptor_record other = record_with_buffer(&m, 0x101);
   struct bound o = bind(&f, &layout_tag_a, &other, 9);
   release(&f, &o); /* over the limit: the idle one goes, the held one stays */
   assert_false(live(&f, o.vendor_set));
   assert_true(live(&f, h2.vendor_set));
   release(&f, &h2);
   assert_true(live(&f, h2.vendor_set)); /* one entry: within the limit */
   record_free(&f, &a);
   record_free(&f, &other);
   fixture_finish(&f);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- invalidation by object ------------------------------------------------------------------- */

static void
forgetting_an_object_unlinks_its_sets(void **state)
{
   (void)state;
   struct fixture f;
   fixture_init(&f, 16);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record a = record_with_buffer(&m, 0x100);
   struct kr_descriptor_record other = record_with_buffer(&m, 0x101);
   set_image(&other, 0x200, 0x300);
   struct bound ba = bind(&f, &layout_tag_a, &a, 1);
   struct bound bo = bind(&f, &layout_tag_a, &other, 1);
   release(&f, &ba);
   release(&f, &bo);
   assert_int_equal(f.vendor.live, 2);

   /* Unknown handles and the null handle unlink nothing. */
   kr_descriptor_cache_forget_object(&f.cache, 0x999);
   kr_descriptor_cache_forget_object(&f.cache, 0);
   assert_int_equal(f.vendor.live, 2);
   /* Buffer 0x100 destroyed: its set goes at once (nobody holds it). */
   kr_descriptor_cache_forget_object(&f.cache, 0x100);
   assert_false(live(&f, ba.vendor_set));
   assert_true(live(&f, bo.vendor_set));
   expect_accounting(&f);
   /* A new buffer gets the value 0x100; a new record names it: a miss, a new vendor set. */
   struct kr_descriptor_record fresh = record_with_buffer(&m, 0x100);
   struct bound bf = bind(&f, &layout_tag_a, &fresh, 2);
   assert_true(bf.vendor_set != ba.vendor_set);
   assert_int_equal(bf.vendor_set, FIRST_SET + 2);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_MISSES), 3);
   /* The old record, unchanged, bound again: its link is to an unlinked entry: a miss too, and
    * now the same content as the fresh record: the fresh record's set. */
   struct bound ba2 = bind(&f, &layout_tag_a, &a, 3);
   assert_int_equal(ba2.vendor_set, bf.vendor_set);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_HITS), 1);

   /* A sampler and an image view unlink the sets naming them, held ones after release. */
   struct bound bo2 = bind(&f, &layout_tag_a, &other, 4);
   assert_int_equal(bo2.vendor_set, bo.vendor_set);
   kr_descriptor_cache_forget_object(&f.cache, 0x300);
   assert_true(live(&f, bo.vendor_set)); /* held by 4 */
   struct bound bo3 = bind(&f, &layout_tag_a, &other, 4);
   assert_true(bo3.vendor_set != bo.vendor_set); /* never the forgotten one again */
   assert_true(bo3.new_hold);
   release(&f, &bo2);
   assert_false(live(&f, bo.vendor_set));
   kr_descriptor_cache_forget_object(&f.cache, 0x200);
   assert_true(live(&f, bo3.vendor_set));
   release(&f, &bo3);
   assert_false(live(&f, bo3.vendor_set));
   /* Forgetting again (a second object with that value, destroyed too) is harmless. */
   kr_descriptor_cache_forget_object(&f.cache, 0x200);
   kr_descriptor_cache_forget_object(&f.cache, 0x100);
   assert_true(live(&f, bf.vendor_set)); /* held by 2 and 3 */
   release(&f, &bf);
   assert_true(live(&f, bf.vendor_set));
   release(&f, &ba2);
   assert_false(live(&f, bf.vendor_set));
   assert_int_equal(f.vendor.live, 0);
   record_free(&f, &a);
   record_free(&f, &other);
   record_free(&f, &fresh);
   assert_int_equal(f.cache.bytes, 0);
   fixture_finish(&f);
   kr_set_layout_model_finish(&m, NULL);
}

/* A set rewritten with the values it holds stays clean and re-binds through its linked entry
 * (the fast path), but never through an entry unlinked since: a destroyed object's set. */
static void
same_value_rewrites_rebind_without_lookup(void **state)
{
   (void)state;
   struct fixture f;
   fixture_init(&f, 16);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record a = record_with_buffer(&m, 0x100);
   set_bytes(&a, 7);
   struct bound b1 = bind(&f, &layout_tag_a, &a, 1);
   assert_ptr_equal(a.entry, b1.entry);
   assert_false(a.dirty);
   release(&f, &b1);

   /* The same values again: nothing changed, the same entry, a hit. */
   set_buffer(&a, 0, 0x100, 0);
   set_bytes(&a, 7);
   assert_false(a.dirty);
   struct bound b2 = bind(&f, &layout_tag_a, &a, 2);
   assert_ptr_equal(b2.entry, b1.entry);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_HITS), 1);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_MISSES), 1);
   release(&f, &b2);

   /* Buffer 0x100 destroyed, a new one given its value, the set rewritten with it: the record
    * is still clean, yet its entry is unlinked, so the bind makes a new vendor set. */
   kr_descriptor_cache_forget_object(&f.cache, 0x100);
   assert_false(live(&f, b1.vendor_set));
   set_buffer(&a, 0, 0x100, 0);
   assert_false(a.dirty);
   struct bound b3 = bind(&f, &layout_tag_a, &a, 3);
   assert_true(b3.vendor_set != b1.vendor_set);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_MISSES), 2);
   release(&f, &b3);
   record_free(&f, &a);
   fixture_finish(&f);
   kr_set_layout_model_finish(&m, NULL);
}

/* Many entries naming one object, many objects per entry, enough to grow the tables. */
static void
forgetting_unlinks_every_entry_naming_it(void **state)
{
   (void)state;
   struct fixture f;
   fixture_init(&f, 1000);
   struct kr_set_layout_model m = small_model();
   enum { N = 300 };
   static struct kr_descriptor_record r[N];
   uint64_t sets[N];
   for (uint32_t i = 0; i < N; i++) {
      r[i] = record_with_buffer(&m, 0x1000 + i);
      set_buffer(&r[i], 1, 0x100 + i % 3, 0); /* 0x100, 0x101 or 0x102 */
      struct bound b = bind(&f, &layout_tag_a, &r[i], 1 + i);
      sets[i] = b.vendor_set;
      release(&f, &b);
   }
   assert_int_equal(f.vendor.live, N);
   /* One link per distinct object an entry names. */
   assert_int_equal(f.cache.link_total, 2 * N);
   struct kr_descriptor_record twice = record_with_buffer(&m, 0x100);
   set_buffer(&twice, 1, 0x100, 64);
   struct bound bt1 = bind(&f, &layout_tag_a, &twice, 999);
   assert_int_equal(bt1.entry->link_count, 1);
   release(&f, &bt1);
   /* Not neighbours: 0x100, 0x101, 0x100 (handle values of different types need not
    * differ), 0x300. */
   set_buffer(&twice, 1, 0x101, 64);
   set_image(&twice, 0x100, 0x300);
   struct bound bt = bind(&f, &layout_tag_a, &twice, 1000);
   assert_int_equal(bt.entry->link_count, 3);
   assert_int_equal(f.cache.link_total, 2 * N + 1 + 3);
   release(&f, &bt);
   kr_descriptor_cache_forget_object(&f.cache, 0x100);
   assert_false(live(&f, bt.vendor_set));
   assert_false(live(&f, bt1.vendor_set));
   assert_int_equal(f.vendor.live, N - N / 3);
   record_free(&f, &twice);
   /* The rest of 0x100's entries are gone too: make them again. */
   for (uint32_t i = 0; i < N; i += 3) {
      assert_false(live(&f, sets[i]));
      struct bound b = bind(&f, &layout_tag_a, &r[i], 2000 + i);
      sets[i] = b.vendor_set;
      release(&f, &b);
   }
   assert_int_equal(f.vendor.live, N);
   kr_descriptor_cache_forget_object(&f.cache, 0x101);
   assert_int_equal(f.vendor.live, N - N / 3);
   for (uint32_t i = 0; i < N; i++)
      assert_int_equal(live(&f, sets[i]), i % 3 != 1);
   kr_descriptor_cache_forget_object(&f.cache, 0x1000 + 3); /* one of the 0x100 ones */
   assert_false(live(&f, sets[3]));
   assert_int_equal(f.vendor.live, N - N / 3 - 1);
   kr_descriptor_cache_forget_object(&f.cache, 0x100);
   kr_descriptor_cache_forget_object(&f.cache, 0x102);
   assert_int_equal(f.vendor.live, 0);
   expect_accounting(&f);
   for (uint32_t i = 0; i < N; i++)
      record_free(&f, &r[i]);
   assert_int_equal(f.cache.bytes, 0);
   fixture_finish(&f);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- eviction --------------------------------------------------------------------------------- */

static void
eviction_never_touches_a_held_set(void **state)
{
   (void)state;
   struct fixture f;
   fixture_init(&f, 2);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record r[6];
   struct bound b[6];
   for (uint32_t i = 0; i < 6; i++) {
      r[i] = record_with_buffer(&m, 0x100 + i);
      b[i] = bind(&f, &layout_tag_a, &r[i], 1); /* one command buffer holds them all */
   }
   /* Six held, limit two: nothing can go. */
   assert_int_equal(f.vendor.live, 6);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_EVICTIONS), 0);
   /* Released in the order 3, 1, 4: over the limit, each goes as it is released. */
   release(&f, &b[3]);
   assert_false(live(&f, b[3].vendor_set));
   release(&f, &b[1]);
   release(&f, &b[4]);
   assert_int_equal(f.vendor.live, 3);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_EVICTIONS), 3);
   for (uint32_t i = 0; i < 6; i++)
      assert_int_equal(live(&f, b[i].vendor_set), i == 0 || i == 2 || i == 5);
   /* 0, 2, 5 released: down to the two most recently released (2 then 5). */
   release(&f, &b[0]);
   release(&f, &b[2]);
   release(&f, &b[5]);
   assert_int_equal(f.vendor.live, 2);
   assert_true(live(&f, b[2].vendor_set));
   assert_true(live(&f, b[5].vendor_set));
   /* A hit moves an entry to the most recently used end once released again. */
   struct bound hit = bind(&f, &layout_tag_a, &r[2], 2);
   assert_int_equal(hit.vendor_set, b[2].vendor_set);
   release(&f, &hit);
   struct kr_descriptor_record n = record_with_buffer(&m, 0x200);
   struct bound nb = bind(&f, &layout_tag_a, &n, 3);
   /* Three linked, one held: the least recently released idle one (5) goes. */
   assert_false(live(&f, b[5].vendor_set));
   assert_true(live(&f, b[2].vendor_set));
   assert_true(live(&f, nb.vendor_set));
   release(&f, &nb);
   assert_int_equal(f.vendor.live, 2);
   assert_int_equal(f.cache.linked_count, 2);
   for (uint32_t i = 0; i < 6; i++)
      record_free(&f, &r[i]);
   record_free(&f, &n);
   fixture_finish(&f);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- records' weak links ---------------------------------------------------------------------- */

static void
weak_links_survive_eviction_and_invalidation(void **state)
{
   (void)state;
   struct fixture f;
   fixture_init(&f, 1);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record a = record_with_buffer(&m, 0x100);
   struct kr_descriptor_record b = record_with_buffer(&m, 0x101);
   struct bound ba = bind(&f, &layout_tag_a, &a, 1);
   release(&f, &ba);
   struct kr_cache_entry *old = a.entry;
   assert_non_null(old);
   /* b evicts a's entry: its vendor set goes, the entry stays for a's link. */
   struct bound bb = bind(&f, &layout_tag_a, &b, 2);
   assert_false(live(&f, ba.vendor_set));
   assert_ptr_equal(a.entry, old);
   assert_false(old->linked);
   assert_int_equal(old->vendor_set, 0);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_EVICTIONS), 1);
   release(&f, &bb);
   /* a bound again: a miss, a new vendor set; the old entry is freed (ASan would see a use
    * after free or a leak). */
   struct bound ba2 = bind(&f, &layout_tag_a, &a, 3);
   assert_true(ba2.vendor_set != ba.vendor_set);
   assert_true(a.entry != old || a.entry->linked);
   assert_true(a.entry->linked);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_MISSES), 3);
   release(&f, &ba2); /* evicts b's entry; b keeps its link */
   assert_false(live(&f, bb.vendor_set));

   /* Invalidation the same way: a's object destroyed while a links to its entry. */
   kr_descriptor_cache_forget_object(&f.cache, 0x100);
   assert_int_equal(f.vendor.live, 0);
   assert_non_null(a.entry);
   assert_false(a.entry->linked);
   struct bound ba3 = bind(&f, &layout_tag_a, &a, 4);
   assert_true(ba3.vendor_set != ba2.vendor_set);
   assert_true(a.entry->linked);
   release(&f, &ba3);

   /* A record freed while linked to an unlinked entry frees the entry. */
   uint64_t bytes_before = f.cache.bytes;
   assert_false(b.entry->linked);
   record_free(&f, &b);
   assert_true(f.cache.bytes < bytes_before);
   /* A record freed while its entry is held and linked: the entry stays. */
   struct kr_descriptor_record c = record_with_buffer(&m, 0x100);
   struct bound bc = bind(&f, &layout_tag_a, &c, 5);
   assert_int_equal(bc.vendor_set, ba3.vendor_set);
   record_free(&f, &a);
   record_free(&f, &c);
   assert_true(live(&f, bc.vendor_set));
   kr_descriptor_cache_forget_object(&f.cache, 0x100);
   assert_true(live(&f, bc.vendor_set)); /* still held by 5 */
   release(&f, &bc);
   assert_int_equal(f.vendor.live, 0);
   assert_int_equal(f.cache.bytes, 0);
   fixture_finish(&f);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- a failing create ------------------------------------------------------------------------- */

static void
a_failing_create_leaves_nothing_behind(void **state)
{
   (void)state;
   struct fixture f;
   fixture_init(&f, 4);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record a = record_with_buffer(&m, 0x100);
   f.vendor.fail_next = VK_ERROR_OUT_OF_POOL_MEMORY;
   struct kr_cache_entry *entry = (struct kr_cache_entry *)(uintptr_t)1;
   bool new_hold = true;
   VkResult result = kr_descriptor_cache_bind(&f.cache, &layout_tag_a, &a, 1, NULL, 0, &entry, &new_hold);
   assert_int_equal(result, VK_ERROR_OUT_OF_POOL_MEMORY);
   assert_false(new_hold);
   assert_int_equal(f.vendor.live, 0);
   assert_int_equal(f.cache.linked_count, 0);
   assert_int_equal(f.cache.bytes, 0);
   assert_int_equal(f.cache.link_total, 0);
   assert_null(a.entry);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_MISSES), 0);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_BYTES), 0);
   expect_accounting(&f);
   /* Nothing names 0x100: forgetting it finds nothing to unlink (no dangling link). */
   kr_descriptor_cache_forget_object(&f.cache, 0x100);
   /* The next bind succeeds. */
   struct bound b = bind(&f, &layout_tag_a, &a, 1);
   assert_true(b.new_hold);
   assert_int_equal(f.vendor.live, 1);
   release(&f, &b);
   record_free(&f, &a);
   fixture_finish(&f);
   kr_set_layout_model_finish(&m, NULL);
}

/* A record bound once, then changed, whose next bind fails: the bind after must still give a
 * vendor set of its current content, never the one it was bound through before. */
static void
a_failing_create_keeps_no_stale_link(void **state)
{
   (void)state;
   struct fixture f;
   fixture_init(&f, 4);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record a = record_with_buffer(&m, 0x100);
   struct bound first = bind(&f, &layout_tag_a, &a, 1);
   release(&f, &first);
   set_buffer(&a, 0, 0x101, 0);
   f.vendor.fail_next = VK_ERROR_OUT_OF_DEVICE_MEMORY;
   struct kr_cache_entry *entry;
   bool new_hold;
   assert_int_equal(kr_descriptor_cache_bind(&f.cache, &layout_tag_a, &a, 2, NULL, 0, &entry, &new_hold),
                    VK_ERROR_OUT_OF_DEVICE_MEMORY);
   assert_false(new_hold);
   /* bind() checks the vendor set holds the record's content (0x101, not 0x100). */
   struct bound second = bind(&f, &layout_tag_a, &a, 3);
   assert_true(second.vendor_set != first.vendor_set);
   assert_int_equal(fake_set(&f.vendor, second.vendor_set)->descriptors[0].object, 0x101);
   release(&f, &second);
   record_free(&f, &a);
   fixture_finish(&f);
   kr_set_layout_model_finish(&m, NULL);
}

/* Host allocations that fail: VK_ERROR_OUT_OF_HOST_MEMORY, nothing created, nothing leaked. */
struct counting_allocator {
   uint32_t live;
   uint32_t fail_countdown; /* 0: never fail; n: the nth allocation from now fails */
};

static void *
counting_alloc(void *user, size_t size, size_t align, VkSystemAllocationScope scope)
{
   (void)scope;
   struct counting_allocator *a = user;
   if (a->fail_countdown && --a->fail_countdown == 0)
      return NULL;
   if (align < sizeof(void *))
      align = sizeof(void *);
   void *p = aligned_alloc(align, (size + align - 1) & ~(align - 1));
   if (p)
      a->live++;
   return p;
}

static void
counting_free(void *user, void *p)
{
   struct counting_allocator *a = user;
   if (p)
      a->live--;
   free(p);
}

static VkAllocationCallbacks
counting_callbacks(struct counting_allocator *counter)
{
   return (VkAllocationCallbacks){
      .pUserData = counter,
      .pfnAllocation = counting_alloc,
      .pfnFree = counting_free,
   };
}

/* A cache of 4 entries whose host memory comes from alloc (which must outlive it). */
static void
counting_fixture_init(struct fixture *f, const VkAllocationCallbacks *alloc)
{
   memset(f, 0, sizeof(*f));
   assert_int_equal(kr_descriptor_cache_init(&f->cache, &fake_ops, &f->vendor, 4, alloc,
                                             &f->stats),
                    VK_SUCCESS);
}

static void
out_of_host_memory_leaves_nothing_behind(void **state)
{
   (void)state;
   struct counting_allocator counter = {0};
   const VkAllocationCallbacks alloc = counting_callbacks(&counter);
   struct fixture f;
   counting_fixture_init(&f, &alloc);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record a = record_with_buffer(&m, 0x100);
   struct bound first = bind(&f, &layout_tag_a, &a, 1);
   release(&f, &first);
   set_buffer(&a, 1, 0x101, 0);
   /* The next host allocation (the new entry) fails. */
   counter.fail_countdown = 1;
   struct kr_cache_entry *entry;
   bool new_hold;
   assert_int_equal(kr_descriptor_cache_bind(&f.cache, &layout_tag_a, &a, 2, NULL, 0, &entry, &new_hold),
                    VK_ERROR_OUT_OF_HOST_MEMORY);
   assert_false(new_hold);
   assert_int_equal(f.vendor.creates, 1);
   assert_int_equal(f.vendor.live, 1);
   assert_int_equal(f.cache.linked_count, 1);
   expect_accounting(&f);
   /* Memory again: the record's current content. */
   struct bound second = bind(&f, &layout_tag_a, &a, 3);
   assert_true(second.vendor_set != first.vendor_set);
   release(&f, &second);
   record_free(&f, &a);
   kr_descriptor_cache_finish(&f.cache);
   assert_int_equal(f.vendor.live, 0);
   assert_int_equal(counter.live, 0);
   fake_finish(&f.vendor);
   kr_set_layout_model_finish(&m, NULL);
}

/* Derived data (the barrier policy's resolved ranges): the first block published stays, a later
 * one is freed at once; the block is freed with the entry, after the entry is unlinked (an object
 * it names destroyed) and no holder or record is left, and a bind after that gets a new entry
 * without it. The counting allocator sees every block freed. */
static void
derived_data_dies_with_its_entry(void **state)
{
   (void)state;
   struct counting_allocator counter = {0};
   const VkAllocationCallbacks alloc = counting_callbacks(&counter);
   struct fixture f;
   counting_fixture_init(&f, &alloc);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record a = record_with_buffer(&m, 0x100);
   struct bound first = bind(&f, &layout_tag_a, &a, 1);
   assert_null(kr_descriptor_cache_derived(first.entry));
   uint32_t live = counter.live;
   void *mine = kr_alloc(&alloc, 64, 8, VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   void *theirs = kr_alloc(&alloc, 64, 8, VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   assert_non_null(mine);
   assert_non_null(theirs);
   uint64_t bytes = stat(&f, KR_STAT_DESCRIPTOR_CACHE_BYTES);
   assert_ptr_equal(kr_descriptor_cache_publish_derived(&f.cache, first.entry, mine, 64), mine);
   assert_ptr_equal(kr_descriptor_cache_publish_derived(&f.cache, first.entry, theirs, 64), mine);
   assert_int_equal(counter.live, live + 1); /* theirs freed */
   /* the published block counts in the cache's memory, once */
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_BYTES), bytes + 64);
   assert_ptr_equal(kr_descriptor_cache_derived(first.entry), mine);
   /* The object is destroyed while the entry is held and the record links to it: the block
    * stays for the holder. */
   kr_descriptor_cache_forget_object(&f.cache, 0x100);
   assert_ptr_equal(kr_descriptor_cache_derived(first.entry), mine);
   /* The same content again (a new object with the old handle): a new entry, nothing derived. */
   struct bound second = bind(&f, &layout_tag_a, &a, 2);
   assert_ptr_not_equal(second.entry, first.entry);
   assert_null(kr_descriptor_cache_derived(second.entry));
   release(&f, &first);
   release(&f, &second);
   record_free(&f, &a);
   kr_descriptor_cache_finish(&f.cache);
   assert_int_equal(counter.live, 0);
   assert_int_equal(stat(&f, KR_STAT_DESCRIPTOR_CACHE_BYTES), 0);
   fake_finish(&f.vendor);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- finish --------------------------------------------------------------------------------- */

/* The device goes away: every entry and vendor set is freed, whatever still holds or links to
 * it (linked or not). ASan's leak check sees the entries' memory. */
static void
finish_frees_everything(void **state)
{
   (void)state;
   struct fixture f;
   fixture_init(&f, 4);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record idle = record_with_buffer(&m, 0x100);
   struct kr_descriptor_record held = record_with_buffer(&m, 0x101);
   struct kr_descriptor_record held_forgotten = record_with_buffer(&m, 0x102);
   struct kr_descriptor_record linked_forgotten = record_with_buffer(&m, 0x103);
   struct bound b_idle = bind(&f, &layout_tag_a, &idle, 1);
   release(&f, &b_idle);
   struct bound b_held = bind(&f, &layout_tag_a, &held, 1);
   struct bound b_hf = bind(&f, &layout_tag_a, &held_forgotten, 1);
   struct bound b_lf = bind(&f, &layout_tag_a, &linked_forgotten, 1);
   release(&f, &b_lf);
   kr_descriptor_cache_forget_object(&f.cache, 0x102); /* unlinked, still held */
   kr_descriptor_cache_forget_object(&f.cache, 0x103); /* unlinked, a record links to it */
   assert_true(live(&f, b_hf.vendor_set));
   assert_false(live(&f, b_lf.vendor_set));
   assert_int_equal(f.vendor.live, 3);
   /* The command buffers are gone with the device: the test's holds end with them. */
   fake_set(&f.vendor, b_held.vendor_set)->holds = 0;
   fake_set(&f.vendor, b_hf.vendor_set)->holds = 0;
   fixture_finish(&f); /* 0 live vendor sets, gauges at 0 */
   kr_descriptor_record_finish(&idle, NULL);
   kr_descriptor_record_finish(&held, NULL);
   kr_descriptor_record_finish(&held_forgotten, NULL);
   kr_descriptor_record_finish(&linked_forgotten, NULL);
   kr_set_layout_model_finish(&m, NULL);
}

/* After every hold is released and every record freed, finish leaves nothing either. */
static void
finish_after_an_orderly_teardown(void **state)
{
   (void)state;
   struct fixture f;
   fixture_init(&f, 2);
   struct kr_set_layout_model m = small_model();
   struct kr_descriptor_record r[5];
   for (uint32_t i = 0; i < 5; i++) {
      r[i] = record_with_buffer(&m, 0x100 + i);
      struct bound b = bind(&f, &layout_tag_a, &r[i], 1 + i);
      release(&f, &b);
   }
   kr_descriptor_cache_forget_object(&f.cache, 0x104);
   for (uint32_t i = 0; i < 5; i++)
      record_free(&f, &r[i]);
   assert_int_equal(f.vendor.live, 1); /* 0x103's: the limit keeps two, 0x104's forgotten */
   fixture_finish(&f);
   kr_set_layout_model_finish(&m, NULL);
}

/* --- a random sequence against a reference model ---------------------------------------------- */

#define STRESS_SEED 0x1D35C0FFEEull
#define STRESS_OPS 150000u
#define STRESS_MAX_ENTRIES 8u
#define STRESS_SLOTS 24u
#define STRESS_POOLS 3u
#define STRESS_CBS 5u
#define MAX_DESCRIPTORS 16u
#define MAX_BYTES 16u
#define MAX_HELD 4096u

#define CIS VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER
static const VkSampler stress_immutable[2] = {SAMP(0x9001), SAMP(0x9002)};
/* In binding order (the reference lays them out itself). L0: storage buffers over two
 * consecutive bindings; L1: an inline block; L2: immutable samplers. */
static const VkDescriptorSetLayoutBinding stress_l0[] = {
   {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 3, STAGE, NULL},
   {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2, STAGE, NULL},
   {2, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, STAGE, NULL},
   {3, CIS, 2, STAGE, NULL},
};
static const VkDescriptorSetLayoutBinding stress_l1[] = {
   {0, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, 2, STAGE, NULL},
   {1, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 2, STAGE, NULL},
   {2, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, 8, STAGE, NULL},
   {3, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, 1, STAGE, NULL},
};
static const VkDescriptorSetLayoutBinding stress_l2[] = {
   {0, CIS, 2, STAGE, stress_immutable},
   {1, VK_DESCRIPTOR_TYPE_SAMPLER, 1, STAGE, NULL},
   {2, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1, STAGE, NULL},
   {3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 2, STAGE, NULL},
   {4, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, STAGE, NULL},
};

struct ref_layout {
   const VkDescriptorSetLayoutBinding *bindings;
   uint32_t binding_count;
   uint32_t first[8]; /* flat descriptor (or inline byte) position of each binding */
   uint32_t descriptors, bytes;
   struct kr_set_layout_model model;
};

/* The objects descriptors name: buffers, buffer views, image views, samplers. */
enum object_kind { OBJ_BUFFER, OBJ_BUFFER_VIEW, OBJ_IMAGE_VIEW, OBJ_SAMPLER, OBJ_KINDS };
static const uint64_t object_base[OBJ_KINDS] = {0x100, 0x200, 0x300, 0x400};
static const uint32_t object_count[OBJ_KINDS] = {8, 4, 4, 3};

struct ref_object {
   bool alive;
   uint64_t forgotten_at; /* the fake vendor's clock when last destroyed; 0: never */
};

struct slot {
   bool live;
   uint32_t layout;
   struct kr_descriptor_record record;
   struct kr_descriptor expect[MAX_DESCRIPTORS];
   uint8_t expect_bytes[MAX_BYTES];
};

enum cb_state { CB_INITIAL, CB_RECORDING, CB_EXECUTABLE, CB_PENDING };

struct cb {
   enum cb_state state;
   uint64_t holder;
   uint32_t held_count;
   struct kr_cache_entry *held[MAX_HELD];
   uint64_t held_sets[MAX_HELD];
};

struct stress {
   struct fixture f;
   struct test_random rng;
   struct ref_layout layouts[3];
   struct ref_object objects[OBJ_KINDS][8];
   struct slot slots[STRESS_SLOTS];
   struct cb cbs[STRESS_CBS];
   uint64_t serial;
   uint64_t op;
   /* what happened */
   uint64_t writes, refused, copies, templates, binds, failed_binds, new_holds, begins,
      submits, completes, resets, record_frees, pool_resets, forgets, reuses, max_live;
};

static uint32_t
roll(struct stress *st, uint32_t n)
{
   return (uint32_t)(test_random_next(&st->rng) % n);
}

static void
ref_layout_init(struct ref_layout *l, const VkDescriptorSetLayoutBinding *b, uint32_t n)
{
   *l = (struct ref_layout){.bindings = b, .binding_count = n};
   for (uint32_t i = 0; i < n; i++) {
      if (b[i].descriptorType == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
         l->first[i] = l->bytes;
         l->bytes += b[i].descriptorCount;
      } else {
         l->first[i] = l->descriptors;
         l->descriptors += b[i].descriptorCount;
      }
   }
   assert_true(l->descriptors <= MAX_DESCRIPTORS && l->bytes <= MAX_BYTES);
   const VkDescriptorSetLayoutCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
      .bindingCount = n,
      .pBindings = b,
   };
   assert_int_equal(kr_set_layout_model_init(&l->model, &info, true, NULL), VK_SUCCESS);
   assert_int_equal(l->model.descriptor_count, l->descriptors);
   assert_int_equal(l->model.inline_bytes, l->bytes);
}

static enum object_kind
kind_of_type(VkDescriptorType type)
{
   switch (type) {
   case VK_DESCRIPTOR_TYPE_SAMPLER:
      return OBJ_SAMPLER;
   case VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER:
   case VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE:
   case VK_DESCRIPTOR_TYPE_STORAGE_IMAGE:
      return OBJ_IMAGE_VIEW;
   case VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER:
   case VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER:
      return OBJ_BUFFER_VIEW;
   default:
      return OBJ_BUFFER;
   }
}

/* A handle of a live object of the kind, or now and then the null handle. */
static uint64_t
pick_object(struct stress *st, enum object_kind kind)
{
   if (roll(st, 16) == 0)
      return 0;
   for (int tries = 0; tries < 8; tries++) {
      uint32_t i = roll(st, object_count[kind]);
      if (st->objects[kind][i].alive)
         return object_base[kind] + i;
   }
   return 0;
}

static struct ref_object *
object_of(struct stress *st, uint64_t handle)
{
   for (uint32_t k = 0; k < OBJ_KINDS; k++) {
      if (handle >= object_base[k] && handle < object_base[k] + object_count[k])
         return &st->objects[k][handle - object_base[k]];
   }
   fail_msg("unknown handle %#llx", (unsigned long long)handle);
   return NULL;
}

/* What a descriptor of the binding's type keeps of the application's structures (the
 * reference's own reading of the spec). */
static struct kr_descriptor
ref_descriptor(VkDescriptorType type, bool immutable, const VkDescriptorImageInfo *image,
               const VkDescriptorBufferInfo *buffer, const VkBufferView *view)
{
   struct kr_descriptor d = {.state = (uint32_t)type + 1};
   switch (type) {
   case VK_DESCRIPTOR_TYPE_SAMPLER:
      d.sampler = immutable ? 0 : (uint64_t)(uintptr_t)image->sampler;
      break;
   case VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER:
      d.sampler = immutable ? 0 : (uint64_t)(uintptr_t)image->sampler;
      d.object = (uint64_t)(uintptr_t)image->imageView;
      d.layout = (uint32_t)image->imageLayout;
      break;
   case VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE:
   case VK_DESCRIPTOR_TYPE_STORAGE_IMAGE:
      d.object = (uint64_t)(uintptr_t)image->imageView;
      d.layout = (uint32_t)image->imageLayout;
      break;
   case VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER:
   case VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER:
      d.object = (uint64_t)(uintptr_t)*view;
      break;
   default:
      d.object = (uint64_t)(uintptr_t)buffer->buffer;
      d.offset = buffer->offset;
      d.range = buffer->range;
      break;
   }
   return d;
}

/* Random application structures for one descriptor: the fields of its type from live objects,
 * the others garbage. */
static void
random_infos(struct stress *st, VkDescriptorType type, VkDescriptorImageInfo *image,
             VkDescriptorBufferInfo *buffer, VkBufferView *view)
{
   test_random_fill(&st->rng, image, sizeof(*image));
   test_random_fill(&st->rng, buffer, sizeof(*buffer));
   test_random_fill(&st->rng, view, sizeof(*view));
   enum object_kind kind = kind_of_type(type);
   if (kind == OBJ_SAMPLER || type == VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER)
      image->sampler = SAMP(pick_object(st, OBJ_SAMPLER));
   if (kind == OBJ_IMAGE_VIEW) {
      image->imageView = IVIEW(pick_object(st, OBJ_IMAGE_VIEW));
      image->imageLayout =
         roll(st, 2) ? VK_IMAGE_LAYOUT_GENERAL : VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
   } else if (kind == OBJ_BUFFER_VIEW) {
      *view = BVIEW(pick_object(st, OBJ_BUFFER_VIEW));
   } else if (kind == OBJ_BUFFER) {
      buffer->buffer = BUF(pick_object(st, OBJ_BUFFER));
      buffer->offset = 256 * roll(st, 2);
      buffer->range = roll(st, 2) ? VK_WHOLE_SIZE : 256;
   }
}

/* A run of descriptors from (binding, element): how far it may go with the consecutive-binding
 * rule (following bindings of the same type and immutable samplers). */
static uint32_t
run_room(const struct ref_layout *l, uint32_t binding, uint32_t element)
{
   const VkDescriptorSetLayoutBinding *b = &l->bindings[binding];
   uint32_t room = b->descriptorCount - element;
   for (uint32_t i = binding + 1; i < l->binding_count; i++) {
      const VkDescriptorSetLayoutBinding *n = &l->bindings[i];
      if (n->descriptorType != b->descriptorType ||
          (n->pImmutableSamplers != NULL) != (b->pImmutableSamplers != NULL))
         break;
      room += n->descriptorCount;
   }
   return room;
}

static struct slot *
pick_slot(struct stress *st)
{
   for (int tries = 0; tries < 16; tries++) {
      struct slot *s = &st->slots[roll(st, STRESS_SLOTS)];
      if (s->live)
         return s;
   }
   return NULL;
}

static void
expect_record_matches(const struct slot *s)
{
   const struct kr_set_layout_model *m = s->record.model;
   if (m->descriptor_count)
      assert_memory_equal(s->record.descriptors, s->expect,
                          sizeof(struct kr_descriptor) * m->descriptor_count);
   if (m->inline_bytes)
      assert_memory_equal(s->record.inline_bytes, s->expect_bytes, m->inline_bytes);
}

static void
op_write(struct stress *st)
{
   struct slot *s = pick_slot(st);
   if (!s)
      return;
   const struct ref_layout *l = &st->layouts[s->layout];
   uint32_t bi = roll(st, l->binding_count);
   const VkDescriptorSetLayoutBinding *b = &l->bindings[bi];
   bool bad = roll(st, 40) == 0;
   if (b->descriptorType == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      uint32_t offset = roll(st, b->descriptorCount);
      uint32_t size = 1 + roll(st, b->descriptorCount - offset);
      if (bad)
         size = b->descriptorCount - offset + 1 + roll(st, 4);
      uint8_t data[MAX_BYTES + 8];
      for (uint32_t i = 0; i < sizeof(data); i++)
         data[i] = (uint8_t)roll(st, 2);
      const VkWriteDescriptorSetInlineUniformBlock block = {
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK,
         .dataSize = size,
         .pData = data,
      };
      const VkWriteDescriptorSet w = {
         .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
         .pNext = &block,
         .dstBinding = b->binding,
         .dstArrayElement = offset,
         .descriptorCount = size,
         .descriptorType = b->descriptorType,
      };
      bool ok = kr_descriptor_record_write(&s->record, &w);
      assert_int_equal(ok, !bad);
      if (ok)
         memcpy(s->expect_bytes + l->first[bi] + offset, data, size);
      else
         st->refused++;
      st->writes++;
      expect_record_matches(s);
      return;
   }
   uint32_t element = roll(st, b->descriptorCount);
   uint32_t room = run_room(l, bi, element);
   uint32_t count = 1 + roll(st, room < 6 ? room : 6);
   if (bad) {
      if (roll(st, 2) && bi == l->binding_count - 1) {
         count = room + 1 + roll(st, 3); /* past the record's end */
      } else {
         element = b->descriptorCount + 1 + roll(st, 3); /* past the binding's end */
         count = 1;
      }
   }
   VkDescriptorImageInfo images[16];
   VkDescriptorBufferInfo buffers[16];
   VkBufferView views[16];
   for (uint32_t i = 0; i < 16; i++)
      random_infos(st, b->descriptorType, &images[i], &buffers[i], &views[i]);
   const VkWriteDescriptorSet w = {
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstBinding = b->binding,
      .dstArrayElement = element,
      .descriptorCount = count,
      .descriptorType = b->descriptorType,
      .pImageInfo = images,
      .pBufferInfo = buffers,
      .pTexelBufferView = views,
   };
   /* A refused write past the binding's end must not have been a valid run. */
   bool expect_ok = !bad || (element <= b->descriptorCount &&
                             l->first[bi] + element + count <= l->descriptors);
   bool ok = kr_descriptor_record_write(&s->record, &w);
   assert_int_equal(ok, expect_ok);
   if (ok) {
      for (uint32_t i = 0; i < count; i++)
         s->expect[l->first[bi] + element + i] =
            ref_descriptor(b->descriptorType, b->pImmutableSamplers != NULL, &images[i],
                           &buffers[i], &views[i]);
   } else {
      st->refused++;
   }
   st->writes++;
   expect_record_matches(s);
}

static void
op_copy(struct stress *st)
{
   struct slot *dst = pick_slot(st), *src = pick_slot(st);
   if (!dst || !src)
      return;
   const struct ref_layout *dl = &st->layouts[dst->layout], *sl = &st->layouts[src->layout];
   uint32_t di = roll(st, dl->binding_count);
   const VkDescriptorSetLayoutBinding *db = &dl->bindings[di];
   /* A source binding of the same type. */
   uint32_t candidates[8], n = 0;
   for (uint32_t i = 0; i < sl->binding_count; i++) {
      if (sl->bindings[i].descriptorType == db->descriptorType)
         candidates[n++] = i;
   }
   if (!n)
      return;
   uint32_t si = candidates[roll(st, n)];
   const VkDescriptorSetLayoutBinding *sb = &sl->bindings[si];
   uint32_t de = roll(st, db->descriptorCount), se = roll(st, sb->descriptorCount);
   uint32_t room = db->descriptorCount - de;
   if (sb->descriptorCount - se < room)
      room = sb->descriptorCount - se;
   uint32_t count = 1 + roll(st, room);
   uint32_t dstart = dl->first[di] + de, sstart = sl->first[si] + se;
   if (dst == src && di == si && dstart < sstart + count && sstart < dstart + count)
      return; /* overlapping ranges of one set: the spec forbids them */
   const VkCopyDescriptorSet c = {
      .sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET,
      .srcBinding = sb->binding,
      .srcArrayElement = se,
      .dstBinding = db->binding,
      .dstArrayElement = de,
      .descriptorCount = count,
   };
   assert_true(kr_descriptor_record_copy(&dst->record, &src->record, &c));
   if (db->descriptorType == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
      memmove(dst->expect_bytes + dstart, src->expect_bytes + sstart, count);
   } else {
      for (uint32_t i = 0; i < count; i++) {
         struct kr_descriptor d = src->expect[sstart + i];
         /* A source binding's immutable samplers are what a copy reads as its samplers. */
         if (sb->pImmutableSamplers) {
            d.sampler = (uint64_t)(uintptr_t)sb->pImmutableSamplers[se + i];
            if (sb->descriptorType == VK_DESCRIPTOR_TYPE_SAMPLER)
               d.state = VK_DESCRIPTOR_TYPE_SAMPLER + 1;
         }
         if (db->pImmutableSamplers)
            d.sampler = 0;
         dst->expect[dstart + i] = d;
      }
   }
   st->copies++;
   expect_record_matches(dst);
   expect_record_matches(src);
}

static void
op_template(struct stress *st)
{
   struct slot *s = pick_slot(st);
   if (!s)
      return;
   const struct ref_layout *l = &st->layouts[s->layout];
   uint8_t data[2048];
   test_random_fill(&st->rng, data, sizeof(data));
   VkDescriptorUpdateTemplateEntry entries[3];
   uint32_t entry_count = 1 + roll(st, 3);
   size_t at = 8 * roll(st, 4);
   /* The reference applies entries in order, as they come. */
   struct kr_descriptor expect[MAX_DESCRIPTORS];
   uint8_t expect_bytes[MAX_BYTES];
   memcpy(expect, s->expect, sizeof(expect));
   memcpy(expect_bytes, s->expect_bytes, sizeof(expect_bytes));
   for (uint32_t e = 0; e < entry_count; e++) {
      uint32_t bi = roll(st, l->binding_count);
      const VkDescriptorSetLayoutBinding *b = &l->bindings[bi];
      if (b->descriptorType == VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK) {
         uint32_t offset = roll(st, b->descriptorCount);
         uint32_t size = 1 + roll(st, b->descriptorCount - offset);
         for (uint32_t i = 0; i < size; i++)
            data[at + i] = (uint8_t)roll(st, 2);
         entries[e] = (VkDescriptorUpdateTemplateEntry){b->binding, offset, size,
                                                        b->descriptorType, at, 0};
         memcpy(expect_bytes + l->first[bi] + offset, data + at, size);
         at += 32;
         continue;
      }
      uint32_t element = roll(st, b->descriptorCount);
      uint32_t room = run_room(l, bi, element);
      uint32_t count = 1 + roll(st, room < 6 ? room : 6);
      enum object_kind kind = kind_of_type(b->descriptorType);
      size_t info_size = kind == OBJ_BUFFER        ? sizeof(VkDescriptorBufferInfo)
                         : kind == OBJ_BUFFER_VIEW ? sizeof(VkBufferView)
                                                   : sizeof(VkDescriptorImageInfo);
      size_t stride = roll(st, 8) == 0 ? 0 : info_size + 8 * roll(st, 3);
      entries[e] = (VkDescriptorUpdateTemplateEntry){b->binding, element, count,
                                                     b->descriptorType, at, stride};
      for (uint32_t i = 0; i < count; i++) {
         VkDescriptorImageInfo image;
         VkDescriptorBufferInfo buffer;
         VkBufferView view;
         random_infos(st, b->descriptorType, &image, &buffer, &view);
         uint8_t *p = data + at + stride * i;
         /* With stride 0, every element reads the first's info. */
         if (stride || i == 0) {
            if (kind == OBJ_BUFFER)
               memcpy(p, &buffer, sizeof(buffer));
            else if (kind == OBJ_BUFFER_VIEW)
               memcpy(p, &view, sizeof(view));
            else
               memcpy(p, &image, sizeof(image));
         }
         /* The reference reads what the data holds there. */
         VkDescriptorImageInfo ri;
         VkDescriptorBufferInfo rb;
         VkBufferView rv;
         const uint8_t *q = data + at + stride * i;
         memcpy(&ri, q, sizeof(ri));
         memcpy(&rb, q, sizeof(rb));
         memcpy(&rv, q, sizeof(rv));
         expect[l->first[bi] + element + i] = ref_descriptor(
            b->descriptorType, b->pImmutableSamplers != NULL, &ri, &rb, &rv);
      }
      at += (stride ? stride * count : info_size) + 8;
      assert_true(at + 64 < sizeof(data));
   }
   assert_true(kr_descriptor_record_apply_template(&s->record, entry_count, entries, data));
   memcpy(s->expect, expect, sizeof(expect));
   memcpy(s->expect_bytes, expect_bytes, sizeof(expect_bytes));
   st->templates++;
   expect_record_matches(s);
}

/* Every handle a live vendor set's content names was destroyed (if ever) before it was made. */
static void
expect_no_forgotten_object(struct stress *st, uint64_t vendor_set)
{
   struct fake_set *fs = fake_set(&st->f.vendor, vendor_set);
   for (uint32_t i = 0; i < fs->descriptor_count; i++) {
      const struct kr_descriptor *d = &fs->descriptors[i];
      if (!d->state)
         continue;
      /* A buffer's offset is in the sampler's word (kr_descriptor). */
      bool sampler = kr_descriptor_type_has_sampler((VkDescriptorType)(d->state - 1));
      uint64_t handles[2] = {d->object, sampler ? d->sampler : 0};
      for (int h = 0; h < 2; h++) {
         /* Immutable samplers (copied out of their binding) live as long as the layout. */
         if (!handles[h] || handles[h] == (uint64_t)(uintptr_t)stress_immutable[0] ||
             handles[h] == (uint64_t)(uintptr_t)stress_immutable[1])
            continue;
         const struct ref_object *o = object_of(st, handles[h]);
         if (o->forgotten_at >= fs->created_at)
            fail_msg("op %llu: vendor set %#llx (made at %llu) names %#llx, destroyed at %llu",
                     (unsigned long long)st->op, (unsigned long long)vendor_set,
                     (unsigned long long)fs->created_at, (unsigned long long)handles[h],
                     (unsigned long long)o->forgotten_at);
      }
   }
}

static void
hold_add(struct stress *st, uint64_t vendor_set, int delta)
{
   struct fake_set *fs = fake_set(&st->f.vendor, vendor_set);
   if (delta > 0) {
      if (fs->holds++ == 0)
         st->f.vendor.held++;
   } else {
      assert_true(fs->holds > 0);
      if (--fs->holds == 0)
         st->f.vendor.held--;
   }
}

static void
cb_release(struct stress *st, struct cb *cb)
{
   assert_true(cb->state != CB_PENDING);
   for (uint32_t i = 0; i < cb->held_count; i++)
      hold_add(st, cb->held_sets[i], -1);
   kr_descriptor_cache_release(&st->f.cache, cb->held, cb->held_count);
   cb->held_count = 0;
}

static void
cb_begin(struct stress *st, struct cb *cb)
{
   cb_release(st, cb);
   cb->holder = ++st->serial;
   cb->state = CB_RECORDING;
   st->begins++;
}

static void
op_bind(struct stress *st)
{
   struct cb *cb = &st->cbs[roll(st, STRESS_CBS)];
   if (cb->state == CB_PENDING)
      return;
   if (cb->state != CB_RECORDING)
      cb_begin(st, cb);
   if (cb->held_count == MAX_HELD)
      return;
   struct slot *s = pick_slot(st);
   if (!s)
      return;
   bool fail = roll(st, 50) == 0;
   if (fail)
      st->f.vendor.fail_next = VK_ERROR_OUT_OF_DEVICE_MEMORY;
   uint32_t creates = st->f.vendor.creates, failed = st->f.vendor.failed_creates;
   struct kr_cache_entry *entry = NULL;
   bool new_hold = true;
   void *layout = &st->layouts[s->layout];
   VkResult result =
      kr_descriptor_cache_bind(&st->f.cache, layout, &s->record, cb->holder, NULL, 0, &entry, &new_hold);
   st->binds++;
   if (result != VK_SUCCESS) {
      assert_true(fail);
      assert_int_equal(result, VK_ERROR_OUT_OF_DEVICE_MEMORY);
      assert_int_equal(st->f.vendor.failed_creates, failed + 1);
      assert_int_equal(st->f.vendor.fail_next, VK_SUCCESS);
      assert_false(new_hold);
      st->failed_binds++;
      return;
   }
   st->f.vendor.fail_next = VK_SUCCESS; /* a hit: no create to fail */
   assert_true(st->f.vendor.creates == creates || st->f.vendor.creates == creates + 1);
   uint64_t vendor_set = entry->vendor_set;
   fake_check_serial(&st->f.vendor, vendor_set, entry->serial);
   expect_record_matches(s);
   if (!fake_holds_content(&st->f.vendor, vendor_set, layout, s->record.model, s->expect,
                           s->expect_bytes))
      fail_msg("op %llu: vendor set %#llx is not of the record's content",
               (unsigned long long)st->op, (unsigned long long)vendor_set);
   expect_no_forgotten_object(st, vendor_set);
   if (new_hold) {
      cb->held[cb->held_count] = entry;
      cb->held_sets[cb->held_count++] = vendor_set;
      hold_add(st, vendor_set, +1);
      st->new_holds++;
   } else {
      /* No new hold: this recording already holds the entry. */
      bool found = false;
      for (uint32_t i = 0; i < cb->held_count && !found; i++)
         found = cb->held[i] == entry;
      assert_true(found);
   }
}

static void
slot_free(struct stress *st, struct slot *s)
{
   kr_descriptor_cache_forget_record(&st->f.cache, &s->record);
   assert_null(s->record.entry);
   kr_descriptor_record_finish(&s->record, NULL);
   s->live = false;
}

static void
op_alloc(struct stress *st)
{
   struct slot *s = &st->slots[roll(st, STRESS_SLOTS)];
   if (s->live)
      return;
   memset(s, 0, sizeof(*s));
   s->live = true;
   s->layout = roll(st, 3);
   assert_int_equal(kr_descriptor_record_init(&s->record, &st->layouts[s->layout].model, NULL),
                    VK_SUCCESS);
}

static void
op_destroy_object(struct stress *st)
{
   enum object_kind kind = (enum object_kind)roll(st, OBJ_KINDS);
   uint32_t i = roll(st, object_count[kind]);
   struct ref_object *o = &st->objects[kind][i];
   if (!o->alive)
      return;
   kr_descriptor_cache_forget_object(&st->f.cache, object_base[kind] + i);
   o->forgotten_at = ++st->f.vendor.clock;
   o->alive = false;
   st->forgets++;
   /* Often the vendor hands the same value to the next object at once. */
   if (roll(st, 2)) {
      o->alive = true;
      st->reuses++;
   }
}

static void
op_create_object(struct stress *st)
{
   enum object_kind kind = (enum object_kind)roll(st, OBJ_KINDS);
   st->objects[kind][roll(st, object_count[kind])].alive = true;
}

static void
stress_check(struct stress *st)
{
   const struct fake_vendor *v = &st->f.vendor;
   if (v->live > STRESS_MAX_ENTRIES + v->held)
      fail_msg("op %llu: %u live vendor sets, %u held, limit %u", (unsigned long long)st->op,
               v->live, v->held, STRESS_MAX_ENTRIES);
   assert_true(st->f.cache.linked_count <= STRESS_MAX_ENTRIES + v->held);
   expect_accounting(&st->f);
   if (v->live > st->max_live)
      st->max_live = v->live;
}

static void
random_operations_against_a_model(void **state)
{
   (void)state;
   static struct stress st; /* large: not on the stack */
   memset(&st, 0, sizeof(st));
   print_message("seed %#llx, %u operations\n", (unsigned long long)STRESS_SEED, STRESS_OPS);
   test_random_seed(&st.rng, STRESS_SEED);
   fixture_init(&st.f, STRESS_MAX_ENTRIES);
   ref_layout_init(&st.layouts[0], stress_l0, ARRAY_SIZE(stress_l0));
   ref_layout_init(&st.layouts[1], stress_l1, ARRAY_SIZE(stress_l1));
   ref_layout_init(&st.layouts[2], stress_l2, ARRAY_SIZE(stress_l2));
   for (uint32_t k = 0; k < OBJ_KINDS; k++)
      for (uint32_t i = 0; i < object_count[k]; i++)
         st.objects[k][i].alive = true;
   for (uint32_t i = 0; i < STRESS_SLOTS; i++)
      op_alloc(&st);

   struct timespec t0, t1;
   clock_gettime(CLOCK_MONOTONIC, &t0);
   for (st.op = 0; st.op < STRESS_OPS; st.op++) {
      uint32_t r = roll(&st, 1000);
      if (r < 220) {
         op_write(&st);
      } else if (r < 300) {
         op_copy(&st);
      } else if (r < 380) {
         op_template(&st);
      } else if (r < 700) {
         op_bind(&st);
      } else if (r < 740) {
         struct cb *cb = &st.cbs[roll(&st, STRESS_CBS)];
         if (cb->state != CB_PENDING)
            cb_begin(&st, cb);
      } else if (r < 790) {
         /* End and submit, or submit again what is executable. */
         struct cb *cb = &st.cbs[roll(&st, STRESS_CBS)];
         if (cb->state == CB_RECORDING || cb->state == CB_EXECUTABLE) {
            cb->state = CB_PENDING;
            st.submits++;
         }
      } else if (r < 850) {
         struct cb *cb = &st.cbs[roll(&st, STRESS_CBS)];
         if (cb->state == CB_PENDING) {
            cb->state = CB_EXECUTABLE;
            st.completes++;
         }
      } else if (r < 880) {
         struct cb *cb = &st.cbs[roll(&st, STRESS_CBS)];
         if (cb->state != CB_PENDING) {
            cb_release(&st, cb);
            cb->state = CB_INITIAL;
            st.resets++;
         }
      } else if (r < 900) {
         struct slot *s = pick_slot(&st);
         if (s) {
            slot_free(&st, s);
            st.record_frees++;
         }
      } else if (r < 903) {
         uint32_t pool = roll(&st, STRESS_POOLS);
         for (uint32_t i = pool; i < STRESS_SLOTS; i += STRESS_POOLS) {
            if (st.slots[i].live)
               slot_free(&st, &st.slots[i]);
         }
         st.pool_resets++;
      } else if (r < 950) {
         op_alloc(&st);
      } else if (r < 980) {
         op_destroy_object(&st);
      } else {
         op_create_object(&st);
      }
      stress_check(&st);
   }
   clock_gettime(CLOCK_MONOTONIC, &t1);

   /* Everything completes, every command buffer lets go, every record goes. */
   for (uint32_t i = 0; i < STRESS_CBS; i++) {
      st.cbs[i].state = CB_EXECUTABLE;
      cb_release(&st, &st.cbs[i]);
      stress_check(&st);
   }
   assert_int_equal(st.f.vendor.held, 0);
   assert_true(st.f.vendor.live <= STRESS_MAX_ENTRIES);
   for (uint32_t i = 0; i < STRESS_SLOTS; i++) {
      if (st.slots[i].live)
         slot_free(&st, &st.slots[i]);
   }
   expect_accounting(&st.f);
   const struct fixture *f = &st.f;
   print_message("%llu writes (%llu refused), %llu copies, %llu template updates, %llu binds "
                 "(%llu hits, %llu misses, %llu failed), %llu holds, %llu evictions, %llu "
                 "objects destroyed (%llu values reused at once), %llu record frees, %llu pool "
                 "resets, %llu begins, %llu submits, %llu completions, %llu resets, at most "
                 "%llu vendor sets live; %.2f s\n",
                 (unsigned long long)st.writes, (unsigned long long)st.refused,
                 (unsigned long long)st.copies, (unsigned long long)st.templates,
                 (unsigned long long)st.binds,
                 (unsigned long long)stat(f, KR_STAT_DESCRIPTOR_CACHE_HITS),
                 (unsigned long long)stat(f, KR_STAT_DESCRIPTOR_CACHE_MISSES),
                 (unsigned long long)st.failed_binds, (unsigned long long)st.new_holds,
                 (unsigned long long)stat(f, KR_STAT_DESCRIPTOR_CACHE_EVICTIONS),
                 (unsigned long long)st.forgets, (unsigned long long)st.reuses,
                 (unsigned long long)st.record_frees, (unsigned long long)st.pool_resets,
                 (unsigned long long)st.begins, (unsigned long long)st.submits,
                 (unsigned long long)st.completes, (unsigned long long)st.resets,
                 (unsigned long long)st.max_live,
                 (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
   /* The run saw every outcome. */
   assert_true(stat(f, KR_STAT_DESCRIPTOR_CACHE_HITS) > 1000);
   assert_true(stat(f, KR_STAT_DESCRIPTOR_CACHE_MISSES) > 1000);
   assert_true(stat(f, KR_STAT_DESCRIPTOR_CACHE_EVICTIONS) > 100);
   assert_true(st.failed_binds > 10 && st.refused > 10 && st.forgets > 100);
   assert_true(st.max_live > STRESS_MAX_ENTRIES);
   fixture_finish(&st.f);
   for (uint32_t i = 0; i < 3; i++)
      kr_set_layout_model_finish(&st.layouts[i].model, NULL);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(hits_and_misses),
      cmocka_unit_test(holds_are_per_holder),
      cmocka_unit_test(forgetting_an_object_unlinks_its_sets),
      cmocka_unit_test(same_value_rewrites_rebind_without_lookup),
      cmocka_unit_test(forgetting_unlinks_every_entry_naming_it),
      cmocka_unit_test(eviction_never_touches_a_held_set),
      cmocka_unit_test(weak_links_survive_eviction_and_invalidation),
      cmocka_unit_test(a_failing_create_leaves_nothing_behind),
      cmocka_unit_test(a_failing_create_keeps_no_stale_link),
      cmocka_unit_test(out_of_host_memory_leaves_nothing_behind),
      cmocka_unit_test(derived_data_dies_with_its_entry),
      cmocka_unit_test(finish_frees_everything),
      cmocka_unit_test(finish_after_an_orderly_teardown),
      cmocka_unit_test(random_operations_against_a_model),
   };
   return cmocka_run_group_tests_name("descriptor_cache", tests, NULL, NULL);
}
