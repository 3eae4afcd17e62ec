/* SPDX-License-Identifier: MIT */
/* Descriptor sets (issue 10: persistent descriptors), on the vendor's device and on Kronos's
 * over it in one instance (VK_DRIVER_FILES=<vendor manifest>:<Kronos manifest>). Every case runs
 * the same deterministic plan on both devices; what its dispatches write is checked against what
 * the host computes and compared byte for byte between the two devices:
 *  - sets_written: one descriptor of every type a compute shader reads (shaders/desc_types.comp:
 *    storage and uniform buffers at offsets, with ranges and VK_WHOLE_SIZE, dynamic storage and
 *    uniform buffers with two sets of dynamic offsets at bind, uniform and storage texel
 *    buffers, a storage image, sampled images with separate samplers, combined image samplers,
 *    immutable samplers, an inline uniform block where both devices have them), written whole,
 *    and written in pieces over other content (array elements from dstArrayElement > 0, a
 *    write whose descriptorCount runs into the next binding, a descriptor written twice in one
 *    call, the inline block by byte ranges); sets of different writes used together; sets
 *    written again after use;
 *  - copies: vkCopyDescriptorSet of whole bindings, array slices at other elements, counts that
 *    run into the next binding, inline block byte ranges; copies of copies;
 *  - templates_and_push: vkUpdateDescriptorSetWithTemplate (entries at offsets with strides, one
 *    running into the next binding, the inline block in two entries); where both devices have
 *    VK_KHR_push_descriptor, vkCmdPushDescriptorSetKHR and push templates, next to bound sets
 *    in one command buffer;
 *  - pool_exhaustion: what vkAllocateDescriptorSets returns past maxSets, past the pool's
 *    descriptor counts, for a type the pool lacks, after vkFreeDescriptorSets and
 *    vkResetDescriptorPool, and after freeing sets in between (fragmentation): the vendor's and
 *    Kronos's results, printed side by side, must be equal; then a set from the pool works;
 *  - free_reset_reuse: 200 rounds of sets allocated, written, rewritten, freed and pools reset,
 *    with dispatches (shaders/desc_simple.comp) checked every round;
 *  - two_threads: two threads per device, each with its own descriptor pool, command pool and
 *    fence, allocating, writing, dispatching and submitting (one queue, behind a mutex) 300
 *    times;
 *  - pending_submits: 24 submits, each with a set allocated and written while the earlier
 *    submits are still pending (held back by a timeline semaphore the host signals at the end,
 *    then again without it), some sets written twice before use, and sets with the same content
 *    as a pending one's; every submit's output checked at the end;
 *  - buffer_handle_reuse: a set names buffer A, which is destroyed after the dispatch; buffer B
 *    (often A's handle value again: printed) at the same binding of the same set and of a new
 *    set with the same content must receive the output, and nothing may reach the memory that
 *    took A's place.
 * Every case runs under a watchdog (WATCHDOG_S). When the Khronos validation layer is enabled
 * (VK_INSTANCE_LAYERS=VK_LAYER_KHRONOS_validation), its errors are counted through
 * VK_EXT_debug_utils and fail the program. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_simple_spv.h"
#include "desc_types_spv.h"
#include "descriptor_common.h"

#define WATCHDOG_S 120

#define OFFSET_UNIT DC_OFFSET_UNIT
#define FILL_BYTE DC_FILL_BYTE
#define FILL_WORD DC_FILL_WORD
#define DATA_BUFFER_COUNT 3
#define VIEW_COUNT 4
#define IMAGE_COUNT 4
#define IMAGE_EXTENT 4

/* desc_types */
#define SLOT_WORDS 128u /* o[] words per dispatch */
#define TYPES_WORDS 84u /* the words one dispatch writes */
#define MAX_DISPATCHES 8u
#define INLINE_WORDS 16u
#define INLINE_BYTES (INLINE_WORDS * 4u)
#define SET0_BINDINGS 12u
#define SET0_WRITES 11u /* bindings 0 to 10: binding 11 is an immutable sampler only */
#define SET1_WRITES 3u
#define SET0_DESCRIPTORS 18u
#define CONTENT_COUNT 3u
#define TYPES_POOL_SETS 64u

/* desc_simple */
#define SIMPLE_IN_WORDS DC_SIMPLE_IN_WORDS
#define SIMPLE_OUT_WORDS DC_SIMPLE_OUT_WORDS
#define PARAM_SLOTS DC_PARAM_SLOTS
#define MAX_JOBS 4u
#define JOB_REGION_WORDS 1024u

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const uint32_t data_sizes[DATA_BUFFER_COUNT] = {8192, 4096, 12288};

enum sampler_mode { SAMPLER_REPEAT, SAMPLER_CLAMP, SAMPLER_MIRROR, SAMPLER_COUNT };

/* A range of a data buffer; range 0 stands for VK_WHOLE_SIZE. */
struct buf_ref {
   uint32_t buffer, offset, range;
};

/* The texel buffer views every device has, over its data buffers. */
static const struct buf_ref view_defs[VIEW_COUNT] = {
   {0, 0, 64},
   {1, 256, 0},
   {2, 1024, 400},
   {0, 4096, 0},
};

/* --- Watchdog --------------------------------------------------------------------------------- */

/* A case that has not finished WATCHDOG_S seconds after this makes the program exit (what NULL:
 * nothing runs). */
static void
watchdog_arm(const char *what)
{
   it_watchdog_arm(what, WATCHDOG_S);
}

/* --- Results kept for the comparison of the two devices --------------------------------------- */

struct transcript {
   uint8_t *bytes;
   size_t size, capacity;
};

static bool
transcript_add(struct transcript *t, const void *data, size_t size)
{
   if (size == 0)
      return true;
   if (t->size + size > t->capacity) {
      size_t capacity = t->capacity ? t->capacity : 4096;
      while (capacity < t->size + size)
         capacity *= 2;
      uint8_t *bytes = realloc(t->bytes, capacity);
      if (!bytes)
         return false;
      t->bytes = bytes;
      t->capacity = capacity;
   }
   memcpy(t->bytes + t->size, data, size);
   t->size += size;
   return true;
}

static void
transcript_free(struct transcript *t)
{
   free(t->bytes);
   memset(t, 0, sizeof(*t));
}

static bool
transcripts_equal(const char *name, const struct transcript *vendor,
                  const struct transcript *kronos)
{
   if (vendor->size != kronos->size) {
      fprintf(stderr, "  results differ in size: vendor %zu bytes, kronos %zu bytes\n",
              vendor->size, kronos->size);
      return false;
   }
   return vendor->size == 0 || it_compare_words(name, vendor->bytes, kronos->bytes, vendor->size);
}

/* --- Devices ---------------------------------------------------------------------------------- */

struct image {
   VkImage image;
   VkDeviceMemory memory;
   VkImageView view;
};

struct side {
   const char *label;
   VkPhysicalDevice physical;
   VkDevice device;
   uint32_t family;
   VkQueue queue;
   VkCommandPool command_pool;
   bool push;         /* VK_KHR_push_descriptor on both devices: enabled */
   bool inline_block; /* inlineUniformBlock on both devices: enabled */
   struct it_host_buffer data[DATA_BUFFER_COUNT];
   struct it_host_buffer out; /* desc_types' o[] */
   VkBufferView views[VIEW_COUNT];
   struct image images[IMAGE_COUNT];
   VkSampler samplers[SAMPLER_COUNT];
   /* desc_types: set 0 bound or pushed, set 1 bound */
   VkShaderModule types_module;
   VkDescriptorSetLayout set0_layout, set0_push_layout, set1_layout;
   VkPipelineLayout types_layout, types_push_layout;
   VkPipeline types_pipeline, types_push_pipeline;
   VkDescriptorUpdateTemplate set0_template, set1_template, push_template;
   /* desc_simple */
   VkShaderModule simple_module;
   VkDescriptorSetLayout simple_set_layout;
   VkPipelineLayout simple_layout;
   VkPipeline simple_pipeline;
};

enum { VENDOR, KRONOS, SIDE_COUNT };

static VkInstance instance;
static struct side sides[SIDE_COUNT];

static uint32_t
data_word(uint32_t buffer, uint32_t index)
{
   return (buffer + 1u) << 24 | index;
}

static uint32_t
image_word(uint32_t image, uint32_t x, uint32_t y)
{
   return (image + 1u) << 16 | y << 8 | x;
}

/* What the device offers of what the cases use where it is there. */
static void
side_probe(struct side *s)
{
   VkPhysicalDeviceVulkan12Features f12;
   VkPhysicalDeviceVulkan13Features f13;
   it_device_features(s->physical, &f12, &f13);
   s->inline_block = f13.inlineUniformBlock;
   s->push = it_device_has_extension(s->physical, VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME);
   if (s->push) {
      VkPhysicalDevicePushDescriptorPropertiesKHR push = {
         .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PUSH_DESCRIPTOR_PROPERTIES_KHR,
      };
      VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
                                        .pNext = &push};
      vkGetPhysicalDeviceProperties2(s->physical, &p2);
      s->push = push.maxPushDescriptors >= SET0_DESCRIPTORS;
   }
}

static VkResult
side_create_device(struct side *s)
{
   VkPhysicalDeviceVulkan12Features f12;
   VkPhysicalDeviceVulkan13Features f13;
   it_device_features(s->physical, &f12, &f13);
   if (!f12.timelineSemaphore) {
      fprintf(stderr, "  %s: no timelineSemaphore\n", s->label);
      return VK_ERROR_FEATURE_NOT_PRESENT;
   }
   VkPhysicalDeviceVulkan13Features enable13 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES,
      .inlineUniformBlock = s->inline_block,
   };
   VkPhysicalDeviceVulkan12Features enable12 = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
      .pNext = &enable13,
      .timelineSemaphore = VK_TRUE,
   };
   const char *extension = VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME;
   return it_create_device_queue_pool(s->physical, s->family, &enable12, &extension,
                                      s->push ? 1 : 0, NULL, &s->device, &s->queue,
                                      &s->command_pool);
}

static bool
format_ok(const struct side *s)
{
   VkFormatProperties props;
   vkGetPhysicalDeviceFormatProperties(s->physical, VK_FORMAT_R32_UINT, &props);
   const VkFormatFeatureFlags buffer = VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT |
                                       VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_BIT;
   const VkFormatFeatureFlags image = VK_FORMAT_FEATURE_SAMPLED_IMAGE_BIT |
                                      VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT;
   if ((props.bufferFeatures & buffer) == buffer &&
       (props.optimalTilingFeatures & image) == image)
      return true;
   fprintf(stderr, "  %s: VK_FORMAT_R32_UINT lacks texel buffer or image features\n", s->label);
   return false;
}

static bool
alignments_ok(const struct side *s)
{
   VkPhysicalDeviceProperties props;
   vkGetPhysicalDeviceProperties(s->physical, &props);
   const VkPhysicalDeviceLimits *l = &props.limits;
   if (l->minStorageBufferOffsetAlignment <= OFFSET_UNIT &&
       l->minUniformBufferOffsetAlignment <= OFFSET_UNIT &&
       l->minTexelBufferOffsetAlignment <= OFFSET_UNIT)
      return true;
   fprintf(stderr, "  %s: an offset alignment is over %u bytes\n", s->label, OFFSET_UNIT);
   return false;
}

static VkResult
side_create_buffers(struct side *s)
{
   const VkBufferUsageFlags usage =
      VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT |
      VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT | VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT |
      VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
   VkResult result = VK_SUCCESS;
   for (uint32_t b = 0; b < DATA_BUFFER_COUNT && result == VK_SUCCESS; b++) {
      result = it_host_buffer_create(s->physical, s->device, data_sizes[b], usage, &s->data[b]);
      if (result == VK_SUCCESS) {
         uint32_t *words = s->data[b].data;
         for (uint32_t i = 0; i < data_sizes[b] / 4; i++)
            words[i] = data_word(b, i);
      }
   }
   if (result == VK_SUCCESS)
      result = it_host_buffer_create(s->physical, s->device, MAX_DISPATCHES * SLOT_WORDS * 4,
                                     VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &s->out);
   for (uint32_t v = 0; v < VIEW_COUNT && result == VK_SUCCESS; v++) {
      const VkBufferViewCreateInfo info = {
         .sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
         .buffer = s->data[view_defs[v].buffer].buffer,
         .format = VK_FORMAT_R32_UINT,
         .offset = view_defs[v].offset,
         .range = view_defs[v].range ? view_defs[v].range : VK_WHOLE_SIZE,
      };
      result = vkCreateBufferView(s->device, &info, NULL, &s->views[v]);
   }
   return result;
}

static VkResult
side_create_samplers(struct side *s)
{
   static const VkSamplerAddressMode modes[SAMPLER_COUNT] = {
      VK_SAMPLER_ADDRESS_MODE_REPEAT,
      VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE,
      VK_SAMPLER_ADDRESS_MODE_MIRRORED_REPEAT,
   };
   VkResult result = VK_SUCCESS;
   for (uint32_t i = 0; i < SAMPLER_COUNT && result == VK_SUCCESS; i++) {
      const VkSamplerCreateInfo info = {
         .sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
         .magFilter = VK_FILTER_NEAREST,
         .minFilter = VK_FILTER_NEAREST,
         .mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST,
         .addressModeU = modes[i],
         .addressModeV = modes[i],
         .addressModeW = modes[i],
         .borderColor = VK_BORDER_COLOR_INT_OPAQUE_BLACK,
      };
      result = vkCreateSampler(s->device, &info, NULL, &s->samplers[i]);
   }
   return result;
}

static VkResult
image_create(const struct side *s, struct image *img)
{
   const VkImageCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO,
      .imageType = VK_IMAGE_TYPE_2D,
      .format = VK_FORMAT_R32_UINT,
      .extent = {IMAGE_EXTENT, IMAGE_EXTENT, 1},
      .mipLevels = 1,
      .arrayLayers = 1,
      .samples = VK_SAMPLE_COUNT_1_BIT,
      .tiling = VK_IMAGE_TILING_OPTIMAL,
      .usage = VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_STORAGE_BIT |
               VK_IMAGE_USAGE_TRANSFER_DST_BIT,
      .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
      .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
   };
   VkResult result = vkCreateImage(s->device, &info, NULL, &img->image);
   if (result != VK_SUCCESS)
      return result;
   VkMemoryRequirements req;
   vkGetImageMemoryRequirements(s->device, img->image, &req);
   result = it_allocate_memory(s->physical, s->device, &req, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                               &img->memory);
   if (result == VK_SUCCESS)
      result = vkBindImageMemory(s->device, img->image, img->memory, 0);
   if (result != VK_SUCCESS)
      return result;
   const VkImageViewCreateInfo view = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO,
      .image = img->image,
      .viewType = VK_IMAGE_VIEW_TYPE_2D,
      .format = VK_FORMAT_R32_UINT,
      .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
   };
   return vkCreateImageView(s->device, &view, NULL, &img->view);
}

