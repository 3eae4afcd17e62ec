/* SPDX-License-Identifier: MIT */
#include "kr_descriptor_cache.h"

#include <stdlib.h>
#include <string.h>

#include "kr_alloc.h"
#include "kr_log.h"

/* One object an entry names, on the list of its handle's bucket. */
struct kr_cache_object_link {
   uint64_t handle;
   struct kr_cache_entry *entry;
   struct kr_cache_object_link *prev, *next;
};

#define FIRST_BUCKETS 64u

static void
count(struct kr_descriptor_cache *cache, enum kr_stat stat, int64_t amount)
{
   if (cache->stats)
      kr_stats_add(cache->stats, stat, (uint64_t)amount);
}

static uint32_t
mix(uint64_t key)
{
   key ^= key >> 33;
   key *= 0xFF51AFD7ED558CCDull;
   key ^= key >> 33;
   return (uint32_t)key;
}

VkResult
kr_descriptor_cache_init(struct kr_descriptor_cache *cache,
                         const struct kr_descriptor_cache_ops *ops, void *context,
                         uint32_t max_entries, const VkAllocationCallbacks *alloc,
                         struct kr_stats *stats)
{
   *cache = (struct kr_descriptor_cache){
      .alloc = alloc,
      .ops = ops,
      .context = context,
      .stats = stats,
      .max_entries = max_entries ? max_entries : 1,
   };
   cache->idle.idle_next = cache->idle.idle_prev = &cache->idle;
   cache->unlinked.idle_next = cache->unlinked.idle_prev = &cache->unlinked;
   cache->buckets = kr_zalloc(alloc, sizeof(*cache->buckets) * FIRST_BUCKETS, 8,
                              VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   cache->object_buckets = kr_zalloc(alloc, sizeof(*cache->object_buckets) * FIRST_BUCKETS, 8,
                                     VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!cache->buckets || !cache->object_buckets)
      goto fail;
   cache->bucket_count = cache->object_bucket_count = FIRST_BUCKETS;
   if (pthread_mutex_init(&cache->lock, NULL) != 0)
      goto fail;
   return VK_SUCCESS;
fail:
   /* Cleared: kr_descriptor_cache_finish runs on a cache whose init failed, too. */
   kr_free(alloc, cache->buckets);
   kr_free(alloc, cache->object_buckets);
   cache->buckets = NULL;
   cache->object_buckets = NULL;
   return VK_ERROR_OUT_OF_HOST_MEMORY;
}

/* --- idle list (linked entries no command buffer holds, most recently released first) --- */

static void
idle_remove(struct kr_cache_entry *entry)
{
   if (!entry->idle_next)
      return;
   entry->idle_prev->idle_next = entry->idle_next;
   entry->idle_next->idle_prev = entry->idle_prev;
   entry->idle_next = entry->idle_prev = NULL;
}

static void
list_push(struct kr_cache_entry *head, struct kr_cache_entry *entry)
{
   entry->idle_prev = head;
   entry->idle_next = head->idle_next;
   head->idle_next->idle_prev = entry;
   head->idle_next = entry;
}

static void
idle_push(struct kr_descriptor_cache *cache, struct kr_cache_entry *entry)
{
   list_push(&cache->idle, entry);
}

/* --- the hash tables ------------------------------------------------------------------------ */

static void
grow_buckets(struct kr_descriptor_cache *cache)
{
   uint32_t n = cache->bucket_count * 2;
   struct kr_cache_entry **buckets =
      kr_zalloc(cache->alloc, sizeof(*buckets) * n, 8, VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!buckets)
      return; /* longer chains, still correct */
   for (uint32_t i = 0; i < cache->bucket_count; i++) {
      for (struct kr_cache_entry *e = cache->buckets[i], *next; e; e = next) {
         next = e->bucket_next;
         uint32_t b = mix(e->hash) & (n - 1);
         e->bucket_next = buckets[b];
         buckets[b] = e;
      }
   }
   kr_free(cache->alloc, cache->buckets);
   cache->buckets = buckets;
   cache->bucket_count = n;
}

static void
grow_object_buckets(struct kr_descriptor_cache *cache)
{
   uint32_t n = cache->object_bucket_count * 2;
   struct kr_cache_object_link **buckets =
      kr_zalloc(cache->alloc, sizeof(*buckets) * n, 8, VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (!buckets)
      return;
   for (uint32_t i = 0; i < cache->object_bucket_count; i++) {
      for (struct kr_cache_object_link *l = cache->object_buckets[i], *next; l; l = next) {
         next = l->next;
         uint32_t b = mix(l->handle) & (n - 1);
         l->prev = NULL;
         l->next = buckets[b];
         if (buckets[b])
            buckets[b]->prev = l;
         buckets[b] = l;
      }
   }
   kr_free(cache->alloc, cache->object_buckets);
   cache->object_buckets = buckets;
   cache->object_bucket_count = n;
}

static struct kr_cache_entry **
bucket_of(struct kr_descriptor_cache *cache, uint64_t hash)
{
   return &cache->buckets[mix(hash) & (cache->bucket_count - 1)];
}

static void
link_objects(struct kr_descriptor_cache *cache, struct kr_cache_entry *entry)
{
   for (uint32_t i = 0; i < entry->link_count; i++) {
      struct kr_cache_object_link *l = &entry->links[i];
      struct kr_cache_object_link **head =
         &cache->object_buckets[mix(l->handle) & (cache->object_bucket_count - 1)];
      l->prev = NULL;
      l->next = *head;
      if (*head)
         (*head)->prev = l;
      *head = l;
   }
   cache->link_total += entry->link_count;
}

static void
unlink_objects(struct kr_descriptor_cache *cache, struct kr_cache_entry *entry)
{
   for (uint32_t i = 0; i < entry->link_count; i++) {
      struct kr_cache_object_link *l = &entry->links[i];
      if (l->prev)
         l->prev->next = l->next;
      else
         cache->object_buckets[mix(l->handle) & (cache->object_bucket_count - 1)] = l->next;
      if (l->next)
         l->next->prev = l->prev;
   }
   cache->link_total -= entry->link_count;
}

/* --- entries -------------------------------------------------------------------------------- */

/* Frees what an unlinked entry no longer needs: its vendor set and content once no command
 * buffer holds it, its memory once no record links to it either. */
static void
settle(struct kr_descriptor_cache *cache, struct kr_cache_entry *entry)
{
   if (entry->linked || entry->holders)
      return;
   if (entry->vendor_set) {
      cache->ops->destroy(cache->context, entry->layout, entry->vendor_set, entry->vendor_pool);
      entry->vendor_set = 0;
      cache->vendor_sets--;
      count(cache, KR_STAT_VENDOR_DESCRIPTOR_SETS_LIVE, -1);
   }
   if (entry->records)
      return;
   idle_remove(entry); /* from the unlinked list */
   cache->bytes -= entry->bytes + entry->derived_bytes;
   count(cache, KR_STAT_DESCRIPTOR_CACHE_BYTES,
         -(int64_t)(entry->bytes + entry->derived_bytes));
   kr_free(cache->alloc, atomic_load_explicit(&entry->derived, memory_order_acquire));
   kr_free(cache->alloc, entry);
}

/* Makes an entry unfindable: it names a destroyed object, or it is evicted. */
static void
unlink_entry(struct kr_descriptor_cache *cache, struct kr_cache_entry *entry)
{
   struct kr_cache_entry **p = bucket_of(cache, entry->hash);
   while (*p != entry)
      p = &(*p)->bucket_next;
   *p = entry->bucket_next;
   entry->bucket_next = NULL;
   unlink_objects(cache, entry);
   idle_remove(entry);
   entry->linked = false;
   cache->linked_count--;
   list_push(&cache->unlinked, entry); /* until settled: finish frees what remains */
   settle(cache, entry);
}

static void
evict_beyond_limit(struct kr_descriptor_cache *cache)
{
   while (cache->linked_count > cache->max_entries && cache->idle.idle_prev != &cache->idle) {
      struct kr_cache_entry *oldest = cache->idle.idle_prev;
      count(cache, KR_STAT_DESCRIPTOR_CACHE_EVICTIONS, 1);
      unlink_entry(cache, oldest);
   }
}

/* The distinct handles the content names, gathered in place (an array sized for all). */
struct handle_list {
   uint64_t *handles;
   uint32_t count;
};

static void
gather_handle(void *context, uint64_t handle)
{
   struct handle_list *list = context;
   /* Neighbouring descriptors often name one buffer: skip the repeats that are cheap to see. */
   if (list->count && list->handles[list->count - 1] == handle)
      return;
   list->handles[list->count++] = handle;
}

static int
compare_handles(const void *a, const void *b)
{
   uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
   return x < y ? -1 : x > y;
}

static uint32_t
unique_handles(uint64_t *handles, uint32_t n)
{
   qsort(handles, n, sizeof(*handles), compare_handles);
   uint32_t out = 0;
   for (uint32_t i = 0; i < n; i++) {
      if (!out || handles[out - 1] != handles[i])
         handles[out++] = handles[i];
   }
   return out;
}

/* A new entry with a copy of the record's content and one link per distinct object; NULL when
 * out of host memory. */
static struct kr_cache_entry *
new_entry(struct kr_descriptor_cache *cache, void *layout, const struct kr_descriptor_record *record,
          uint64_t hash)
{
   const struct kr_set_layout_model *model = record->model;
   size_t descriptor_bytes = sizeof(struct kr_descriptor) * model->descriptor_count;
   /* At most two handles per descriptor (object, sampler). */
   size_t max_links = 2 * (size_t)model->descriptor_count;
   uint64_t stack[256];
   uint64_t *handles = stack;
   if (max_links > 256) {
      handles = kr_alloc(cache->alloc, sizeof(*handles) * max_links, 8,
                         VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
      if (!handles)
         return NULL;
   }
   struct handle_list list = {handles, 0};
   kr_descriptor_content_objects(model, record->descriptors, gather_handle, &list);
   uint32_t links = unique_handles(handles, list.count);

   size_t size = sizeof(struct kr_cache_entry) + sizeof(struct kr_cache_object_link) * links +
                 descriptor_bytes + model->inline_bytes;
   struct kr_cache_entry *entry = kr_zalloc(cache->alloc, size, KR_CACHE_LINE,
                                            VK_SYSTEM_ALLOCATION_SCOPE_DEVICE);
   if (entry) {
      entry->layout = layout;
      entry->model = model;
      entry->hash = hash;
      entry->serial = ++cache->next_serial;
      entry->bytes = size;
      entry->link_count = links;
      atomic_init(&entry->derived, NULL);
      entry->derived_bytes = 0;
      entry->links = (struct kr_cache_object_link *)(entry + 1);
      entry->descriptors = (struct kr_descriptor *)(entry->links + links);
      entry->inline_bytes = (uint8_t *)(entry->descriptors + model->descriptor_count);
      for (uint32_t i = 0; i < links; i++)
         entry->links[i] = (struct kr_cache_object_link){.handle = handles[i], .entry = entry};
      if (descriptor_bytes)
         memcpy(entry->descriptors, record->descriptors, descriptor_bytes);
      if (model->inline_bytes)
         memcpy(entry->inline_bytes, record->inline_bytes, model->inline_bytes);
   }
   if (handles != stack)
      kr_free(cache->alloc, handles);
   return entry;
}

/* Entries are found by layout object, not by equal layout content: an entry (and what is
 * derived from it, such as the barrier policy's resolved ranges; a dispatch's replay key names
 * the entry's serial in place of the layout's dynamic offset count) belongs to one layout. */
static struct kr_cache_entry *
lookup(struct kr_descriptor_cache *cache, void *layout, const struct kr_descriptor_record *record,
       uint64_t hash)
{
   for (struct kr_cache_entry *e = *bucket_of(cache, hash); e; e = e->bucket_next) {
      if (e->hash == hash && e->layout == layout &&
          kr_descriptor_content_equal(record->model, e->descriptors, e->inline_bytes,
                                      record->descriptors, record->inline_bytes))
         return e;
   }
   return NULL;
}

/* A miss: a vendor set for the record's content, linked. */
static VkResult
insert(struct kr_descriptor_cache *cache, void *layout, const struct kr_descriptor_record *record,
       uint64_t hash, struct kr_cache_entry **out)
{
   struct kr_cache_entry *entry = new_entry(cache, layout, record, hash);
   if (!entry) {
      kr_error("descriptor cache: out of host memory for an entry of %u descriptors",
               record->model->descriptor_count);
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   }
   uint64_t vendor_set = 0;
   VkResult result = cache->ops->create(cache->context, layout, record->model, entry->descriptors,
                                        entry->inline_bytes, &vendor_set, &entry->vendor_pool);
   if (result != VK_SUCCESS) {
      kr_free(cache->alloc, entry);
      return result;
   }
   /* Stored as the vendor's handle, whose address a bind gives the vendor (vendor_handle). */
   entry->vendor_handle = (VkDescriptorSet)vendor_set;
   cache->vendor_sets++;
   count(cache, KR_STAT_VENDOR_DESCRIPTOR_SETS_LIVE, 1);
   cache->bytes += entry->bytes;
   count(cache, KR_STAT_DESCRIPTOR_CACHE_BYTES, (int64_t)entry->bytes);
   if (cache->linked_count >= cache->bucket_count)
      grow_buckets(cache);
   if (cache->link_total + entry->link_count > cache->object_bucket_count)
      grow_object_buckets(cache);
   struct kr_cache_entry **bucket = bucket_of(cache, hash);
   entry->bucket_next = *bucket;
   *bucket = entry;
   link_objects(cache, entry);
   entry->linked = true;
   cache->linked_count++;
   *out = entry;
   return VK_SUCCESS;
}

/* Drops the record's weak link, if any. */
static void
unlink_record(struct kr_descriptor_cache *cache, struct kr_descriptor_record *record)
{
   struct kr_cache_entry *entry = record->entry;
   if (!entry)
      return;
   atomic_store_explicit(&record->bound_entry, NULL, memory_order_relaxed);
   record->entry = NULL;
   entry->records--;
   settle(cache, entry);
}

/* Points the record's weak link at entry. */
static void
link_record(struct kr_descriptor_cache *cache, struct kr_descriptor_record *record,
            struct kr_cache_entry *entry)
{
   if (record->entry == entry)
      return;
   struct kr_cache_entry *old = record->entry;
   atomic_store_explicit(&record->bound_entry, NULL, memory_order_relaxed);
   entry->records++;
   record->entry = entry;
   if (old) {
      old->records--;
      settle(cache, old);
   }
}

static bool
held_by(const struct kr_cache_entry *entry, uint64_t holder, struct kr_cache_entry *const *recent,
        uint32_t recent_count)
{
   /* The holder's recent holds are held: an entry no one holds is not among them. */
   if (!entry->holders)
      return false;
   if (entry->last_holder == holder)
      return true;
   for (uint32_t i = 0; i < recent_count; i++) {
      if (recent[i] == entry)
         return true;
   }
   return false;
}

const void *
kr_descriptor_cache_publish_derived(struct kr_descriptor_cache *cache,
                                    struct kr_cache_entry *entry, void *derived, size_t size)
{
   void *expected = NULL;
   if (atomic_compare_exchange_strong_explicit(&entry->derived, &expected, derived,
                                               memory_order_acq_rel, memory_order_acquire)) {
      /* Under the lock: the cache's bytes are the entries' memory, which the statistic
       * mirrors. Once per entry, at its first use with the barrier policy on (never called with
       * the lock held). */
      pthread_mutex_lock(&cache->lock);
      entry->derived_bytes = size;
      cache->bytes += size;
      count(cache, KR_STAT_DESCRIPTOR_CACHE_BYTES, (int64_t)size);
      pthread_mutex_unlock(&cache->lock);
      return derived;
   }
   kr_free(cache->alloc, derived); /* another thread's came first: the same content's */
   return expected;
}

void
kr_descriptor_cache_lock(struct kr_descriptor_cache *cache)
{
   pthread_mutex_lock(&cache->lock);
}

void
kr_descriptor_cache_unlock(struct kr_descriptor_cache *cache)
{
   pthread_mutex_unlock(&cache->lock);
}

VkResult
kr_descriptor_cache_bind_locked(struct kr_descriptor_cache *cache, void *layout,
                                struct kr_descriptor_record *record, uint64_t holder,
                                struct kr_cache_entry *const *recent, uint32_t recent_count,
                                struct kr_cache_entry **out, bool *new_hold)
{
   *new_hold = false;
   kr_descriptor_record_settle(record); /* a reopened set's content is what it was written */
   /* The record's content is unchanged since it was bound through a still-linked entry. */
   struct kr_cache_entry *entry = record->entry;
   if (!(entry && entry->linked && !record->dirty)) {
      uint64_t hash = kr_descriptor_record_hash(record);
      entry = lookup(cache, layout, record, hash);
      if (!entry) {
         VkResult result = insert(cache, layout, record, hash, &entry);
         if (result != VK_SUCCESS) {
            /* The record no longer holds its entry's content, and computing the hash above
             * cleared record->dirty: a link left in place would send its next bind down the
             * fast path to that stale entry. */
            unlink_record(cache, record);
            return result;
         }
         count(cache, KR_STAT_DESCRIPTOR_CACHE_MISSES, 1); /* a vendor set was made */
         link_record(cache, record, entry);
         goto hold;
      }
      link_record(cache, record, entry);
   }
   count(cache, KR_STAT_DESCRIPTOR_CACHE_HITS, 1);
hold:
   if (!held_by(entry, holder, recent, recent_count)) {
      if (entry->holders++ == 0)
         idle_remove(entry);
      entry->last_holder = holder;
      *new_hold = true;
   }
   *out = entry;
   /* The record is settled, clean and linked to the entry of its content. */
   atomic_store_explicit(&record->bound_entry, entry, memory_order_release);
   /* Evict only after the new entry is held, so it is not its own victim. */
   if (cache->linked_count > cache->max_entries)
      evict_beyond_limit(cache);
   return VK_SUCCESS;
}

VkResult
kr_descriptor_cache_bind(struct kr_descriptor_cache *cache, void *layout,
                         struct kr_descriptor_record *record, uint64_t holder,
                         struct kr_cache_entry *const *recent, uint32_t recent_count,
                         struct kr_cache_entry **out, bool *new_hold)
{
   pthread_mutex_lock(&cache->lock);
   VkResult result = kr_descriptor_cache_bind_locked(cache, layout, record, holder, recent,
                                                     recent_count, out, new_hold);
   pthread_mutex_unlock(&cache->lock);
   return result;
}

void
kr_descriptor_cache_release_locked(struct kr_descriptor_cache *cache,
                                   struct kr_cache_entry *const *entries, uint32_t n)
{
   for (uint32_t i = 0; i < n; i++) {
      struct kr_cache_entry *entry = entries[i];
      if (--entry->holders)
         continue;
      entry->last_holder = 0;
      if (entry->linked)
         idle_push(cache, entry);
      else
         settle(cache, entry);
   }
   evict_beyond_limit(cache);
}

void
kr_descriptor_cache_release(struct kr_descriptor_cache *cache,
                            struct kr_cache_entry *const *entries, uint32_t n)
{
   if (!n)
      return;
   pthread_mutex_lock(&cache->lock);
   kr_descriptor_cache_release_locked(cache, entries, n);
   pthread_mutex_unlock(&cache->lock);
}

void
kr_descriptor_cache_forget_record(struct kr_descriptor_cache *cache,
                                  struct kr_descriptor_record *record)
{
   if (!record->entry)
      return;
   pthread_mutex_lock(&cache->lock);
   unlink_record(cache, record);
   pthread_mutex_unlock(&cache->lock);
}

void
kr_descriptor_cache_settle_record(struct kr_descriptor_cache *cache,
                                  struct kr_descriptor_record *record)
{
   pthread_mutex_lock(&cache->lock);
   kr_descriptor_record_settle(record);
   pthread_mutex_unlock(&cache->lock);
}

void
kr_descriptor_cache_forget_layout(struct kr_descriptor_cache *cache, const void *layout)
{
   pthread_mutex_lock(&cache->lock);
   for (uint32_t i = 0; i < cache->bucket_count; i++) {
      struct kr_cache_entry **p = &cache->buckets[i];
      while (*p) {
         struct kr_cache_entry *entry = *p;
         if (entry->layout == layout)
            unlink_entry(cache, entry); /* *p is now the next entry */
         else
            p = &entry->bucket_next;
      }
   }
   pthread_mutex_unlock(&cache->lock);
}

void
kr_descriptor_cache_forget_object(struct kr_descriptor_cache *cache, uint64_t handle)
{
   if (!handle)
      return;
   pthread_mutex_lock(&cache->lock);
   /* Unlinking an entry removes all its links, possibly neighbours in this bucket: look again
    * from the head each time. */
   for (;;) {
      struct kr_cache_object_link *l =
         cache->object_buckets[mix(handle) & (cache->object_bucket_count - 1)];
      while (l && l->handle != handle)
         l = l->next;
      if (!l)
         break;
      unlink_entry(cache, l->entry);
   }
   pthread_mutex_unlock(&cache->lock);
}

void
kr_descriptor_cache_finish(struct kr_descriptor_cache *cache)
{
   if (!cache->buckets)
      return;
   for (uint32_t i = 0; i < cache->bucket_count; i++) {
      while (cache->buckets[i]) {
         struct kr_cache_entry *entry = cache->buckets[i];
         entry->holders = 0; /* the command buffers that held it are gone with the device */
         entry->records = 0;
         unlink_entry(cache, entry);
      }
   }
   /* Entries unlinked earlier that command buffers still held or records linked to. */
   while (cache->unlinked.idle_next != &cache->unlinked) {
      struct kr_cache_entry *entry = cache->unlinked.idle_next;
      entry->holders = 0;
      entry->records = 0;
      settle(cache, entry);
   }
   kr_free(cache->alloc, cache->buckets);
   kr_free(cache->alloc, cache->object_buckets);
   cache->buckets = NULL;
   cache->object_buckets = NULL;
   pthread_mutex_destroy(&cache->lock);
}
