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

/* The usual first case of a program: dc_open(NULL) under the watchdog (named "setup"). */
bool dc_setup(void);

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

/* --- desc_simple (shaders/desc_simple.comp), shared with descriptors.c and
 * descriptor_counters.c: dst[i] = src[i] * mul + add; set 0: binding 0 the source storage
 * buffer, 1 the destination storage buffer, 2 the parameters' uniform buffer (mul, add). --- */

#define DC_OFFSET_UNIT 256u /* every buffer offset: a multiple of every offset alignment */
#define DC_SIMPLE_IN_WORDS 4096u
#define DC_SIMPLE_OUT_WORDS 4096u
#define DC_PARAM_SLOTS 16u
#define DC_FILL_BYTE 0xcd
#define DC_FILL_WORD 0xcdcdcdcdu

/* dst = src * mul + add over min(in_words, out_words) words (offsets in bytes). */
struct dc_job {
   uint32_t in_offset, in_words, out_offset, out_words, param;
};

/* The source (dc_in_word), the parameters (slot p at p * DC_OFFSET_UNIT) and an output filled
 * with DC_FILL_BYTE. */
struct dc_simple_io {
   struct it_host_buffer in, out, params;
};

uint32_t dc_in_word(uint32_t i);
uint32_t dc_param_mul(uint32_t slot);
uint32_t dc_param_add(uint32_t slot);

VkResult dc_simple_io_create(VkPhysicalDevice physical, VkDevice device, struct dc_simple_io *io);
void dc_simple_io_destroy(VkDevice device, struct dc_simple_io *io);

/* The buffer infos of bindings 0, 1 and 2 for job j, writing to out. */
void dc_simple_infos(const struct dc_simple_io *io, VkBuffer out, const struct dc_job *j,
                     VkDescriptorBufferInfo infos[3]);

/* The writes of bindings 0, 1 and 2 of set (VK_NULL_HANDLE for push descriptors), one
 * VkWriteDescriptorSet of one descriptor per binding, from infos. */
void dc_simple_writes(VkDescriptorSet set, const VkDescriptorBufferInfo infos[3],
                      VkWriteDescriptorSet writes[3]);

/* What an out buffer of words words holds after the jobs (DC_FILL_WORD where none wrote). */
void dc_simple_expect(uint32_t *want, uint32_t words, const struct dc_job *jobs, uint32_t count);

/* Whether out holds what dc_simple_expect says; reports the first difference (it_words_match). */
bool dc_simple_check(const char *label, const char *what, const void *out, uint32_t words,
                     const struct dc_job *jobs, uint32_t count);

/* A pool of sets desc_simple sets (2 storage buffers and a uniform buffer each). */
VkResult dc_simple_pool_create(VkDevice device, uint32_t sets, VkDescriptorPoolCreateFlags flags,
                               VkDescriptorPool *pool);

#endif