/* A primary command buffer of the side's pool, begun for one submit. */
static VkResult
begin_one(const struct side *s, VkCommandBuffer *cmd)
{
   return it_begin_primary(s->device, s->command_pool,
                           VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT, cmd);
}

static void
image_barriers(VkCommandBuffer cmd, const struct side *s, VkImageLayout from, VkImageLayout to,
               VkAccessFlags src_access, VkAccessFlags dst_access, VkPipelineStageFlags src,
               VkPipelineStageFlags dst)
{
   VkImageMemoryBarrier barriers[IMAGE_COUNT];
   for (uint32_t i = 0; i < IMAGE_COUNT; i++) {
      barriers[i] = (VkImageMemoryBarrier){
         .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
         .srcAccessMask = src_access,
         .dstAccessMask = dst_access,
         .oldLayout = from,
         .newLayout = to,
         .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
         .image = s->images[i].image,
         .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1},
      };
   }
   vkCmdPipelineBarrier(cmd, src, dst, 0, 0, NULL, 0, NULL, IMAGE_COUNT, barriers);
}

/* The images, each texel image_word(image, x, y), in VK_IMAGE_LAYOUT_GENERAL. */
static VkResult
side_create_images(struct side *s)
{
   VkResult result = VK_SUCCESS;
   for (uint32_t i = 0; i < IMAGE_COUNT && result == VK_SUCCESS; i++)
      result = image_create(s, &s->images[i]);
   if (result != VK_SUCCESS)
      return result;
   struct it_host_buffer staging = {0};
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   const uint32_t texels = IMAGE_EXTENT * IMAGE_EXTENT;
   result = it_host_buffer_create(s->physical, s->device, IMAGE_COUNT * texels * 4,
                                  VK_BUFFER_USAGE_TRANSFER_SRC_BIT, &staging);
   if (result != VK_SUCCESS)
      return result;
   uint32_t *words = staging.data;
   for (uint32_t i = 0; i < IMAGE_COUNT; i++) {
      for (uint32_t t = 0; t < texels; t++)
         words[i * texels + t] = image_word(i, t % IMAGE_EXTENT, t / IMAGE_EXTENT);
   }
   result = begin_one(s, &cmd);
   if (result == VK_SUCCESS) {
      image_barriers(cmd, s, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
                     VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT);
      for (uint32_t i = 0; i < IMAGE_COUNT; i++) {
         const VkBufferImageCopy region = {
            .bufferOffset = (VkDeviceSize)i * texels * 4,
            .imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1},
            .imageExtent = {IMAGE_EXTENT, IMAGE_EXTENT, 1},
         };
         vkCmdCopyBufferToImage(cmd, staging.buffer, s->images[i].image,
                                VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &region);
      }
      image_barriers(cmd, s, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_GENERAL,
                     VK_ACCESS_TRANSFER_WRITE_BIT, VK_ACCESS_SHADER_READ_BIT,
                     VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT);
      result = vkEndCommandBuffer(cmd);
   }
   if (result == VK_SUCCESS)
      result = it_submit_wait(s->device, s->queue, 1, &cmd);
   if (cmd)
      vkFreeCommandBuffers(s->device, s->command_pool, 1, &cmd);
   it_host_buffer_destroy(s->device, &staging);
   return result;
}

static VkResult
create_pipeline(VkDevice device, const VkDescriptorSetLayout *sets, uint32_t set_count,
                uint32_t push_bytes, VkShaderModule module, VkPipelineLayout *layout,
                VkPipeline *pipeline)
{
   VkResult result = it_create_pipeline_layout(device, sets, set_count, push_bytes, layout);
   if (result == VK_SUCCESS)
      result = it_create_compute_pipeline(device, module, *layout, pipeline);
   return result;
}

static void
set0_bindings(const struct side *s, VkDescriptorSetLayoutBinding b[SET0_BINDINGS])
{
   static const struct {
      VkDescriptorType type;
      uint32_t count;
   } kinds[SET0_BINDINGS] = {
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1},
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 2},
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 3},
      {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1},
      {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, 1},
      {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, 1},
      {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1},
      {VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, 2},
      {VK_DESCRIPTOR_TYPE_SAMPLER, 2},
      {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 2},
      {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1},
      {VK_DESCRIPTOR_TYPE_SAMPLER, 1},
   };
   for (uint32_t i = 0; i < SET0_BINDINGS; i++) {
      b[i] = (VkDescriptorSetLayoutBinding){
         .binding = i,
         .descriptorType = kinds[i].type,
         .descriptorCount = kinds[i].count,
         .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
      };
   }
   b[10].pImmutableSamplers = &s->samplers[SAMPLER_MIRROR];
   b[11].pImmutableSamplers = &s->samplers[SAMPLER_CLAMP];
}

