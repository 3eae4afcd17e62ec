/* SPDX-License-Identifier: MIT */
/* What barrier_review.c and barrier_review2.c (the hostile reviews of the barrier policy, issue
 * 11) share: the device both record on, a VK_EXT_debug_utils messenger counting the validation
 * layer's SYNC-HAZARD errors, the case's buffers, the review_add dispatch, the prologue and
 * epilogue every command buffer has, the result checks and main. */
#ifndef BARRIER_REVIEW_COMMON_H
#define BARRIER_REVIEW_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#include "it_common.h"

#define WORDS 256u
#define BYTES (WORDS * 4u)

/* What a program sets before review_main: extra objects on the device, the descriptor pool's
 * sizes, the buffers' usage and the device's allocation callbacks. */
struct review_config {
   const VkAllocationCallbacks *device_callbacks;
   const VkDescriptorPoolSize *pool_sizes;
   uint32_t pool_size_count;
   VkBufferUsageFlags usage;
   bool (*setup)(void);    /* after the shared objects; may be NULL */
   void (*teardown)(void); /* before the shared objects go; may be NULL */
};

struct review_case {
   const char *name;
   bool (*run)(void);
};

/* The shared objects: set_layout has two storage buffers (bindings 0 and 1), layout that set and
 * 8 bytes of push constants, add is review_add on layout. */
extern struct review_state {
   VkInstance instance;
   VkDebugUtilsMessengerEXT messenger;
   VkPhysicalDevice physical;
   uint32_t family;
   VkDevice device;
   VkQueue queue;
   VkCommandPool pool;
   bool kronos;
   VkDescriptorSetLayout set_layout;
   VkPipelineLayout layout;
   VkPipeline add;
   VkDescriptorPool descriptor_pool;
   VkQueryPool query_pool;
   const struct review_config *config;
} rv;

/* review_add-style compute pipeline from SPIR-V code on layout. */
VkResult review_create_pipeline(const uint32_t *code, size_t size, VkPipelineLayout layout,
                                VkPipeline *out);

/* A zeroed host-visible buffer of size bytes (config->usage) for the running case, destroyed
 * after it; NULL on failure. */
struct it_host_buffer *buffer(VkDeviceSize size);

/* count buffers of BYTES, *out[i] the i-th. */
bool buffers(struct it_host_buffer **const *out, uint32_t count);

#define BUFFERS(...)                                                                          \
   buffers((struct it_host_buffer **const[]){__VA_ARGS__},                                    \
           sizeof((struct it_host_buffer **const[]){__VA_ARGS__}) /                           \
              sizeof(struct it_host_buffer **))

/* A set of rv.set_layout: binding 0 BYTES of in at in_offset, binding 1 BYTES of out. */
VkDescriptorSet make_set(VkBuffer in, VkDeviceSize in_offset, VkBuffer out,
                         VkDeviceSize out_offset);

/* Binds pipeline, set and the push constants (WORDS, add) of review_add or review_noro. */
void bind_add(VkCommandBuffer cmd, VkPipeline pipeline, VkDescriptorSet set, uint32_t add);

/* bind_add, then a dispatch over WORDS. */
void dispatch(VkCommandBuffer cmd, VkPipeline pipeline, VkDescriptorSet set, uint32_t add);

/* Everything the device wrote visible to the host after the submit. */
void epilogue(VkCommandBuffer cmd);

/* A one-time-submit primary command buffer from rv.pool. */
VkResult begin(VkCommandBuffer *cmd);

/* begin, then what most cases start with: a full barrier (the previous submits' work and the
 * host's writes ordered before everything) that reaches the vendor before a first command
 * touching scratch. */
VkResult begin_with_prologue(VkCommandBuffer *cmd, const struct it_host_buffer *scratch);

/* The epilogue, then cmd ended, submitted, waited for and freed. */
VkResult end_submit(VkCommandBuffer cmd);

/* WORDS words of b from offset are first, first + step, ... */
bool expect_words(const char *what, const struct it_host_buffer *b, VkDeviceSize offset,
                  uint32_t first, uint32_t step);

/* Writes first, first + step, ... to WORDS words of b from offset. */
void fill_words(struct it_host_buffer *b, VkDeviceSize offset, uint32_t first, uint32_t step);

enum transfer_kind { TRANSFER_UPDATE, TRANSFER_FILL };

/* A transfer writing BYTES of x: vkCmdUpdateBuffer with 5, 6, 7, ... or vkCmdFillBuffer with 5. */
void transfer_write(VkCommandBuffer cmd, enum transfer_kind kind, VkBuffer x);

/* No SYNC-HAZARD reported since the case began. */
bool no_hazard(void);

/* Parses [--device kronos|vendor] [--only NAME] [--list], sets up, runs the cases (each case's
 * buffers released after it) and tears down; the exit status. */
int review_main(int argc, char **argv, const struct review_case *cases, size_t count,
                const struct review_config *config);

#endif
