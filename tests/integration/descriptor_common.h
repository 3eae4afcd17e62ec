/* SPDX-License-Identifier: MIT */
/* Shared helpers of the persistent-descriptor regression tests (descriptor_fuzz.c,
 * descriptor_regressions.c, descriptor_holds.c, descriptor_threads.c; issue 10 and its review):
 * the vendor's device and Kronos's device over it, in one instance
 * (VK_DRIVER_FILES=<vendor manifest>:<Kronos manifest>), opened alike, so that a scenario runs
 * on both and what its dispatches write can be compared bit for bit. Every case runs under an
 * alarm watchdog: one that hangs makes the program exit non-zero, naming it. */
#ifndef DESCRIPTOR_COMMON_H
#define DESCRIPTOR_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "it_common.h"

/* A case that has not finished this long after dc_watchdog_arm fails the program. */
#define DC_WATCHDOG_S 60

#define DC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One device of the pair and what every test uses of it. */
struct dc_side {
   const char *label; /* "vendor" or "kronos" */
   bool kronos;
   VkPhysicalDevice physical;
   VkDevice device;
   const VkAllocationCallbacks *allocator; /* the device's (NULL: none) */
   uint32_t family;
   VkQueue queue;
   VkCommandPool command_pool; /* VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT */
   bool partially_bound; /* descriptorBindingPartiallyBound on both devices: enabled */
};

enum { DC_VENDOR, DC_KRONOS, DC_SIDE_COUNT };

extern VkInstance dc_instance;
extern struct dc_side dc_sides[DC_SIDE_COUNT];

/* Opens the instance (with VK_EXT_debug_utils) and both devices, each with one compute queue,
 * a command pool, inlineUniformBlock (and descriptorBindingInlineUniformBlockUpdateAfterBind),
 * privateData and VK_KHR_push_descriptor (VK_ERROR_FEATURE_NOT_PRESENT, said on stderr, where a
 * device lacks one), and descriptorBindingPartiallyBound where both have it. Kronos's device is
 * created with kronos_allocator (may be NULL). Installs the watchdog. What was made stays for
 * dc_close on failure. */
VkResult dc_open(const VkAllocationCallbacks *kronos_allocator);

/* Destroys both devices (each with its allocator) and the instance. */
void dc_close(void);

/* Starts the watchdog's count for what (NULL: stops it). */
void dc_watchdog_arm(const char *what);

/* An it_host_buffer (host-visible, coherent, mapped) with its bytes zeroed. */
VkResult dc_buffer_create(const struct dc_side *s, VkDeviceSize size, VkBufferUsageFlags usage,
                          struct it_host_buffer *out);

VkResult dc_set_layout(const struct dc_side *s, VkDescriptorSetLayoutCreateFlags flags,
                       const VkDescriptorSetLayoutBinding *bindings, uint32_t count,
                       VkDescriptorSetLayout *out);

/* A set layout of one binding (binding 0) of count descriptors of type. */
VkResult dc_set_layout1(const struct dc_side *s, VkDescriptorType type, uint32_t count,
                        VkDescriptorSetLayoutCreateFlags flags, VkDescriptorSetLayout *out);

VkResult dc_pipeline_layout(const struct dc_side *s, const VkDescriptorSetLayout *sets,
                            uint32_t count, VkPipelineLayout *out);

/* A compute pipeline of the SPIR-V (entry point "main") with that layout. */
VkResult dc_pipeline(const struct dc_side *s, const uint32_t *code, size_t size,
                     VkPipelineLayout layout, VkPipeline *out);

/* count sets, layouts[i] for set i. */
VkResult dc_allocate_sets(const struct dc_side *s, VkDescriptorPool pool,
                          const VkDescriptorSetLayout *layouts, uint32_t count,
                          VkDescriptorSet *sets);

/* Writes one storage buffer descriptor (binding 0, element 0): [offset, offset + range). */
void dc_write_storage_buffer(const struct dc_side *s, VkDescriptorSet set, VkBuffer buffer,
                             VkDeviceSize offset, VkDeviceSize range);

/* A primary command buffer of the side's pool, begun (*cmd VK_NULL_HANDLE on failure). */
VkResult dc_begin(const struct dc_side *s, VkCommandBuffer *cmd);

/* One vkQueueSubmit of the command buffers with a fence, waited for (IT_TIMEOUT_NS). */
VkResult dc_submit_wait(const struct dc_side *s, uint32_t count, const VkCommandBuffer *cmds);

/* Ends cmd (from dc_begin), submits it, waits, and frees it. */
VkResult dc_end_submit_free(const struct dc_side *s, VkCommandBuffer cmd);

/* Kronos's statistics of the side (all zero where they cannot be read). */
VkKronosDeviceStatistics dc_statistics(const struct dc_side *s);

/* Runs fn(side, arg, out) on the vendor's device, then on Kronos's, each with its own zeroed
 * array of `words` words, under the watchdog (named name); whether both succeeded and wrote the
 * same words (what differs is printed). */
bool dc_on_both(const char *name, bool (*fn)(struct dc_side *s, const void *arg, uint32_t *out),
                const void *arg, size_t words);

/* Prints the descriptor cache's counts between two statistics of Kronos's device. */
void dc_print_cache(const char *prefix, const VkKronosDeviceStatistics *before,
                    const VkKronosDeviceStatistics *after);

#endif