static VkResult
side_create_types_pipelines(struct side *s)
{
   VkDescriptorSetLayoutBinding set0[SET0_BINDINGS];
   set0_bindings(s, set0);
   const VkDescriptorSetLayoutBinding set1[SET1_WRITES] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      s->inline_block
         ? (VkDescriptorSetLayoutBinding){2, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK,
                                          INLINE_BYTES, VK_SHADER_STAGE_COMPUTE_BIT, NULL}
         : (VkDescriptorSetLayoutBinding){2, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1,
                                          VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   VkResult result = it_create_shader_module(s->device, desc_types_spv, desc_types_spv_size,
                                             &s->types_module);
   if (result == VK_SUCCESS)
      result = it_create_set_layout(s->device, 0, NULL, set0, SET0_BINDINGS, &s->set0_layout);
   if (result == VK_SUCCESS)
      result = it_create_set_layout(s->device, 0, NULL, set1, SET1_WRITES, &s->set1_layout);
   if (result == VK_SUCCESS) {
      const VkDescriptorSetLayout sets[2] = {s->set0_layout, s->set1_layout};
      result = create_pipeline(s->device, sets, 2, 4, s->types_module, &s->types_layout,
                               &s->types_pipeline);
   }
   if (result != VK_SUCCESS || !s->push)
      return result;
   result = it_create_set_layout(s->device,
                                 VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR, NULL,
                                 set0, SET0_BINDINGS, &s->set0_push_layout);
   if (result == VK_SUCCESS) {
      const VkDescriptorSetLayout sets[2] = {s->set0_push_layout, s->set1_layout};
      result = create_pipeline(s->device, sets, 2, 4, s->types_module, &s->types_push_layout,
                               &s->types_push_pipeline);
   }
   return result;
}

static VkResult
side_create_simple_pipeline(struct side *s)
{
   const VkDescriptorSetLayoutBinding bindings[3] = {
      {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      {2, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
   };
   VkResult result = it_create_shader_module(s->device, desc_simple_spv, desc_simple_spv_size,
                                             &s->simple_module);
   if (result == VK_SUCCESS)
      result = it_create_set_layout(s->device, 0, NULL, bindings, 3, &s->simple_set_layout);
   if (result == VK_SUCCESS)
      result = create_pipeline(s->device, &s->simple_set_layout, 1, 0, s->simple_module,
                               &s->simple_layout, &s->simple_pipeline);
   return result;
}

/* --- desc_types: what a set holds, and the ways to put it there ------------------------------- */

/* What sets 0 and 1 of desc_types name (buffers as data buffer ranges, views, images and
 * samplers as indices into the side's). */
struct types_content {
   struct buf_ref storage[5]; /* sa[0..1] (binding 1), then sb[0..2] (binding 2) */
   struct buf_ref ua;
   uint32_t utb, stb;
   uint32_t simg, tex[2];
   uint32_t samp[2];
   uint32_t cis_image[2], cis_sampler[2];
   uint32_t cis_fixed; /* an image; the sampler is immutable (mirrored repeat) */
   struct buf_ref ds, du;   /* dynamic buffers: the offsets at bind add to these */
   uint32_t dynamic[2][2];  /* two choices of (ds, du) dynamic offsets */
   uint32_t inline_words[INLINE_WORDS];
   struct buf_ref ib;       /* binding 2 of set 1 where there are no inline uniform blocks */
};

static uint32_t
rand_below(uint64_t *rng, uint32_t bound)
{
   return (uint32_t)it_random_below(rng, bound);
}

static struct buf_ref
random_ref(uint64_t *rng, uint32_t min_bytes)
{
   struct buf_ref r;
   r.buffer = rand_below(rng, DATA_BUFFER_COUNT);
   uint32_t size = data_sizes[r.buffer];
   r.offset = OFFSET_UNIT * rand_below(rng, (size - min_bytes) / OFFSET_UNIT + 1);
   uint32_t room = size - r.offset;
   if (rand_below(rng, 3) == 0)
      r.range = 0;
   else
      r.range = min_bytes + 4 * rand_below(rng, (room - min_bytes) / 4 + 1);
   return r;
}

/* A dynamic buffer of a fixed range and two dynamic offsets that keep it in its buffer. */
static void
random_dynamic(uint64_t *rng, uint32_t min_bytes, uint32_t extra_words, struct buf_ref *r,
               uint32_t *dynamic0, uint32_t *dynamic1)
{
   r->buffer = rand_below(rng, DATA_BUFFER_COUNT);
   r->offset = OFFSET_UNIT * rand_below(rng, 2);
   r->range = min_bytes + 4 * rand_below(rng, extra_words + 1);
   uint32_t room = data_sizes[r->buffer] - r->offset - r->range;
   *dynamic0 = OFFSET_UNIT * rand_below(rng, room / OFFSET_UNIT + 1);
   *dynamic1 = OFFSET_UNIT * rand_below(rng, room / OFFSET_UNIT + 1);
}

static void
types_content_make(uint64_t seed, struct types_content *c)
{
   uint64_t rng = seed;
   memset(c, 0, sizeof(*c));
   for (uint32_t i = 0; i < 5; i++)
      c->storage[i] = random_ref(&rng, 4);
   c->ua = random_ref(&rng, 64);
   c->utb = rand_below(&rng, VIEW_COUNT);
   c->stb = rand_below(&rng, VIEW_COUNT);
   c->simg = rand_below(&rng, IMAGE_COUNT);
   for (uint32_t i = 0; i < 2; i++) {
      c->tex[i] = rand_below(&rng, IMAGE_COUNT);
      c->samp[i] = rand_below(&rng, SAMPLER_COUNT);
      c->cis_image[i] = rand_below(&rng, IMAGE_COUNT);
      c->cis_sampler[i] = rand_below(&rng, SAMPLER_COUNT);
   }
   c->cis_fixed = rand_below(&rng, IMAGE_COUNT);
   random_dynamic(&rng, 4, 63, &c->ds, &c->dynamic[0][0], &c->dynamic[1][0]);
   random_dynamic(&rng, 32, 0, &c->du, &c->dynamic[0][1], &c->dynamic[1][1]);
   for (uint32_t i = 0; i < INLINE_WORDS; i++)
      c->inline_words[i] = (uint32_t)it_random(&rng);
   c->ib = random_ref(&rng, 64);
}

/* The contents the cases write, and one to write first and overwrite. */
static void
contents_make(struct types_content c[CONTENT_COUNT], struct types_content *junk)
{
   for (uint32_t k = 0; k < CONTENT_COUNT; k++)
      types_content_make(0x5e70 + k, &c[k]);
   types_content_make(0x7a11, junk);
}

/* Set 0 of a, set 1 of b. */
static struct types_content
content_mix(const struct types_content *a, const struct types_content *b)
{
   struct types_content c = *a;
   c.ds = b->ds;
   c.du = b->du;
   memcpy(c.dynamic, b->dynamic, sizeof(c.dynamic));
   memcpy(c.inline_words, b->inline_words, sizeof(c.inline_words));
   c.ib = b->ib;
   return c;
}

/* The Vulkan structures a content becomes on a side. */
struct types_infos {
   VkDescriptorBufferInfo out, storage[5], ua, ds, du, ib;
   VkBufferView utb, stb;
   VkDescriptorImageInfo simg, tex[2], samp[2], cis[2], cis_fixed;
   VkDescriptorImageInfo samp_fixed; /* binding 11's immutable sampler, for pushes */
   VkWriteDescriptorSetInlineUniformBlock block;
};

static VkDescriptorBufferInfo
buffer_info(const struct side *s, struct buf_ref r)
{
   return (VkDescriptorBufferInfo){s->data[r.buffer].buffer, r.offset,
                                   r.range ? r.range : VK_WHOLE_SIZE};
}

static VkDescriptorImageInfo
image_info(VkSampler sampler, VkImageView view)
{
   return (VkDescriptorImageInfo){sampler, view, VK_IMAGE_LAYOUT_GENERAL};
}

static void
types_infos_make(const struct side *s, const struct types_content *c, struct types_infos *i)
{
   memset(i, 0, sizeof(*i));
   i->out = (VkDescriptorBufferInfo){s->out.buffer, 0, VK_WHOLE_SIZE};
   for (uint32_t k = 0; k < 5; k++)
      i->storage[k] = buffer_info(s, c->storage[k]);
   i->ua = buffer_info(s, c->ua);
   i->utb = s->views[c->utb];
   i->stb = s->views[c->stb];
   i->simg = image_info(VK_NULL_HANDLE, s->images[c->simg].view);
   for (uint32_t k = 0; k < 2; k++) {
      i->tex[k] = image_info(VK_NULL_HANDLE, s->images[c->tex[k]].view);
      i->samp[k] = image_info(s->samplers[c->samp[k]], VK_NULL_HANDLE);
      i->cis[k] = image_info(s->samplers[c->cis_sampler[k]], s->images[c->cis_image[k]].view);
   }
   i->cis_fixed = image_info(VK_NULL_HANDLE, s->images[c->cis_fixed].view);
   i->samp_fixed = image_info(s->samplers[SAMPLER_CLAMP], VK_NULL_HANDLE);
   i->ds = buffer_info(s, c->ds);
   i->du = buffer_info(s, c->du);
   i->ib = buffer_info(s, c->ib);
   i->block = (VkWriteDescriptorSetInlineUniformBlock){
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET_INLINE_UNIFORM_BLOCK,
      .dataSize = INLINE_BYTES,
      .pData = c->inline_words,
   };
}

static VkWriteDescriptorSet
write_of(VkDescriptorSet set, uint32_t binding, uint32_t element, uint32_t count,
         VkDescriptorType type)
{
   return (VkWriteDescriptorSet){
      .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
      .dstSet = set,
      .dstBinding = binding,
      .dstArrayElement = element,
      .descriptorCount = count,
      .descriptorType = type,
   };
}

static VkWriteDescriptorSet
write_buffers(VkDescriptorSet set, uint32_t binding, uint32_t element, uint32_t count,
              VkDescriptorType type, const VkDescriptorBufferInfo *info)
{
   VkWriteDescriptorSet w = write_of(set, binding, element, count, type);
   w.pBufferInfo = info;
   return w;
}

static VkWriteDescriptorSet
write_images(VkDescriptorSet set, uint32_t binding, uint32_t element, uint32_t count,
             VkDescriptorType type, const VkDescriptorImageInfo *info)
{
   VkWriteDescriptorSet w = write_of(set, binding, element, count, type);
   w.pImageInfo = info;
   return w;
}

static VkWriteDescriptorSet
write_views(VkDescriptorSet set, uint32_t binding, VkDescriptorType type, const VkBufferView *view)
{
   VkWriteDescriptorSet w = write_of(set, binding, 0, 1, type);
   w.pTexelBufferView = view;
   return w;
}

/* Bytes [offset, offset + block->dataSize) of the inline uniform block (binding 2 of set 1). */
static VkWriteDescriptorSet
write_inline(VkDescriptorSet set, uint32_t offset,
             const VkWriteDescriptorSetInlineUniformBlock *block)
{
   VkWriteDescriptorSet w = write_of(set, 2, offset, block->dataSize,
                                     VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK);
   w.pNext = block;
   return w;
}

/* One write per binding of set 0 (set VK_NULL_HANDLE: for vkCmdPushDescriptorSetKHR). */
static void
set0_writes(VkDescriptorSet set, const struct types_infos *i, VkWriteDescriptorSet w[SET0_WRITES])
{
   w[0] = write_buffers(set, 0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, &i->out);
   w[1] = write_buffers(set, 1, 0, 2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, &i->storage[0]);
   w[2] = write_buffers(set, 2, 0, 3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, &i->storage[2]);
   w[3] = write_buffers(set, 3, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, &i->ua);
   w[4] = write_views(set, 4, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, &i->utb);
   w[5] = write_views(set, 5, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, &i->stb);
   w[6] = write_images(set, 6, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, &i->simg);
   w[7] = write_images(set, 7, 0, 2, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, i->tex);
   w[8] = write_images(set, 8, 0, 2, VK_DESCRIPTOR_TYPE_SAMPLER, i->samp);
   w[9] = write_images(set, 9, 0, 2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, i->cis);
   w[10] = write_images(set, 10, 0, 1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, &i->cis_fixed);
}

static void
set1_writes(const struct side *s, VkDescriptorSet set, const struct types_infos *i,
            VkWriteDescriptorSet w[SET1_WRITES])
{
   w[0] = write_buffers(set, 0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, &i->ds);
   w[1] = write_buffers(set, 1, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, &i->du);
   if (s->inline_block)
      w[2] = write_inline(set, 0, &i->block);
   else
      w[2] = write_buffers(set, 2, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, &i->ib);
}

static void
write_set0_plain(const struct side *s, VkDescriptorSet set0, const struct types_content *c)
{
   struct types_infos infos;
   VkWriteDescriptorSet w[SET0_WRITES];
   types_infos_make(s, c, &infos);
   set0_writes(set0, &infos, w);
   vkUpdateDescriptorSets(s->device, SET0_WRITES, w, 0, NULL);
}

/* Every binding of both sets in one vkUpdateDescriptorSets. */
static void
write_plain(const struct side *s, VkDescriptorSet set0, VkDescriptorSet set1,
            const struct types_content *c)
{
   struct types_infos infos;
   VkWriteDescriptorSet w[SET0_WRITES + SET1_WRITES];
   types_infos_make(s, c, &infos);
   set0_writes(set0, &infos, w);
   set1_writes(s, set1, &infos, w + SET0_WRITES);
   vkUpdateDescriptorSets(s->device, SET0_WRITES + SET1_WRITES, w, 0, NULL);
}

/* Set 0's bindings of i in pieces: array elements from the last, a write that runs from binding
 * 1 into binding 2, a descriptor written twice in one call (first with j's); returns the count. */
static uint32_t
set0_piece_writes(VkDescriptorSet set0, const struct types_infos *i, const struct types_infos *j,
                  VkWriteDescriptorSet *w)
{
   const VkDescriptorType storage = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
   const VkDescriptorType combined = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
   uint32_t n = 0;
   w[n++] = write_buffers(set0, 1, 1, 3, storage, &i->storage[1]); /* sa[1], sb[0], sb[1] */
   w[n++] = write_buffers(set0, 2, 2, 1, storage, &i->storage[4]);
   w[n++] = write_buffers(set0, 1, 0, 1, storage, &j->storage[3]); /* overwritten next */
   w[n++] = write_buffers(set0, 1, 0, 1, storage, &i->storage[0]);
   w[n++] = write_buffers(set0, 0, 0, 1, storage, &i->out);
   w[n++] = write_buffers(set0, 3, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, &i->ua);
   w[n++] = write_views(set0, 4, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, &i->utb);
   w[n++] = write_views(set0, 5, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, &i->stb);
   w[n++] = write_images(set0, 6, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, &i->simg);
   w[n++] = write_images(set0, 7, 1, 1, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, &i->tex[1]);
   w[n++] = write_images(set0, 7, 0, 1, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, &i->tex[0]);
   w[n++] = write_images(set0, 8, 1, 1, VK_DESCRIPTOR_TYPE_SAMPLER, &i->samp[1]);
   w[n++] = write_images(set0, 8, 0, 1, VK_DESCRIPTOR_TYPE_SAMPLER, &i->samp[0]);
   w[n++] = write_images(set0, 9, 1, 1, combined, &i->cis[1]);
   w[n++] = write_images(set0, 9, 0, 1, combined, &j->cis[1]); /* overwritten next */
   w[n++] = write_images(set0, 9, 0, 1, combined, &i->cis[0]);
   w[n++] = write_images(set0, 10, 0, 1, combined, &i->cis_fixed);
   return n;
}

#define SET0_PIECE_WRITES 17u

/* Set 0's bindings of i for vkCmdPushDescriptorSetKHR in one call: out of order, two of them
 * written first with j's. Every write starts at array element 0: lavapipe (Mesa 22.3.6) does not
 * honour dstArrayElement in pushed writes (seen here: after {binding 2, element 0, 1 buffer},
 * {binding 2, element 1, 2 buffers} left the first of the two at element 0; a write from
 * element 1 of binding 1 running into binding 2 landed one element early), which the
 * specification requires. */
/* Binding 11, the immutable sampler, in a push: a pushed set has no descriptor the application
 * did not push, immutable samplers included ("to push an immutable sampler, use a
 * VkWriteDescriptorSet with dstBinding and dstArrayElement selecting the immutable sampler's
 * binding"; pImageInfo is ignored). Lavapipe (22.3) fills it without the write, NVIDIA does not.
 * The info given is the immutable sampler itself, since Mesa 25.0's lavapipe uses it instead of
 * ignoring it in a push template's data: every reading gives the same sampler. */
static VkWriteDescriptorSet
push_immutable_sampler(const struct types_infos *i)
{
   return write_images(VK_NULL_HANDLE, 11, 0, 1, VK_DESCRIPTOR_TYPE_SAMPLER, &i->samp_fixed);
}

static uint32_t
set0_push_writes(const struct types_infos *i, const struct types_infos *j, VkWriteDescriptorSet *w)
{
   const VkDescriptorType storage = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
   const VkDescriptorType combined = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
   const VkDescriptorSet none = VK_NULL_HANDLE;
   uint32_t n = 0;
   w[n++] = write_images(none, 9, 0, 2, combined, j->cis); /* overwritten below */
   w[n++] = write_buffers(none, 2, 0, 3, storage, &i->storage[2]);
   w[n++] = write_buffers(none, 1, 0, 2, storage, &j->storage[0]); /* overwritten below */
   w[n++] = write_images(none, 8, 0, 2, VK_DESCRIPTOR_TYPE_SAMPLER, i->samp);
   w[n++] = write_buffers(none, 1, 0, 2, storage, &i->storage[0]);
   w[n++] = write_images(none, 7, 0, 2, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, i->tex);
   w[n++] = write_images(none, 9, 0, 2, combined, i->cis);
   w[n++] = write_images(none, 10, 0, 1, combined, &i->cis_fixed);
   w[n++] = write_images(none, 6, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, &i->simg);
   w[n++] = write_views(none, 5, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, &i->stb);
   w[n++] = write_views(none, 4, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, &i->utb);
   w[n++] = write_buffers(none, 3, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, &i->ua);
   w[n++] = write_buffers(none, 0, 0, 1, storage, &i->out);
   w[n++] = push_immutable_sampler(i);
   return n;
}

#define SET0_PUSH_WRITES 14u

/* Set 1's bindings of c in pieces: the inline uniform block in three byte ranges (blocks[3]
 * holds what they point to); returns the count. */
static uint32_t
set1_piece_writes(const struct side *s, VkDescriptorSet set1, const struct types_content *c,
                  const struct types_infos *i, VkWriteDescriptorSetInlineUniformBlock blocks[3],
                  VkWriteDescriptorSet *w)
{
   static const uint32_t ranges[3][2] = {{32, 32}, {0, 8}, {8, 24}}; /* byte offset, size */
   uint32_t n = 0;
   w[n++] = write_buffers(set1, 0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, &i->ds);
   w[n++] = write_buffers(set1, 1, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, &i->du);
   if (!s->inline_block) {
      w[n++] = write_buffers(set1, 2, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, &i->ib);
      return n;
   }
   for (uint32_t k = 0; k < 3; k++) {
      blocks[k] = i->block;
      blocks[k].dataSize = ranges[k][1];
      blocks[k].pData = (const uint8_t *)c->inline_words + ranges[k][0];
      w[n++] = write_inline(set1, ranges[k][0], &blocks[k]);
   }
   return n;
}

/* c over what the sets hold (junk first, in a call of its own, where junk is not NULL), in
 * pieces (set0_piece_writes, set1_piece_writes), in one call. */
static void
write_pieces(const struct side *s, VkDescriptorSet set0, VkDescriptorSet set1,
             const struct types_content *c, const struct types_content *junk)
{
   struct types_infos i, j;
   VkWriteDescriptorSetInlineUniformBlock blocks[3];
   VkWriteDescriptorSet w[SET0_PIECE_WRITES + 5];
   if (junk)
      write_plain(s, set0, set1, junk);
   types_infos_make(s, c, &i);
   types_infos_make(s, junk ? junk : c, &j);
   uint32_t n = set0_piece_writes(set0, &i, &j, w);
   n += set1_piece_writes(s, set1, c, &i, blocks, w + n);
   vkUpdateDescriptorSets(s->device, n, w, 0, NULL);
}

static VkCopyDescriptorSet
copy_of(VkDescriptorSet src, uint32_t src_binding, uint32_t src_element, VkDescriptorSet dst,
        uint32_t dst_binding, uint32_t dst_element, uint32_t count)
{
   return (VkCopyDescriptorSet){
      .sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET,
      .srcSet = src,
      .srcBinding = src_binding,
      .srcArrayElement = src_element,
      .dstSet = dst,
      .dstBinding = dst_binding,
      .dstArrayElement = dst_element,
      .descriptorCount = count,
   };
}

static const uint32_t set0_counts[SET0_WRITES] = {1, 2, 3, 1, 1, 1, 1, 2, 2, 2, 1};

/* Every binding of set 0 but the immutable sampler's, whole, from src to dst. */
static void
copy_set0_whole(const struct side *s, VkDescriptorSet dst, VkDescriptorSet src)
{
   VkCopyDescriptorSet copies[SET0_WRITES];
   for (uint32_t b = 0; b < SET0_WRITES; b++)
      copies[b] = copy_of(src, b, 0, dst, b, 0, set0_counts[b]);
   vkUpdateDescriptorSets(s->device, 0, NULL, SET0_WRITES, copies);
}

static void
copy_set1_whole(const struct side *s, VkDescriptorSet dst, VkDescriptorSet src)
{
   const VkCopyDescriptorSet copies[SET1_WRITES] = {
      copy_of(src, 0, 0, dst, 0, 0, 1),
      copy_of(src, 1, 0, dst, 1, 0, 1),
      copy_of(src, 2, 0, dst, 2, 0, s->inline_block ? INLINE_BYTES : 1),
   };
   vkUpdateDescriptorSets(s->device, 0, NULL, SET1_WRITES, copies);
}

/* c's storage buffers rotated by one: rotated.storage[i] = c.storage[i + 1]. */
static struct types_content
content_rotated(const struct types_content *c)
{
   struct types_content r = *c;
   for (uint32_t i = 0; i < 5; i++)
      r.storage[i] = c->storage[(i + 1) % 5];
   return r;
}

/* Into dst0/dst1, what src0/src1 hold (rot0: src0 written with content_rotated), by copies of
 * slices and whole bindings. */
static void
copy_sets(const struct side *s, VkDescriptorSet dst0, VkDescriptorSet dst1, VkDescriptorSet src0,
          VkDescriptorSet src1, VkDescriptorSet rot0)
{
   VkCopyDescriptorSet c[20];
   uint32_t n = 0;
   c[n++] = copy_of(src0, 0, 0, dst0, 0, 0, 1);
   c[n++] = copy_of(rot0, 1, 0, dst0, 1, 1, 3); /* c.storage[1..3]: both run into binding 2 */
   c[n++] = copy_of(src0, 1, 0, dst0, 1, 0, 1);
   c[n++] = copy_of(rot0, 2, 1, dst0, 2, 2, 1); /* rotated sb[1] is c.storage[4] */
   for (uint32_t b = 3; b <= 6; b++)
      c[n++] = copy_of(src0, b, 0, dst0, b, 0, 1);
   c[n++] = copy_of(src0, 7, 1, dst0, 7, 1, 1);
   c[n++] = copy_of(src0, 7, 0, dst0, 7, 0, 1);
   c[n++] = copy_of(src0, 8, 0, dst0, 8, 0, 2);
   c[n++] = copy_of(src0, 9, 0, dst0, 9, 0, 2);
   c[n++] = copy_of(src0, 10, 0, dst0, 10, 0, 1);
   c[n++] = copy_of(src1, 0, 0, dst1, 0, 0, 1);
   c[n++] = copy_of(src1, 1, 0, dst1, 1, 0, 1);
   if (s->inline_block) {
      c[n++] = copy_of(src1, 2, 40, dst1, 2, 40, INLINE_BYTES - 40);
      c[n++] = copy_of(src1, 2, 0, dst1, 2, 0, 40);
   } else {
      c[n++] = copy_of(src1, 2, 0, dst1, 2, 0, 1);
   }
   vkUpdateDescriptorSets(s->device, 0, NULL, n, c);
}

/* What the update templates read: entries at offsets, arrays with strides. */
struct template_buffer {
   uint32_t tag;
   VkDescriptorBufferInfo info;
};

struct template_image {
   VkDescriptorImageInfo info;
   uint64_t tag;
};

struct template_data {
   uint32_t header[3];
   struct template_buffer buffers[6]; /* out, storage[0..4] */
   VkBufferView views[2];             /* utb, stb */
   VkDescriptorBufferInfo ua;
   struct template_image images[9]; /* simg, tex[0..1], samp[0..1], cis[0..1], cis_fixed,
                                       samp_fixed */
   VkDescriptorBufferInfo ds, du, ib;
   uint32_t inline_words[INLINE_WORDS];
};

static void
template_data_make(const struct types_infos *i, const struct types_content *c,
                   struct template_data *d)
{
   memset(d, 0x5a, sizeof(*d));
   d->buffers[0].info = i->out;
   for (uint32_t k = 0; k < 5; k++)
      d->buffers[1 + k].info = i->storage[k];
   d->views[0] = i->utb;
   d->views[1] = i->stb;
   d->ua = i->ua;
   const VkDescriptorImageInfo images[9] = {i->simg,   i->tex[0], i->tex[1],  i->samp[0],
                                            i->samp[1], i->cis[0], i->cis[1],  i->cis_fixed,
                                            i->samp_fixed};
   for (uint32_t k = 0; k < 9; k++)
      d->images[k].info = images[k];
   d->ds = i->ds;
   d->du = i->du;
   d->ib = i->ib;
   memcpy(d->inline_words, c->inline_words, INLINE_BYTES);
}

#define TD_OFFSET(member) offsetof(struct template_data, member)

static const VkDescriptorUpdateTemplateEntry set0_entries[] = {
   {0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, TD_OFFSET(buffers[0].info),
    sizeof(struct template_buffer)},
   /* storage[0..3]: four descriptors from binding 1 element 0, into binding 2 (not five: the
    * validation layer of Vulkan SDK 1.3.239 then counts binding 2's elements against binding
    * 1's count and reports a write to binding 3) */
   {1, 0, 4, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, TD_OFFSET(buffers[1].info),
    sizeof(struct template_buffer)},
   {2, 2, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, TD_OFFSET(buffers[5].info), 0},
   {3, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, TD_OFFSET(ua), 0},
   {4, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, TD_OFFSET(views[0]), sizeof(VkBufferView)},
   {5, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, TD_OFFSET(views[1]), 0},
   {6, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, TD_OFFSET(images[0].info), 0},
   {7, 0, 2, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, TD_OFFSET(images[1].info),
    sizeof(struct template_image)},
   {8, 1, 1, VK_DESCRIPTOR_TYPE_SAMPLER, TD_OFFSET(images[4].info), 0},
   {8, 0, 1, VK_DESCRIPTOR_TYPE_SAMPLER, TD_OFFSET(images[3].info), 0},
   {9, 0, 2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, TD_OFFSET(images[5].info),
    sizeof(struct template_image)},
   {10, 0, 1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, TD_OFFSET(images[7].info), 0},
};

/* For push templates: every entry starts at array element 0, since lavapipe (Mesa 22.3.6) writes
 * an entry of a push template from element 0 whatever its dstArrayElement (seen here: entries
 * for element 1, then element 0, of binding 8 left element 1 as it was). */
static const VkDescriptorUpdateTemplateEntry push_entries[] = {
   {0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, TD_OFFSET(buffers[0].info),
    sizeof(struct template_buffer)},
   {2, 0, 3, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, TD_OFFSET(buffers[3].info),
    sizeof(struct template_buffer)},
   /* storage[0..3], into binding 2, over what the entry above wrote there */
   {1, 0, 4, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, TD_OFFSET(buffers[1].info),
    sizeof(struct template_buffer)},
   {3, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, TD_OFFSET(ua), 0},
   {4, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, TD_OFFSET(views[0]), sizeof(VkBufferView)},
   {5, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, TD_OFFSET(views[1]), 0},
   {6, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, TD_OFFSET(images[0].info), 0},
   {7, 0, 2, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, TD_OFFSET(images[1].info),
    sizeof(struct template_image)},
   {8, 0, 2, VK_DESCRIPTOR_TYPE_SAMPLER, TD_OFFSET(images[3].info),
    sizeof(struct template_image)},
   {9, 0, 2, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, TD_OFFSET(images[5].info),
    sizeof(struct template_image)},
   {10, 0, 1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, TD_OFFSET(images[7].info), 0},
   /* the immutable sampler: pushed too (push_immutable_sampler) */
   {11, 0, 1, VK_DESCRIPTOR_TYPE_SAMPLER, TD_OFFSET(images[8].info), 0},
};

static const VkDescriptorUpdateTemplateEntry set1_entries_inline[] = {
   {0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, TD_OFFSET(ds), 0},
   {1, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, TD_OFFSET(du), 0},
   /* the inline block's bytes [24, 64), then [0, 24) */
   {2, 24, INLINE_BYTES - 24, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK,
    TD_OFFSET(inline_words) + 24, 0},
   {2, 0, 24, VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, TD_OFFSET(inline_words), 0},
};

static const VkDescriptorUpdateTemplateEntry set1_entries_buffer[] = {
   {0, 0, 1, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, TD_OFFSET(ds), 0},
   {1, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, TD_OFFSET(du), 0},
   {2, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, TD_OFFSET(ib), 0},
};

static VkResult
create_template(const struct side *s, const VkDescriptorUpdateTemplateEntry *entries,
                uint32_t count, VkDescriptorSetLayout layout, bool push,
                VkDescriptorUpdateTemplate *out)
{
   const VkDescriptorUpdateTemplateCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_UPDATE_TEMPLATE_CREATE_INFO,
      .descriptorUpdateEntryCount = count,
      .pDescriptorUpdateEntries = entries,
      .templateType = push ? VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_PUSH_DESCRIPTORS_KHR
                           : VK_DESCRIPTOR_UPDATE_TEMPLATE_TYPE_DESCRIPTOR_SET,
      .descriptorSetLayout = layout,
      .pipelineBindPoint = VK_PIPELINE_BIND_POINT_COMPUTE,
      .pipelineLayout = push ? s->types_push_layout : VK_NULL_HANDLE,
      .set = 0,
   };
   return vkCreateDescriptorUpdateTemplate(s->device, &info, NULL, out);
}

static VkResult
side_create_templates(struct side *s)
{
   VkResult result = create_template(s, set0_entries, ARRAY_SIZE(set0_entries), s->set0_layout,
                                     false, &s->set0_template);
   if (result == VK_SUCCESS) {
      if (s->inline_block)
         result = create_template(s, set1_entries_inline, ARRAY_SIZE(set1_entries_inline),
                                  s->set1_layout, false, &s->set1_template);
      else
         result = create_template(s, set1_entries_buffer, ARRAY_SIZE(set1_entries_buffer),
                                  s->set1_layout, false, &s->set1_template);
   }
   if (result == VK_SUCCESS && s->push)
      result = create_template(s, push_entries, ARRAY_SIZE(push_entries), s->set0_push_layout,
                               true, &s->push_template);
   return result;
}

static void
write_templates(const struct side *s, VkDescriptorSet set0, VkDescriptorSet set1,
                const struct types_content *c)
{
   struct types_infos infos;
   struct template_data data;
   types_infos_make(s, c, &infos);
   template_data_make(&infos, c, &data);
   vkUpdateDescriptorSetWithTemplate(s->device, set0, s->set0_template, &data);
   vkUpdateDescriptorSetWithTemplate(s->device, set1, s->set1_template, &data);
}

/* --- desc_types: what the host expects -------------------------------------------------------- */

struct words {
   uint32_t *w;
   uint32_t n;
};

static void
put(struct words *e, uint32_t v)
{
   if (e->n < SLOT_WORDS)
      e->w[e->n] = v;
   e->n++;
}

/* The length in words, the first and the last word of a buffer range (the offset at bind
 * added). */
static void
expect_ends(struct words *e, struct buf_ref r, uint32_t dynamic)
{
   uint32_t offset = r.offset + dynamic;
   uint32_t bytes = r.range ? r.range : data_sizes[r.buffer] - offset;
   uint32_t first = offset / 4, len = bytes / 4;
   put(e, len);
   put(e, data_word(r.buffer, first));
   put(e, data_word(r.buffer, first + len - 1));
}

static void
expect_words(struct words *e, struct buf_ref r, uint32_t dynamic, uint32_t count)
{
   for (uint32_t i = 0; i < count; i++)
      put(e, data_word(r.buffer, (r.offset + dynamic) / 4 + i));
}

/* A texel coordinate through the sampler's address mode (the specification's formulas). */
static int32_t
wrap(int32_t i, uint32_t mode)
{
   const int32_t size = IMAGE_EXTENT;
   switch (mode) {
   case SAMPLER_REPEAT:
      return ((i % size) + size) % size;
   case SAMPLER_CLAMP:
      return i < 0 ? 0 : i >= size ? size - 1 : i;
   default: {
      int32_t t = ((i % (2 * size)) + 2 * size) % (2 * size) - size;
      int32_t mirrored = t >= 0 ? t : -(1 + t);
      return size - 1 - mirrored;
   }
   }
}

/* What textureLod reads at the shader's P (point 0) or Q (point 1): floor(coordinate * 4). */
static uint32_t
sampled(uint32_t image, uint32_t mode, uint32_t point)
{
   static const int32_t texel[2][2] = {{5, 1}, {-2, 2}};
   return image_word(image, (uint32_t)wrap(texel[point][0], mode),
                     (uint32_t)wrap(texel[point][1], mode));
}

/* One dispatch's slot of o[] (desc_types.comp's order), with dynamic offsets c->dynamic[dyn]. */
static void
types_expect(const struct side *s, const struct types_content *c, uint32_t dyn,
             uint32_t out[SLOT_WORDS])
{
   for (uint32_t i = 0; i < SLOT_WORDS; i++)
      out[i] = FILL_WORD;
   struct words e = {out, 0};
   for (uint32_t i = 0; i < 5; i++)
      expect_ends(&e, c->storage[i], 0);
   expect_words(&e, c->ua, 0, 16);
   expect_ends(&e, view_defs[c->utb], 0);
   expect_ends(&e, view_defs[c->stb], 0);
   put(&e, IMAGE_EXTENT);
   put(&e, IMAGE_EXTENT);
   put(&e, image_word(c->simg, 1, 2));
   put(&e, image_word(c->simg, IMAGE_EXTENT - 1, IMAGE_EXTENT - 1));
   put(&e, image_word(c->tex[0], 2, 1));
   put(&e, image_word(c->tex[1], 2, 1));
   for (uint32_t j = 0; j < 2; j++) {
      put(&e, sampled(c->tex[0], c->samp[j], 0));
      put(&e, sampled(c->tex[0], c->samp[j], 1));
   }
   for (uint32_t k = 0; k < 2; k++) {
      put(&e, image_word(c->cis_image[k], 3, 3));
      put(&e, sampled(c->cis_image[k], c->cis_sampler[k], 0));
      put(&e, sampled(c->cis_image[k], c->cis_sampler[k], 1));
   }
   put(&e, sampled(c->cis_fixed, SAMPLER_MIRROR, 0));
   put(&e, sampled(c->cis_fixed, SAMPLER_MIRROR, 1));
   put(&e, sampled(c->tex[1], SAMPLER_CLAMP, 0));
   put(&e, sampled(c->tex[1], SAMPLER_CLAMP, 1));
   expect_ends(&e, c->ds, c->dynamic[dyn][0]);
   expect_words(&e, c->du, c->dynamic[dyn][1], 8);
   if (s->inline_block) {
      for (uint32_t i = 0; i < INLINE_WORDS; i++)
         put(&e, c->inline_words[i]);
   } else {
      expect_words(&e, c->ib, 0, 16);
   }
   if (e.n != TYPES_WORDS)
      fprintf(stderr, "types_expect: %u words, desc_types.comp writes %u\n", e.n, TYPES_WORDS);
}

/* --- desc_types: dispatches ------------------------------------------------------------------- */

enum provide { PROVIDE_BOUND, PROVIDE_PUSH, PROVIDE_PUSH_PIECES, PROVIDE_PUSH_TEMPLATE };

/* One dispatch: set 0 bound (set0) or pushed (content's: whole, in pieces with some of junk's
 * written first, or through the push template), set 1 bound with the dynamic offsets
 * content->dynamic[dynamic]; it must read content. */
struct types_dispatch {
   enum provide provide;
   VkDescriptorSet set0, set1;
   const struct types_content *content;
   uint32_t dynamic;
   const struct types_content *junk; /* PROVIDE_PUSH_PIECES */
};

static void
record_types_dispatch(const struct side *s, VkCommandBuffer cmd, const struct types_dispatch *d,
                      uint32_t index)
{
   bool pushed = d->provide != PROVIDE_BOUND;
   VkPipelineLayout layout = pushed ? s->types_push_layout : s->types_layout;
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE,
                     pushed ? s->types_push_pipeline : s->types_pipeline);
   struct types_infos infos;
   types_infos_make(s, d->content, &infos);
   if (d->provide == PROVIDE_BOUND) {
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, 1, &d->set0, 0,
                              NULL);
   } else if (d->provide == PROVIDE_PUSH) {
      VkWriteDescriptorSet w[SET0_WRITES + 1];
      set0_writes(VK_NULL_HANDLE, &infos, w);
      w[SET0_WRITES] = push_immutable_sampler(&infos);
      vkCmdPushDescriptorSetKHR(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, SET0_WRITES + 1,
                                w);
   } else if (d->provide == PROVIDE_PUSH_PIECES) {
      VkWriteDescriptorSet w[SET0_PUSH_WRITES];
      struct types_infos junk;
      types_infos_make(s, d->junk, &junk);
      uint32_t n = set0_push_writes(&infos, &junk, w);
      vkCmdPushDescriptorSetKHR(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, n, w);
   } else {
      struct template_data data;
      template_data_make(&infos, d->content, &data);
      vkCmdPushDescriptorSetWithTemplateKHR(cmd, s->push_template, layout, 0, &data);
   }
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 1, 1, &d->set1, 2,
                           d->content->dynamic[d->dynamic]);
   uint32_t base = index * SLOT_WORDS;
   vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(base), &base);
   vkCmdDispatch(cmd, 1, 1, 1);
}

