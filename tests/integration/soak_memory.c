/* SPDX-License-Identifier: MIT */
/* The soak's memory and buffer operations (soak_ops.c says what keeps them valid). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soak_lane.h"

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

int
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

int
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

void
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

int
op_free_memory(struct lane *l)
{
   int slot = PICK(l, MEM_SLOTS, l->mem[i].live);
   if (slot < 0)
      return SKIP;
   free_mem_slot(l, &l->mem[slot]);
   return DONE;
}

int
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

int
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

void
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

int
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

int
op_destroy_buffer(struct lane *l)
{
   int slot = PICK(l, BUF_SLOTS, l->buf[i].live && rec_done(l, l->buf[i].last_rec));
   if (slot < 0)
      return SKIP;
   destroy_buf_slot(l, &l->buf[slot]);
   return DONE;
}

int
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
int
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

int
op_readback(struct lane *l)
{
   int slot = PICK(l, BUF_SLOTS, l->buf[i].live && rec_done(l, l->buf[i].last_rec));
   if (slot < 0)
      return SKIP;
   return check_buffer(l, slot);
}