/* The dispatches in one command buffer, each writing its slot of o[]; every slot checked, and
 * all of them added to t. */
static bool
types_execute(struct side *s, const struct types_dispatch *d, uint32_t count,
              struct transcript *t)
{
   bool ok = false;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   CHECK(count <= MAX_DISPATCHES);
   memset(s->out.data, FILL_BYTE, s->out.size);
   CHECK_VK(begin_one(s, &cmd));
   for (uint32_t i = 0; i < count; i++)
      record_types_dispatch(s, cmd, &d[i], i);
   it_barrier_to_host(cmd);
   CHECK_VK(vkEndCommandBuffer(cmd));
   CHECK_VK(it_submit_wait(s->device, s->queue, 1, &cmd));
   bool matched = true;
   for (uint32_t i = 0; i < count; i++) {
      uint32_t want[SLOT_WORDS];
      char what[64];
      types_expect(s, d[i].content, d[i].dynamic, want);
      snprintf(what, sizeof(what), "dispatch %u", i);
      matched = it_words_match(s->label, what, (const uint32_t *)s->out.data + i * SLOT_WORDS, want,
                            SLOT_WORDS) && matched;
   }
   CHECK(transcript_add(t, s->out.data, (size_t)count * SLOT_WORDS * 4));
   ok = matched;
done:
   if (cmd)
      vkFreeCommandBuffers(s->device, s->command_pool, 1, &cmd);
   return ok;
}

static VkResult
types_pool_create(const struct side *s, VkDescriptorPool *pool)
{
   const uint32_t n = TYPES_POOL_SETS;
   const VkDescriptorPoolSize sizes[] = {
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 6 * n},
      {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 2 * n},
      {VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, n},
      {VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER, n},
      {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, n},
      {VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, 2 * n},
      {VK_DESCRIPTOR_TYPE_SAMPLER, 3 * n},
      {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 3 * n},
      {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER_DYNAMIC, n},
      {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER_DYNAMIC, n},
      {VK_DESCRIPTOR_TYPE_INLINE_UNIFORM_BLOCK, INLINE_BYTES * n}, /* last: only with blocks */
   };
   const VkDescriptorPoolInlineUniformBlockCreateInfo blocks = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_INLINE_UNIFORM_BLOCK_CREATE_INFO,
      .maxInlineUniformBlockBindings = n,
   };
   const VkDescriptorPoolCreateInfo info = {
      .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
      .pNext = s->inline_block ? &blocks : NULL,
      .flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
      .maxSets = n,
      .poolSizeCount = ARRAY_SIZE(sizes) - (s->inline_block ? 0 : 1),
      .pPoolSizes = sizes,
   };
   return vkCreateDescriptorPool(s->device, &info, NULL, pool);
}

static VkResult
allocate_sets(VkDevice device, VkDescriptorPool pool, VkDescriptorSetLayout layout,
              uint32_t count, VkDescriptorSet *sets)
{
   VkDescriptorSetLayout layouts[16];
   if (count > ARRAY_SIZE(layouts))
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   for (uint32_t i = 0; i < count; i++)
      layouts[i] = layout;
   return it_allocate_sets(device, pool, layouts, count, sets);
}

/* count pairs of desc_types sets (set 0, set 1). */
static VkResult
allocate_pairs(const struct side *s, VkDescriptorPool pool, uint32_t count, VkDescriptorSet *set0,
               VkDescriptorSet *set1)
{
   VkResult result = allocate_sets(s->device, pool, s->set0_layout, count, set0);
   if (result == VK_SUCCESS)
      result = allocate_sets(s->device, pool, s->set1_layout, count, set1);
   return result;
}

/* --- Running a plan on both devices ----------------------------------------------------------- */

static bool
on_both(const char *name, bool (*fn)(struct side *s, struct transcript *t))
{
   struct transcript t[SIDE_COUNT] = {{0}};
   bool ok = true;
   watchdog_arm(name);
   for (int i = 0; i < SIDE_COUNT; i++) {
      bool side_ok = fn(&sides[i], &t[i]);
      printf("  %s: %s (%zu bytes of results)\n", sides[i].label, side_ok ? "ok" : "FAIL",
             t[i].size);
      ok = side_ok && ok;
   }
   if (!transcripts_equal(name, &t[VENDOR], &t[KRONOS]))
      ok = false;
   else
      printf("  vendor and kronos results identical\n");
   for (int i = 0; i < SIDE_COUNT; i++)
      transcript_free(&t[i]);
   watchdog_arm(NULL);
   return ok;
}

/* --- Case 1: sets written in every way vkUpdateDescriptorSets allows -------------------------- */

static bool
sets_written_on(struct side *s, struct transcript *t)
{
   bool ok = false;
   VkDescriptorPool pool = VK_NULL_HANDLE;
   struct types_content c[CONTENT_COUNT], junk;
   VkDescriptorSet plain0[CONTENT_COUNT], plain1[CONTENT_COUNT];
   VkDescriptorSet piece0[CONTENT_COUNT], piece1[CONTENT_COUNT];
   contents_make(c, &junk);
   CHECK_VK(types_pool_create(s, &pool));
   CHECK_VK(allocate_pairs(s, pool, CONTENT_COUNT, plain0, plain1));
   CHECK_VK(allocate_pairs(s, pool, CONTENT_COUNT, piece0, piece1));
   for (uint32_t k = 0; k < CONTENT_COUNT; k++) {
      write_plain(s, plain0[k], plain1[k], &c[k]);
      write_pieces(s, piece0[k], piece1[k], &c[k], &junk);
   }
   const struct types_content mix = content_mix(&c[0], &c[1]);
   const struct types_dispatch first[] = {
      {PROVIDE_BOUND, plain0[0], plain1[0], &c[0], 0},
      {PROVIDE_BOUND, plain0[1], plain1[1], &c[1], 1},
      {PROVIDE_BOUND, plain0[2], plain1[2], &c[2], 0},
      {PROVIDE_BOUND, piece0[0], piece1[0], &c[0], 1},
      {PROVIDE_BOUND, piece0[1], piece1[1], &c[1], 0},
      {PROVIDE_BOUND, piece0[2], piece1[2], &c[2], 1},
      {PROVIDE_BOUND, plain0[0], piece1[1], &mix, 0},
      {PROVIDE_BOUND, plain0[1], plain1[1], &c[1], 0},
   };
   CHECK(types_execute(s, first, ARRAY_SIZE(first), t));
   /* Written again once the work that used them is done: whole, and in pieces over c[1]. */
   write_plain(s, plain0[0], plain1[0], &c[2]);
   write_pieces(s, plain0[1], plain1[1], &c[0], NULL);
   const struct types_dispatch again[] = {
      {PROVIDE_BOUND, plain0[0], plain1[0], &c[2], 1},
      {PROVIDE_BOUND, plain0[1], plain1[1], &c[0], 0},
      {PROVIDE_BOUND, plain0[2], plain1[2], &c[2], 1},
   };
   CHECK(types_execute(s, again, ARRAY_SIZE(again), t));
   ok = true;
done:
   vkDestroyDescriptorPool(s->device, pool, NULL);
   return ok;
}

static bool
sets_written(void)
{
   return on_both("sets_written", sets_written_on);
}

/* --- Case 2: vkCopyDescriptorSet -------------------------------------------------------------- */

static bool
copies_on(struct side *s, struct transcript *t)
{
   bool ok = false;
   VkDescriptorPool pool = VK_NULL_HANDLE;
   struct types_content c[CONTENT_COUNT], junk;
   VkDescriptorSet src0[CONTENT_COUNT], src1[CONTENT_COUNT], dst0[CONTENT_COUNT],
      dst1[CONTENT_COUNT], rot0[CONTENT_COUNT], rot1[CONTENT_COUNT];
   contents_make(c, &junk);
   CHECK_VK(types_pool_create(s, &pool));
   CHECK_VK(allocate_pairs(s, pool, CONTENT_COUNT, src0, src1));
   CHECK_VK(allocate_pairs(s, pool, CONTENT_COUNT, dst0, dst1));
   CHECK_VK(allocate_pairs(s, pool, CONTENT_COUNT, rot0, rot1));
   for (uint32_t k = 0; k < CONTENT_COUNT; k++) {
      const struct types_content rotated = content_rotated(&c[k]);
      write_plain(s, src0[k], src1[k], &c[k]);
      write_set0_plain(s, rot0[k], &rotated);
      write_plain(s, dst0[k], dst1[k], &junk);
      copy_sets(s, dst0[k], dst1[k], src0[k], src1[k], rot0[k]);
   }
   const struct types_dispatch first[] = {
      {PROVIDE_BOUND, dst0[0], dst1[0], &c[0], 0},
      {PROVIDE_BOUND, dst0[1], dst1[1], &c[1], 1},
      {PROVIDE_BOUND, dst0[2], dst1[2], &c[2], 0},
      {PROVIDE_BOUND, src0[0], src1[0], &c[0], 1}, /* the sources keep what they held */
   };
   CHECK(types_execute(s, first, ARRAY_SIZE(first), t));
   /* Copies of copies, whole bindings, over sets that were used. */
   copy_set0_whole(s, src0[0], dst0[1]);
   copy_set1_whole(s, src1[0], dst1[2]);
   copy_set0_whole(s, rot0[2], dst0[0]);
   copy_set1_whole(s, rot1[2], dst1[0]);
   const struct types_content mix = content_mix(&c[1], &c[2]);
   const struct types_dispatch again[] = {
      {PROVIDE_BOUND, src0[0], src1[0], &mix, 0},
      {PROVIDE_BOUND, rot0[2], rot1[2], &c[0], 1},
   };
   CHECK(types_execute(s, again, ARRAY_SIZE(again), t));
   ok = true;
done:
   vkDestroyDescriptorPool(s->device, pool, NULL);
   return ok;
}

static bool
copies(void)
{
   return on_both("copies", copies_on);
}

/* --- Case 3: update templates and push descriptors -------------------------------------------- */

static bool
templates_and_push_on(struct side *s, struct transcript *t)
{
   bool ok = false;
   VkDescriptorPool pool = VK_NULL_HANDLE;
   struct types_content c[CONTENT_COUNT], junk;
   VkDescriptorSet tmpl0[CONTENT_COUNT], tmpl1[CONTENT_COUNT];
   VkDescriptorSet plain0[CONTENT_COUNT], plain1[CONTENT_COUNT];
   contents_make(c, &junk);
   CHECK_VK(types_pool_create(s, &pool));
   CHECK_VK(allocate_pairs(s, pool, CONTENT_COUNT, tmpl0, tmpl1));
   CHECK_VK(allocate_pairs(s, pool, CONTENT_COUNT, plain0, plain1));
   for (uint32_t k = 0; k < CONTENT_COUNT; k++) {
      write_plain(s, tmpl0[k], tmpl1[k], &junk);
      write_templates(s, tmpl0[k], tmpl1[k], &c[k]);
      write_plain(s, plain0[k], plain1[k], &c[k]);
   }
   struct types_dispatch d[MAX_DISPATCHES] = {
      {PROVIDE_BOUND, tmpl0[0], tmpl1[0], &c[0], 0},
      {PROVIDE_BOUND, tmpl0[1], tmpl1[1], &c[1], 1},
      {PROVIDE_BOUND, tmpl0[2], tmpl1[2], &c[2], 0},
   };
   uint32_t count = 3;
   if (s->push) {
      const struct types_dispatch pushed[] = {
         {PROVIDE_PUSH, VK_NULL_HANDLE, plain1[0], &c[0], 1, NULL},
         {PROVIDE_PUSH_TEMPLATE, VK_NULL_HANDLE, plain1[1], &c[1], 0, NULL},
         {PROVIDE_BOUND, plain0[2], plain1[2], &c[2], 1, NULL},
         {PROVIDE_PUSH_PIECES, VK_NULL_HANDLE, plain1[2], &c[2], 0, &junk},
         {PROVIDE_PUSH_TEMPLATE, VK_NULL_HANDLE, plain1[0], &c[0], 0, NULL},
      };
      memcpy(d + count, pushed, sizeof(pushed));
      count += ARRAY_SIZE(pushed);
   }
   CHECK(types_execute(s, d, count, t));
   ok = true;
done:
   vkDestroyDescriptorPool(s->device, pool, NULL);
   return ok;
}

static bool
templates_and_push(void)
{
   if (!sides[VENDOR].push)
      printf("  VK_KHR_push_descriptor is not on both devices: push descriptors not tested\n");
   return on_both("templates_and_push", templates_and_push_on);
}

/* --- desc_simple: jobs ------------------------------------------------------------------------ */

/* The job into set, writing to out (io's out buffer or another). */
static void
simple_write(const struct side *s, VkDescriptorSet set, const struct dc_simple_io *io, VkBuffer out,
             const struct dc_job *j)
{
   VkDescriptorBufferInfo infos[3];
   dc_simple_infos(io, out, j, infos);
   const VkWriteDescriptorSet w[2] = {
      write_buffers(set, 0, 0, 2, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, infos),
      write_buffers(set, 2, 0, 1, VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, &infos[2]),
   };
   vkUpdateDescriptorSets(s->device, 2, w, 0, NULL);
}

static void
simple_record(const struct side *s, VkCommandBuffer cmd, VkDescriptorSet set,
              const struct dc_job *j)
{
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->simple_pipeline);
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, s->simple_layout, 0, 1, &set, 0,
                           NULL);
   vkCmdDispatch(cmd, (j->out_words + 63) / 64, 1, 1);
}

/* A job in region r of the out buffer (JOB_REGION_WORDS words each). */
static struct dc_job
random_job(uint64_t *rng, uint32_t region)
{
   struct dc_job j;
   j.in_offset = OFFSET_UNIT * rand_below(rng, 8);
   j.in_words = 1 + rand_below(rng, 600);
   j.out_offset = region * JOB_REGION_WORDS * 4;
   j.out_words = 1 + rand_below(rng, JOB_REGION_WORDS);
   j.param = rand_below(rng, PARAM_SLOTS);
   return j;
}

/* The jobs, each with its set, recorded into cmd, submitted and waited for. */
static VkResult
simple_run(const struct side *s, VkCommandBuffer cmd, const VkDescriptorSet *sets,
           const struct dc_job *jobs, uint32_t count)
{
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   VkResult result = vkBeginCommandBuffer(cmd, &begin);
   if (result != VK_SUCCESS)
      return result;
   for (uint32_t k = 0; k < count; k++)
      simple_record(s, cmd, sets[k], &jobs[k]);
   it_barrier_to_host(cmd);
   result = vkEndCommandBuffer(cmd);
   if (result == VK_SUCCESS)
      result = it_submit_wait(s->device, s->queue, 1, &cmd);
   return result;
}

/* --- Case 4: pool exhaustion ------------------------------------------------------------------ */

#define MAX_POOL_STEPS 48

struct pool_step {
   const char *what;
   VkResult result;
   int32_t nulls; /* handles VK_NULL_HANDLE after the call; -1: not an allocation */
};

struct pool_log {
   struct pool_step steps[MAX_POOL_STEPS];
   uint32_t count;
};

static void
log_step(struct pool_log *log, const char *what, VkResult result, int32_t nulls)
{
   if (log->count < MAX_POOL_STEPS)
      log->steps[log->count] = (struct pool_step){what, result, nulls};
   log->count++;
}

/* vkAllocateDescriptorSets of count sets, logged; the handles are set to a non-null value
 * first, to see what a failure leaves there. On failure sets[] is cleared. */
static VkResult
try_allocate(const struct side *s, struct pool_log *log, const char *what, VkDescriptorPool pool,
             VkDescriptorSetLayout layout, uint32_t count, VkDescriptorSet *sets)
{
   for (uint32_t i = 0; i < count; i++)
      sets[i] = (VkDescriptorSet)(uintptr_t)0xbad0u;
   VkResult result = allocate_sets(s->device, pool, layout, count, sets);
   int32_t nulls = 0;
   for (uint32_t i = 0; i < count; i++)
      nulls += sets[i] == VK_NULL_HANDLE;
   log_step(log, what, result, nulls);
   if (result != VK_SUCCESS)
      memset(sets, 0, sizeof(*sets) * count);
   return result;
}

static VkResult
create_pool(const struct side *s, VkDescriptorPoolCreateFlags flags, uint32_t max_sets,
            const VkDescriptorPoolSize *sizes, uint32_t size_count, VkDescriptorPool *pool)
{
   return it_create_descriptor_pool(s->device, flags, max_sets, sizes, size_count, NULL, pool);
}

/* maxSets 4, descriptors for 32 sets, no FREE_DESCRIPTOR_SET_BIT. */
static bool
pool_max_sets(const struct side *s, struct pool_log *log)
{
   bool ok = false;
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSet sets[8];
   static const char *const one[5] = {
      "maxSets 4: set 1, one at a time", "maxSets 4: set 2, one at a time",
      "maxSets 4: set 3, one at a time", "maxSets 4: set 4, one at a time",
      "maxSets 4: set 5, one at a time",
   };
   const VkDescriptorPoolSize sizes[2] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 64},
                                          {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 32}};
   CHECK_VK(create_pool(s, 0, 4, sizes, 2, &pool));
   for (uint32_t i = 0; i < 5; i++)
      try_allocate(s, log, one[i], pool, s->simple_set_layout, 1, &sets[i]);
   try_allocate(s, log, "maxSets 4: 2 more sets in one call", pool, s->simple_set_layout, 2,
                sets);
   log_step(log, "maxSets 4: vkResetDescriptorPool", vkResetDescriptorPool(s->device, pool, 0),
            -1);
   try_allocate(s, log, "maxSets 4, reset: 4 sets in one call", pool, s->simple_set_layout, 4,
                sets);
   try_allocate(s, log, "maxSets 4, reset: 1 more set", pool, s->simple_set_layout, 1, sets);
   log_step(log, "maxSets 4: vkResetDescriptorPool again",
            vkResetDescriptorPool(s->device, pool, 0), -1);
   try_allocate(s, log, "maxSets 4, reset: 6 sets in one call", pool, s->simple_set_layout, 6,
                sets);
   ok = true;
done:
   vkDestroyDescriptorPool(s->device, pool, NULL);
   return ok;
}

/* Pools whose descriptor counts are too small for the sets asked for. */
static bool
pool_too_small(const struct side *s, struct pool_log *log)
{
   bool ok = false;
   VkDescriptorPool three = VK_NULL_HANDLE, one = VK_NULL_HANDLE, no_uniform = VK_NULL_HANDLE;
   VkDescriptorSet sets[4];
   const VkDescriptorPoolSize three_sizes[2] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 3},
                                                {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 16}};
   const VkDescriptorPoolSize one_sizes[2] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1},
                                              {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 16}};
   const VkDescriptorPoolSize storage_only[1] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 16}};
   CHECK_VK(create_pool(s, 0, 16, three_sizes, 2, &three));
   CHECK_VK(create_pool(s, 0, 16, one_sizes, 2, &one));
   CHECK_VK(create_pool(s, 0, 16, storage_only, 1, &no_uniform));
   try_allocate(s, log, "3 storage buffers: set 1 (2 each)", three, s->simple_set_layout, 1,
                &sets[0]);
   try_allocate(s, log, "3 storage buffers: set 2 (2 each)", three, s->simple_set_layout, 1,
                &sets[1]);
   try_allocate(s, log, "3 storage buffers: set 3 (2 each)", three, s->simple_set_layout, 1,
                &sets[2]);
   try_allocate(s, log, "1 storage buffer: a set of 2", one, s->simple_set_layout, 1, &sets[3]);
   try_allocate(s, log, "no uniform buffers: a set with one", no_uniform, s->simple_set_layout, 1,
                &sets[0]);
   ok = true;
done:
   vkDestroyDescriptorPool(s->device, three, NULL);
   vkDestroyDescriptorPool(s->device, one, NULL);
   vkDestroyDescriptorPool(s->device, no_uniform, NULL);
   return ok;
}

/* FREE_DESCRIPTOR_SET_BIT, maxSets 2; the last sets allocated are kept in *kept (2) for a job,
 * the pool in *pool. */
static bool
pool_free_and_reset(const struct side *s, struct pool_log *log, VkDescriptorPool *pool,
                    VkDescriptorSet kept[2])
{
   bool ok = false;
   VkDescriptorSet sets[3] = {0};
   const VkDescriptorPoolSize sizes[2] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 64},
                                          {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 32}};
   CHECK_VK(create_pool(s, VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT, 2, sizes, 2, pool));
   try_allocate(s, log, "free bit, maxSets 2: set 1", *pool, s->simple_set_layout, 1, &sets[0]);
   try_allocate(s, log, "free bit, maxSets 2: set 2", *pool, s->simple_set_layout, 1, &sets[1]);
   try_allocate(s, log, "free bit, maxSets 2: set 3", *pool, s->simple_set_layout, 1, &sets[2]);
   CHECK(sets[0] != VK_NULL_HANDLE);
   log_step(log, "free bit, maxSets 2: vkFreeDescriptorSets(set 1)",
            vkFreeDescriptorSets(s->device, *pool, 1, &sets[0]), -1);
   try_allocate(s, log, "free bit, maxSets 2: a set after the free", *pool, s->simple_set_layout,
                1, &sets[0]);
   try_allocate(s, log, "free bit, maxSets 2: one more", *pool, s->simple_set_layout, 1,
                &sets[2]);
   log_step(log, "free bit, maxSets 2: vkResetDescriptorPool",
            vkResetDescriptorPool(s->device, *pool, 0), -1);
   try_allocate(s, log, "free bit, maxSets 2, reset: 2 sets in one call", *pool,
                s->simple_set_layout, 2, kept);
   try_allocate(s, log, "free bit, maxSets 2, reset: 1 more", *pool, s->simple_set_layout, 1,
                &sets[2]);
   ok = true;
done:
   return ok;
}

/* Sets freed in between, then a set needing more contiguous descriptors. */
static bool
pool_fragmented(const struct side *s, struct pool_log *log)
{
   bool ok = false;
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSetLayout wide = VK_NULL_HANDLE;
   VkDescriptorSet sets[4] = {0}, big = VK_NULL_HANDLE;
   static const char *const one[4] = {
      "fragmentation: set 1 of 4 (2 storage, 1 uniform each)", "fragmentation: set 2 of 4",
      "fragmentation: set 3 of 4", "fragmentation: set 4 of 4",
   };
   const VkDescriptorSetLayoutBinding binding = {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 4,
                                                 VK_SHADER_STAGE_COMPUTE_BIT, NULL};
   const VkDescriptorPoolSize sizes[2] = {{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 8},
                                          {VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER, 4}};
   CHECK_VK(it_create_set_layout(s->device, 0, NULL, &binding, 1, &wide));
   CHECK_VK(create_pool(s, VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT, 8, sizes, 2, &pool));
   for (uint32_t i = 0; i < 4; i++)
      try_allocate(s, log, one[i], pool, s->simple_set_layout, 1, &sets[i]);
   CHECK(sets[0] && sets[2]);
   const VkDescriptorSet freed[2] = {sets[0], sets[2]};
   log_step(log, "fragmentation: vkFreeDescriptorSets(sets 1 and 3)",
            vkFreeDescriptorSets(s->device, pool, 2, freed), -1);
   try_allocate(s, log, "fragmentation: a set of 4 storage buffers", pool, wide, 1, &big);
   try_allocate(s, log, "fragmentation: a set of 2 storage, 1 uniform", pool,
                s->simple_set_layout, 1, &sets[0]);
   ok = true;
done:
   vkDestroyDescriptorPool(s->device, pool, NULL);
   vkDestroyDescriptorSetLayout(s->device, wide, NULL);
   return ok;
}

/* Every step of the pools above, then a job through the sets kept after the reset. */
static bool
pool_plan(struct side *s, struct pool_log *log, struct transcript *t)
{
   bool ok = false;
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSet kept[2] = {0};
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   struct dc_simple_io io = {0};
   CHECK(pool_max_sets(s, log));
   CHECK(pool_too_small(s, log));
   CHECK(pool_free_and_reset(s, log, &pool, kept));
   CHECK(pool_fragmented(s, log));
   CHECK(kept[0] && kept[1]);
   CHECK_VK(dc_simple_io_create(s->physical, s->device, &io));
   const struct dc_job jobs[2] = {{256, 500, 0, 700, 3}, {0, 900, 4096, 900, 5}};
   simple_write(s, kept[0], &io, io.out.buffer, &jobs[0]);
   simple_write(s, kept[1], &io, io.out.buffer, &jobs[1]);
   CHECK_VK(it_allocate_command_buffers(s->device, s->command_pool,
                                        VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &cmd));
   CHECK_VK(simple_run(s, cmd, kept, jobs, 2));
   CHECK(dc_simple_check(s->label, "the sets after the reset", io.out.data, SIMPLE_OUT_WORDS, jobs,
                      2));
   CHECK(transcript_add(t, io.out.data, io.out.size));
   ok = true;
done:
   if (cmd)
      vkFreeCommandBuffers(s->device, s->command_pool, 1, &cmd);
   dc_simple_io_destroy(s->device, &io);
   vkDestroyDescriptorPool(s->device, pool, NULL);
   return ok;
}

static bool
pool_logs_equal(const struct pool_log *vendor, const struct pool_log *kronos)
{
   bool ok = vendor->count == kronos->count && vendor->count <= MAX_POOL_STEPS;
   uint32_t count = vendor->count < kronos->count ? vendor->count : kronos->count;
   if (count > MAX_POOL_STEPS)
      count = MAX_POOL_STEPS;
   for (uint32_t i = 0; i < count; i++) {
      const struct pool_step *v = &vendor->steps[i], *k = &kronos->steps[i];
      bool same = v->result == k->result && v->nulls == k->nulls;
      char vn[32] = "", kn[32] = "";
      if (v->nulls >= 0 && v->result != VK_SUCCESS)
         snprintf(vn, sizeof(vn), " (%d null)", v->nulls);
      if (k->nulls >= 0 && k->result != VK_SUCCESS)
         snprintf(kn, sizeof(kn), " (%d null)", k->nulls);
      printf("  %-56s vendor %s%s, kronos %s%s%s\n", v->what, it_result_name(v->result), vn,
             it_result_name(k->result), kn, same ? "" : "  <- DIFFERENT");
      ok = ok && same;
   }
   if (vendor->count != kronos->count)
      fprintf(stderr, "  vendor logged %u steps, kronos %u\n", vendor->count, kronos->count);
   return ok;
}

static bool
pool_exhaustion(void)
{
   static struct pool_log logs[SIDE_COUNT];
   struct transcript t[SIDE_COUNT] = {{0}};
   bool ok = true;
   watchdog_arm("pool_exhaustion");
   for (int i = 0; i < SIDE_COUNT; i++) {
      memset(&logs[i], 0, sizeof(logs[i]));
      bool side_ok = pool_plan(&sides[i], &logs[i], &t[i]);
      printf("  %s: %s\n", sides[i].label, side_ok ? "ok" : "FAIL");
      ok = side_ok && ok;
   }
   ok = pool_logs_equal(&logs[VENDOR], &logs[KRONOS]) && ok;
   ok = transcripts_equal("pool_exhaustion", &t[VENDOR], &t[KRONOS]) && ok;
   for (int i = 0; i < SIDE_COUNT; i++)
      transcript_free(&t[i]);
   watchdog_arm(NULL);
   return ok;
}

/* --- Case 5: sets freed, pools reset, sets rewritten, over many rounds ------------------------ */

#define REUSE_ROUNDS 200
#define REUSE_SETS 8

struct reuse_state {
   VkDescriptorSet sets[REUSE_SETS];
   bool live[REUSE_SETS];
};

/* A set for this round: a live one not used yet this round (rewritten), or a new one. */
static VkResult
reuse_pick(const struct side *s, VkDescriptorPool pool, struct reuse_state *st, bool used[],
           uint64_t *rng, uint32_t *index)
{
   uint32_t start = rand_below(rng, REUSE_SETS);
   bool rewrite = rand_below(rng, 2) == 0;
   for (uint32_t k = 0; k < REUSE_SETS; k++) {
      uint32_t i = (start + k) % REUSE_SETS;
      if (used[i] || st->live[i] != rewrite)
         continue;
      if (!st->live[i]) {
         VkResult result = allocate_sets(s->device, pool, s->simple_set_layout, 1, &st->sets[i]);
         if (result != VK_SUCCESS)
            return result;
         st->live[i] = true;
      }
      used[i] = true;
      *index = i;
      return VK_SUCCESS;
   }
   /* None of the kind asked for: any set not used this round. */
   for (uint32_t i = 0; i < REUSE_SETS; i++) {
      if (used[i])
         continue;
      if (!st->live[i]) {
         VkResult result = allocate_sets(s->device, pool, s->simple_set_layout, 1, &st->sets[i]);
         if (result != VK_SUCCESS)
            return result;
         st->live[i] = true;
      }
      used[i] = true;
      *index = i;
      return VK_SUCCESS;
   }
   return VK_ERROR_OUT_OF_POOL_MEMORY;
}

/* Frees some live sets (one in three), or resets the pool (every 50th round). */
static VkResult
reuse_release(const struct side *s, VkDescriptorPool pool, struct reuse_state *st, uint64_t *rng,
              uint32_t round)
{
   if (round % 50 == 49) {
      memset(st, 0, sizeof(*st));
      return vkResetDescriptorPool(s->device, pool, 0);
   }
   for (uint32_t i = 0; i < REUSE_SETS; i++) {
      if (st->live[i] && rand_below(rng, 3) == 0) {
         VkResult result = vkFreeDescriptorSets(s->device, pool, 1, &st->sets[i]);
         if (result != VK_SUCCESS)
            return result;
         st->live[i] = false;
         st->sets[i] = VK_NULL_HANDLE;
      }
   }
   return VK_SUCCESS;
}

static bool
free_reset_reuse_on(struct side *s, struct transcript *t)
{
   bool ok = false;
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   struct dc_simple_io io = {0};
   struct reuse_state st = {{0}};
   uint64_t rng = 0x5eed;
   CHECK_VK(dc_simple_pool_create(s->device, REUSE_SETS,
                                  VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT, &pool));
   CHECK_VK(dc_simple_io_create(s->physical, s->device, &io));
   CHECK_VK(it_allocate_command_buffers(s->device, s->command_pool,
                                        VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &cmd));
   for (uint32_t round = 0; round < REUSE_ROUNDS; round++) {
      bool used[REUSE_SETS] = {0};
      struct dc_job jobs[MAX_JOBS];
      VkDescriptorSet sets[MAX_JOBS];
      uint32_t count = 1 + rand_below(&rng, MAX_JOBS);
      for (uint32_t k = 0; k < count; k++) {
         uint32_t index;
         CHECK_VK(reuse_pick(s, pool, &st, used, &rng, &index));
         jobs[k] = random_job(&rng, k);
         sets[k] = st.sets[index];
         simple_write(s, sets[k], &io, io.out.buffer, &jobs[k]);
      }
      memset(io.out.data, FILL_BYTE, io.out.size);
      CHECK_VK(simple_run(s, cmd, sets, jobs, count));
      char what[32];
      snprintf(what, sizeof(what), "round %u", round);
      CHECK(dc_simple_check(s->label, what, io.out.data, SIMPLE_OUT_WORDS, jobs, count));
      CHECK(transcript_add(t, io.out.data, io.out.size));
      CHECK_VK(reuse_release(s, pool, &st, &rng, round));
   }
   ok = true;
done:
   if (cmd)
      vkFreeCommandBuffers(s->device, s->command_pool, 1, &cmd);
   dc_simple_io_destroy(s->device, &io);
   vkDestroyDescriptorPool(s->device, pool, NULL);
   return ok;
}

static bool
free_reset_reuse(void)
{
   return on_both("free_reset_reuse", free_reset_reuse_on);
}

/* --- Case 6: two threads ---------------------------------------------------------------------- */

#define THREAD_COUNT 2
#define THREAD_ROUNDS 300

struct worker {
   struct side *s;
   pthread_mutex_t *queue_lock;
   uint32_t index;
   bool ok;
   struct transcript t;
};

/* What a worker owns. */
struct worker_objects {
   VkDescriptorPool pool;
   VkCommandPool command_pool;
   VkCommandBuffer cmd;
   VkFence fence;
   struct dc_simple_io io;
};

static VkResult
worker_open(const struct side *s, struct worker_objects *o)
{
   memset(o, 0, sizeof(*o));
   VkResult result = dc_simple_pool_create(s->device, 4,
                                           VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT,
                                           &o->pool);
   if (result == VK_SUCCESS)
      result = it_create_command_pool(s->device, s->family, 0, NULL, &o->command_pool);
   if (result == VK_SUCCESS)
      result = it_allocate_command_buffers(s->device, o->command_pool,
                                           VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &o->cmd);
   const VkFenceCreateInfo fence = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   if (result == VK_SUCCESS)
      result = vkCreateFence(s->device, &fence, NULL, &o->fence);
   if (result == VK_SUCCESS)
      result = dc_simple_io_create(s->physical, s->device, &o->io);
   return result;
}

static void
worker_close(const struct side *s, struct worker_objects *o)
{
   dc_simple_io_destroy(s->device, &o->io);
   vkDestroyFence(s->device, o->fence, NULL);
   vkDestroyCommandPool(s->device, o->command_pool, NULL);
   vkDestroyDescriptorPool(s->device, o->pool, NULL);
}

/* Records the jobs, submits them behind the queue lock, waits for the worker's fence. */
static VkResult
worker_submit(struct worker *w, struct worker_objects *o, const VkDescriptorSet *sets,
              const struct dc_job *jobs, uint32_t count)
{
   const struct side *s = w->s;
   VkResult result = vkResetCommandPool(s->device, o->command_pool, 0);
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   if (result == VK_SUCCESS)
      result = vkBeginCommandBuffer(o->cmd, &begin);
   if (result != VK_SUCCESS)
      return result;
   for (uint32_t k = 0; k < count; k++)
      simple_record(s, o->cmd, sets[k], &jobs[k]);
   it_barrier_to_host(o->cmd);
   result = vkEndCommandBuffer(o->cmd);
   if (result != VK_SUCCESS)
      return result;
   pthread_mutex_lock(w->queue_lock);
   result = it_submit(s->queue, 1, &o->cmd, o->fence);
   pthread_mutex_unlock(w->queue_lock);
   if (result == VK_SUCCESS)
      result = vkWaitForFences(s->device, 1, &o->fence, VK_TRUE, IT_TIMEOUT_NS);
   if (result == VK_SUCCESS)
      result = vkResetFences(s->device, 1, &o->fence);
   return result;
}

static bool
worker_run(struct worker *w)
{
   bool ok = false;
   const struct side *s = w->s;
   struct worker_objects o;
   uint64_t rng = 0x7e4d0000u + w->index;
   VkDescriptorSet sets[2] = {0};
   CHECK_VK(worker_open(s, &o));
   for (uint32_t round = 0; round < THREAD_ROUNDS; round++) {
      uint32_t count = 1 + rand_below(&rng, 2);
      struct dc_job jobs[2];
      CHECK_VK(allocate_sets(s->device, o.pool, s->simple_set_layout, count, sets));
      for (uint32_t k = 0; k < count; k++) {
         jobs[k] = random_job(&rng, k);
         simple_write(s, sets[k], &o.io, o.io.out.buffer, &jobs[k]);
      }
      memset(o.io.out.data, FILL_BYTE, o.io.out.size);
      CHECK_VK(worker_submit(w, &o, sets, jobs, count));
      char what[48];
      snprintf(what, sizeof(what), "thread %u, round %u", w->index, round);
      CHECK(dc_simple_check(s->label, what, o.io.out.data, 2 * JOB_REGION_WORDS, jobs, count));
      CHECK(transcript_add(&w->t, o.io.out.data, 2 * JOB_REGION_WORDS * 4));
      if (round % 2)
         CHECK_VK(vkFreeDescriptorSets(s->device, o.pool, count, sets));
      else
         CHECK_VK(vkResetDescriptorPool(s->device, o.pool, 0));
   }
   ok = true;
done:
   worker_close(s, &o);
   return ok;
}

static void *
worker_main(void *arg)
{
   struct worker *w = arg;
   w->ok = worker_run(w);
   return NULL;
}

static bool
two_threads_on(struct side *s, struct transcript *t)
{
   bool ok = true;
   pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
   struct worker workers[THREAD_COUNT];
   pthread_t threads[THREAD_COUNT];
   bool started[THREAD_COUNT] = {0};
   for (uint32_t i = 0; i < THREAD_COUNT; i++) {
      workers[i] = (struct worker){.s = s, .queue_lock = &queue_lock, .index = i};
      started[i] = pthread_create(&threads[i], NULL, worker_main, &workers[i]) == 0;
      if (!started[i]) {
         fprintf(stderr, "  %s: cannot start thread %u\n", s->label, i);
         ok = false;
      }
   }
   for (uint32_t i = 0; i < THREAD_COUNT; i++) {
      if (started[i]) {
         pthread_join(threads[i], NULL);
         ok = workers[i].ok && ok;
      }
      if (!transcript_add(t, workers[i].t.bytes, workers[i].t.size))
         ok = false;
      transcript_free(&workers[i].t);
   }
   pthread_mutex_destroy(&queue_lock);
   return ok;
}

static bool
two_threads(void)
{
   return on_both("two_threads", two_threads_on);
}

/* --- Case 7: sets written while earlier submits are pending ----------------------------------- */

#define PENDING_SUBMITS 24
#define PENDING_WORDS 128u

struct pending {
   VkDescriptorPool pool;
   VkSemaphore gate;
   VkCommandBuffer cmds[PENDING_SUBMITS];
   VkFence fences[PENDING_SUBMITS];
   VkDescriptorSet sets[PENDING_SUBMITS], twins[PENDING_SUBMITS];
   struct dc_job jobs[PENDING_SUBMITS];
   struct dc_simple_io io;
};

static VkResult
pending_open(const struct side *s, bool gated, struct pending *p)
{
   memset(p, 0, sizeof(*p));
   VkResult result = dc_simple_pool_create(s->device, 2 * PENDING_SUBMITS, 0, &p->pool);
   if (result == VK_SUCCESS)
      result = dc_simple_io_create(s->physical, s->device, &p->io);
   if (result == VK_SUCCESS)
      result = it_allocate_command_buffers(s->device, s->command_pool,
                                           VK_COMMAND_BUFFER_LEVEL_PRIMARY, PENDING_SUBMITS,
                                           p->cmds);
   const VkFenceCreateInfo fence = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
   for (uint32_t i = 0; i < PENDING_SUBMITS && result == VK_SUCCESS; i++)
      result = vkCreateFence(s->device, &fence, NULL, &p->fences[i]);
   if (result != VK_SUCCESS || !gated)
      return result;
   const VkSemaphoreTypeCreateInfo type = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO,
      .semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE,
   };
   const VkSemaphoreCreateInfo info = {.sType = VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
                                       .pNext = &type};
   return vkCreateSemaphore(s->device, &info, NULL, &p->gate);
}

static void
pending_close(const struct side *s, struct pending *p)
{
   for (uint32_t i = 0; i < PENDING_SUBMITS; i++)
      vkDestroyFence(s->device, p->fences[i], NULL);
   if (p->cmds[0])
      vkFreeCommandBuffers(s->device, s->command_pool, PENDING_SUBMITS, p->cmds);
   vkDestroySemaphore(s->device, p->gate, NULL);
   dc_simple_io_destroy(s->device, &p->io);
   vkDestroyDescriptorPool(s->device, p->pool, NULL);
}

/* Submit i: its job into region i; earlier submits' writes ordered before it (a twin dispatch
 * writes region i - 1 again, with the same values). */
static VkResult
pending_record(const struct side *s, struct pending *p, uint32_t i)
{
   const VkCommandBufferBeginInfo begin = {
      .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
   };
   VkCommandBuffer cmd = p->cmds[i];
   VkResult result = vkBeginCommandBuffer(cmd, &begin);
   if (result != VK_SUCCESS)
      return result;
   const VkMemoryBarrier barrier = {
      .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
      .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
      .dstAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
   };
   vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                        VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier, 0, NULL, 0, NULL);
   simple_record(s, cmd, p->sets[i], &p->jobs[i]);
   if (i > 0)
      simple_record(s, cmd, p->twins[i], &p->jobs[i - 1]);
   it_barrier_to_host(cmd);
   return vkEndCommandBuffer(cmd);
}

static VkResult
pending_submit(const struct side *s, struct pending *p, uint32_t i)
{
   const uint64_t wait_value = 1;
   const VkPipelineStageFlags stage = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
   const VkTimelineSemaphoreSubmitInfo timeline = {
      .sType = VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO,
      .waitSemaphoreValueCount = 1,
      .pWaitSemaphoreValues = &wait_value,
   };
   const bool wait = i == 0 && p->gate;
   const VkSubmitInfo submit = {
      .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
      .pNext = wait ? &timeline : NULL,
      .waitSemaphoreCount = wait ? 1 : 0,
      .pWaitSemaphores = &p->gate,
      .pWaitDstStageMask = &stage,
      .commandBufferCount = 1,
      .pCommandBuffers = &p->cmds[i],
   };
   return vkQueueSubmit(s->queue, 1, &submit, p->fences[i]);
}

/* Set i (and its twin) allocated and written now, while submits 0 .. i - 1 may be pending. */
static VkResult
pending_prepare(const struct side *s, struct pending *p, uint32_t i)
{
   p->jobs[i] = (struct dc_job){
      .in_offset = OFFSET_UNIT * (i % 4),
      .in_words = 64 + 8 * (i % 5),
      .out_offset = i * PENDING_WORDS * 4,
      .out_words = PENDING_WORDS,
      .param = i % PARAM_SLOTS,
   };
   VkResult result = allocate_sets(s->device, p->pool, s->simple_set_layout, 1, &p->sets[i]);
   if (result != VK_SUCCESS)
      return result;
   if (i % 3 == 0) { /* written twice before its submit */
      const struct dc_job other = {OFFSET_UNIT * 7, 100, 0, PENDING_WORDS, PARAM_SLOTS - 1};
      simple_write(s, p->sets[i], &p->io, p->io.out.buffer, &other);
   }
   simple_write(s, p->sets[i], &p->io, p->io.out.buffer, &p->jobs[i]);
   if (i == 0)
      return VK_SUCCESS;
   /* The same content as set i - 1, whose submit may be pending. */
   result = allocate_sets(s->device, p->pool, s->simple_set_layout, 1, &p->twins[i]);
   if (result == VK_SUCCESS)
      simple_write(s, p->twins[i], &p->io, p->io.out.buffer, &p->jobs[i - 1]);
   return result;
}

static VkResult
host_signal(const struct side *s, VkSemaphore semaphore, uint64_t value)
{
   const VkSemaphoreSignalInfo info = {
      .sType = VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO,
      .semaphore = semaphore,
      .value = value,
   };
   return vkSignalSemaphore(s->device, &info);
}

static bool
pending_round(struct side *s, bool gated, struct transcript *t)
{
   bool ok = false;
   struct pending p;
   bool released = !gated;
   CHECK_VK(pending_open(s, gated, &p));
   for (uint32_t i = 0; i < PENDING_SUBMITS; i++) {
      CHECK_VK(pending_prepare(s, &p, i));
      CHECK_VK(pending_record(s, &p, i));
      CHECK_VK(pending_submit(s, &p, i));
   }
   if (gated) {
      uint32_t pending = 0;
      for (uint32_t i = 0; i < PENDING_SUBMITS; i++)
         pending += vkGetFenceStatus(s->device, p.fences[i]) == VK_NOT_READY;
      printf("  %s: %u of %u submits pending before the host signals the gate\n", s->label,
             pending, PENDING_SUBMITS);
      CHECK_RESULT(vkGetFenceStatus(s->device, p.fences[0]), VK_NOT_READY);
      CHECK_VK(host_signal(s, p.gate, 1));
      released = true;
   }
   CHECK_VK(vkWaitForFences(s->device, PENDING_SUBMITS, p.fences, VK_TRUE, IT_TIMEOUT_NS));
   CHECK(dc_simple_check(s->label, gated ? "gated submits" : "submits", p.io.out.data,
                      SIMPLE_OUT_WORDS, p.jobs, PENDING_SUBMITS));
   CHECK(transcript_add(t, p.io.out.data, p.io.out.size));
   ok = true;
done:
   if (!released && p.gate)
      host_signal(s, p.gate, 1);
   vkQueueWaitIdle(s->queue);
   pending_close(s, &p);
   return ok;
}

static bool
pending_submits_on(struct side *s, struct transcript *t)
{
   bool gated = pending_round(s, true, t);
   bool free_running = pending_round(s, false, t);
   return gated && free_running;
}

static bool
pending_submits(void)
{
   return on_both("pending_submits", pending_submits_on);
}

/* --- Case 8: a buffer destroyed, another created (often with its handle) ---------------------- */

#define REUSE_OUT_WORDS 1024u

/* Host-visible memory of A's size and type, in the place A's memory may have left. */
static VkResult
spacer_create(const struct side *s, const VkMemoryRequirements *req, VkDeviceMemory *memory,
              void **data)
{
   VkResult result = it_allocate_memory(s->physical, s->device, req,
                                        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                           VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                        memory);
   if (result == VK_SUCCESS)
      result = vkMapMemory(s->device, *memory, 0, VK_WHOLE_SIZE, 0, data);
   if (result == VK_SUCCESS)
      memset(*data, FILL_BYTE, req->size);
   return result;
}

/* The job through set into out; out checked. */
static bool
reuse_dispatch(struct side *s, VkCommandBuffer cmd, VkDescriptorSet set, struct dc_simple_io *io,
               struct it_host_buffer *out, const struct dc_job *j, const char *what,
               struct transcript *t)
{
   bool ok = false;
   memset(out->data, FILL_BYTE, out->size);
   simple_write(s, set, io, out->buffer, j);
   CHECK_VK(simple_run(s, cmd, &set, j, 1));
   CHECK(dc_simple_check(s->label, what, out->data, REUSE_OUT_WORDS, j, 1));
   CHECK(transcript_add(t, out->data, out->size));
   ok = true;
done:
   return ok;
}

/* Destroys *old (buffer and memory), takes its memory's place with a spacer, creates *out. */
static VkResult
replace_buffer(struct side *s, struct it_host_buffer *old, struct it_host_buffer *out,
               VkDeviceMemory *spacer, void **spacer_data, VkDeviceSize *spacer_size,
               const char *name)
{
   VkMemoryRequirements req;
   vkGetBufferMemoryRequirements(s->device, old->buffer, &req);
   *spacer_size = req.size;
   const VkBuffer old_handle = old->buffer;
   it_host_buffer_destroy(s->device, old);
   VkResult result = spacer_create(s, &req, spacer, spacer_data);
   if (result == VK_SUCCESS)
      result = it_host_buffer_create(s->physical, s->device, REUSE_OUT_WORDS * 4,
                                     VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, out);
   if (result == VK_SUCCESS)
      printf("  %s: buffer %s has %s handle value (0x%" PRIx64 ")\n", s->label, name,
             out->buffer == old_handle ? "the destroyed buffer's" : "another",
             (uint64_t)(uintptr_t)out->buffer);
   return result;
}

static bool
spacer_untouched(const struct side *s, const void *data, VkDeviceSize size)
{
   const uint8_t *bytes = data;
   for (VkDeviceSize i = 0; i < size; i++) {
      if (bytes[i] != FILL_BYTE) {
         fprintf(stderr, "  %s: the memory allocated after a buffer was destroyed was written "
                 "(byte %llu)\n", s->label, (unsigned long long)i);
         return false;
      }
   }
   return true;
}

static bool
buffer_handle_reuse_on(struct side *s, struct transcript *t)
{
   bool ok = false;
   VkDescriptorPool pool = VK_NULL_HANDLE;
   VkDescriptorSet set = VK_NULL_HANDLE, copy = VK_NULL_HANDLE;
   VkCommandBuffer cmd = VK_NULL_HANDLE;
   struct dc_simple_io io = {0};
   struct it_host_buffer a = {0}, b = {0}, c = {0};
   VkDeviceMemory spacers[2] = {0};
   void *spacer_data[2] = {0};
   VkDeviceSize spacer_size[2] = {0};
   const struct dc_job jobs[3] = {
      {0, 512, 0, 512, 1}, {256, 700, 0, 600, 2}, {512, 300, 0, 900, 3}};
   CHECK_VK(dc_simple_pool_create(s->device, 4,
                                  VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT, &pool));
   CHECK_VK(allocate_sets(s->device, pool, s->simple_set_layout, 1, &set));
   CHECK_VK(allocate_sets(s->device, pool, s->simple_set_layout, 1, &copy));
   CHECK_VK(dc_simple_io_create(s->physical, s->device, &io));
   CHECK_VK(it_allocate_command_buffers(s->device, s->command_pool,
                                        VK_COMMAND_BUFFER_LEVEL_PRIMARY, 1, &cmd));
   CHECK_VK(it_host_buffer_create(s->physical, s->device, REUSE_OUT_WORDS * 4,
                                  VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &a));
   CHECK(reuse_dispatch(s, cmd, set, &io, &a, &jobs[0], "buffer A", t));
   CHECK_VK(replace_buffer(s, &a, &b, &spacers[0], &spacer_data[0], &spacer_size[0],
                           "B"));
   CHECK(reuse_dispatch(s, cmd, set, &io, &b, &jobs[1], "buffer B, the same set", t));
   CHECK(reuse_dispatch(s, cmd, copy, &io, &b, &jobs[1], "buffer B, another set", t));
   CHECK_VK(replace_buffer(s, &b, &c, &spacers[1], &spacer_data[1], &spacer_size[1],
                           "C"));
   CHECK(reuse_dispatch(s, cmd, copy, &io, &c, &jobs[2], "buffer C", t));
   CHECK(reuse_dispatch(s, cmd, set, &io, &c, &jobs[2], "buffer C, the first set", t));
   for (int i = 0; i < 2; i++)
      CHECK(spacer_untouched(s, spacer_data[i], spacer_size[i]));
   ok = true;
done:
   if (cmd)
      vkFreeCommandBuffers(s->device, s->command_pool, 1, &cmd);
   it_host_buffer_destroy(s->device, &a);
   it_host_buffer_destroy(s->device, &b);
   it_host_buffer_destroy(s->device, &c);
   for (int i = 0; i < 2; i++)
      vkFreeMemory(s->device, spacers[i], NULL);
   dc_simple_io_destroy(s->device, &io);
   vkDestroyDescriptorPool(s->device, pool, NULL);
   return ok;
}

static bool
buffer_handle_reuse(void)
{
   return on_both("buffer_handle_reuse", buffer_handle_reuse_on);
}

/* --- Setup and teardown ----------------------------------------------------------------------- */

static VkResult
side_open(struct side *s)
{
   s->family = it_compute_family(s->physical);
   if (s->family == UINT32_MAX || !format_ok(s) || !alignments_ok(s))
      return VK_ERROR_FEATURE_NOT_PRESENT;
   VkResult result = side_create_device(s);
   if (result == VK_SUCCESS)
      result = side_create_buffers(s);
   if (result == VK_SUCCESS)
      result = side_create_samplers(s);
   if (result == VK_SUCCESS)
      result = side_create_images(s);
   if (result == VK_SUCCESS)
      result = side_create_types_pipelines(s);
   if (result == VK_SUCCESS)
      result = side_create_templates(s);
   if (result == VK_SUCCESS)
      result = side_create_simple_pipeline(s);
   return result;
}

static void
side_close(struct side *s)
{
   if (!s->device)
      return;
   vkDeviceWaitIdle(s->device);
   VkDevice d = s->device;
   vkDestroyPipeline(d, s->simple_pipeline, NULL);
   vkDestroyPipelineLayout(d, s->simple_layout, NULL);
   vkDestroyDescriptorSetLayout(d, s->simple_set_layout, NULL);
   vkDestroyShaderModule(d, s->simple_module, NULL);
   vkDestroyDescriptorUpdateTemplate(d, s->push_template, NULL);
   vkDestroyDescriptorUpdateTemplate(d, s->set1_template, NULL);
   vkDestroyDescriptorUpdateTemplate(d, s->set0_template, NULL);
   vkDestroyPipeline(d, s->types_push_pipeline, NULL);
   vkDestroyPipeline(d, s->types_pipeline, NULL);
   vkDestroyPipelineLayout(d, s->types_push_layout, NULL);
   vkDestroyPipelineLayout(d, s->types_layout, NULL);
   vkDestroyDescriptorSetLayout(d, s->set0_push_layout, NULL);
   vkDestroyDescriptorSetLayout(d, s->set1_layout, NULL);
   vkDestroyDescriptorSetLayout(d, s->set0_layout, NULL);
   vkDestroyShaderModule(d, s->types_module, NULL);
   for (uint32_t i = 0; i < IMAGE_COUNT; i++) {
      vkDestroyImageView(d, s->images[i].view, NULL);
      vkDestroyImage(d, s->images[i].image, NULL);
      vkFreeMemory(d, s->images[i].memory, NULL);
   }
   for (uint32_t i = 0; i < SAMPLER_COUNT; i++)
      vkDestroySampler(d, s->samplers[i], NULL);
   for (uint32_t i = 0; i < VIEW_COUNT; i++)
      vkDestroyBufferView(d, s->views[i], NULL);
   it_host_buffer_destroy(d, &s->out);
   for (uint32_t i = 0; i < DATA_BUFFER_COUNT; i++)
      it_host_buffer_destroy(d, &s->data[i]);
   vkDestroyCommandPool(d, s->command_pool, NULL);
   vkDestroyDevice(d, NULL);
   const char *label = s->label;
   memset(s, 0, sizeof(*s));
   s->label = label;
}

static bool
setup(void)
{
   bool ok = false;
   watchdog_arm("setup");
   sides[VENDOR].label = "vendor";
   sides[KRONOS].label = "kronos";
   CHECK_VK(it_counting_instance_create("kronos-integration-descriptors", false, &instance));
   CHECK_VK(it_find_both_devices(instance, &sides[KRONOS].physical, &sides[VENDOR].physical));
   side_probe(&sides[VENDOR]);
   side_probe(&sides[KRONOS]);
   printf("  inline uniform blocks: vendor %s, kronos %s; VK_KHR_push_descriptor: vendor %s, "
          "kronos %s\n", sides[VENDOR].inline_block ? "yes" : "no",
          sides[KRONOS].inline_block ? "yes" : "no", sides[VENDOR].push ? "yes" : "no",
          sides[KRONOS].push ? "yes" : "no");
   /* What both have is used on both, so that their results compare. */
   const bool inline_block = sides[VENDOR].inline_block && sides[KRONOS].inline_block;
   const bool push = sides[VENDOR].push && sides[KRONOS].push;
   for (int i = 0; i < SIDE_COUNT; i++) {
      sides[i].inline_block = inline_block;
      sides[i].push = push;
   }
   if (!inline_block)
      printf("  inline uniform blocks not on both: binding 2 of set 1 is a uniform buffer\n");
   for (int i = 0; i < SIDE_COUNT; i++)
      CHECK_VK(side_open(&sides[i]));
   ok = true;
done:
   watchdog_arm(NULL);
   return ok;
}

/* Closes both devices (the validation layer checks what is left), then counts its errors. */
static bool
teardown_and_validation(void)
{
   for (int i = 0; i < SIDE_COUNT; i++)
      side_close(&sides[i]);
   return it_validation_report();
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"find the vendor's device and Kronos's, open both", setup, true},
      {"sets_written", sets_written, false},
      {"copies", copies, false},
      {"templates_and_push", templates_and_push, false},
      {"pool_exhaustion", pool_exhaustion, false},
      {"free_reset_reuse", free_reset_reuse, false},
      {"two_threads", two_threads, false},
      {"pending_submits", pending_submits, false},
      {"buffer_handle_reuse", buffer_handle_reuse, false},
      {"close both devices: no validation errors", teardown_and_validation, false},
   };
   int status = IT_RUN_TESTS(tests);
   for (int i = 0; i < SIDE_COUNT; i++)
      side_close(&sides[i]);
   it_counting_instance_destroy(instance);
   if (it_validation_errors() != 0 && status == 0) {
      fprintf(stderr, "validation errors after the devices were closed\n");
      status = 1;
   }
   return status;
}
