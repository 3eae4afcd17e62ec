/* SPDX-License-Identifier: MIT */
/* The barrier policy's knowledge of buffers, shader modules and compute pipelines
 * (kr_barrier_objects.h), with the commands that make and destroy them. */
#include "kr_barrier_objects.h"

#include <string.h>

#include "kr_alloc.h"
#include "kr_entrypoints.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_settings.h"
#include "kr_spirv_reflect.h"
#include "kr_util.h"

struct shader_code {
   size_t size;
   uint32_t words[];
};

VkResult
kr_barrier_objects_init(struct kr_device *device)
{
   struct kr_barrier_objects *o = &device->barrier_objects;
   o->enabled = kr_optimization_enabled(KR_OPT_BARRIER);
   o->whole_buffers =
      kr_features_test(&device->enabled_features, KR_FEATURE_robustBufferAccess) &&
      !kr_features_test(&device->enabled_features, KR_FEATURE_Robustness2EXT_robustBufferAccess2);
   atomic_init(&o->buffers_destroyed, 0);
   if (pthread_rwlock_init(&o->lock, NULL) != 0)
      return VK_ERROR_OUT_OF_HOST_MEMORY;
   kr_handle_map_init(&o->buffers, device->alloc);
   kr_handle_map_init(&o->modules, device->alloc);
   kr_handle_map_init(&o->pipelines, device->alloc);
   return VK_SUCCESS;
}

static void
free_values(struct kr_handle_map *map, const VkAllocationCallbacks *alloc, bool pipelines)
{
   for (uint32_t i = 0; i < map->capacity; i++) {
      if (!map->slots[i].key)
         continue;
      if (pipelines)
         kr_pipeline_accesses_unref(map->slots[i].value);
      else
         kr_free(alloc, map->slots[i].value);
   }
   kr_handle_map_finish(map);
}

void
kr_barrier_objects_finish(struct kr_device *device)
{
   struct kr_barrier_objects *o = &device->barrier_objects;
   free_values(&o->buffers, device->alloc, false);
   free_values(&o->modules, device->alloc, false);
   free_values(&o->pipelines, device->alloc, true);
   pthread_rwlock_destroy(&o->lock);
}

/* Puts value under key, freeing what it replaces; frees value when out of memory. */
static void
put(struct kr_device *device, struct kr_handle_map *map, uint64_t key, void *value,
    const char *what)
{
   struct kr_barrier_objects *o = &device->barrier_objects;
   pthread_rwlock_wrlock(&o->lock);
   void *old = kr_handle_map_take(map, key);
   bool ok = kr_handle_map_put(map, key, value);
   pthread_rwlock_unlock(&o->lock);
   if (map == &o->pipelines)
      kr_pipeline_accesses_unref(old);
   else
      kr_free(device->alloc, old);
   if (!ok) {
      kr_warn("%s: out of host memory; the barrier policy treats it as touching everything",
              what);
      if (map == &o->pipelines)
         kr_pipeline_accesses_unref(value);
      else
         kr_free(device->alloc, value);
   }
}

static void *
take(struct kr_device *device, struct kr_handle_map *map, uint64_t key)
{
   struct kr_barrier_objects *o = &device->barrier_objects;
   pthread_rwlock_wrlock(&o->lock);
   void *value = kr_handle_map_take(map, key);
   pthread_rwlock_unlock(&o->lock);
   return value;
}

void
kr_barrier_buffer_created(struct kr_device *device, VkBuffer buffer,
                          const VkBufferCreateInfo *info)
{
   if (!device->barrier_objects.enabled)
      return;
   struct kr_buffer_binding *b = kr_alloc(device->alloc, sizeof(*b), 8,
                                          VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!b) {
      kr_warn("vkCreateBuffer: out of host memory; the barrier policy treats the buffer as "
              "touching everything");
      return;
   }
   *b = (struct kr_buffer_binding){
      .size = info->size,
      .sparse = (info->flags & VK_BUFFER_CREATE_SPARSE_BINDING_BIT) != 0,
   };
   put(device, &device->barrier_objects.buffers, (uint64_t)buffer, b, "vkCreateBuffer");
}

void
kr_barrier_buffer_bound(struct kr_device *device, VkBuffer buffer, VkDeviceMemory vendor,
                        VkDeviceSize offset)
{
   struct kr_barrier_objects *o = &device->barrier_objects;
   if (!o->enabled)
      return;
   pthread_rwlock_wrlock(&o->lock);
   struct kr_buffer_binding *b = kr_handle_map_get(&o->buffers, (uint64_t)buffer);
   if (b) {
      b->memory = (uint64_t)vendor;
      b->offset = offset;
   }
   pthread_rwlock_unlock(&o->lock);
}

void
kr_barrier_buffer_destroyed(struct kr_device *device, VkBuffer buffer)
{
   if (!device->barrier_objects.enabled || !buffer)
      return;
   kr_free(device->alloc, take(device, &device->barrier_objects.buffers, (uint64_t)buffer));
   atomic_fetch_add_explicit(&device->barrier_objects.buffers_destroyed, 1, memory_order_relaxed);
}

bool
kr_barrier_buffer_lookup(struct kr_device *device, VkBuffer buffer, struct kr_buffer_binding *out)
{
   struct kr_barrier_objects *o = &device->barrier_objects;
   pthread_rwlock_rdlock(&o->lock);
   const struct kr_buffer_binding *b = kr_handle_map_get(&o->buffers, (uint64_t)buffer);
   if (b)
      *out = *b;
   pthread_rwlock_unlock(&o->lock);
   return b && b->memory && !b->sparse;
}

VKAPI_ATTR VkResult VKAPI_CALL
kr_CreateShaderModule(VkDevice _device, const VkShaderModuleCreateInfo *pCreateInfo,
                      const VkAllocationCallbacks *pAllocator, VkShaderModule *pShaderModule)
{
   struct kr_device *device = kr_device_from_handle(_device);
   VkResult result = device->disp.CreateShaderModule(device->handle, pCreateInfo, pAllocator,
                                                     pShaderModule);
   if (result == VK_SUCCESS)
      kr_profile_module_created(device, *pShaderModule, pCreateInfo);
   if (result != VK_SUCCESS || !device->barrier_objects.enabled)
      return result;
   /* The code is kept until the module is destroyed: pipelines are reflected when created. */
   struct shader_code *code = kr_alloc(device->alloc, sizeof(*code) + pCreateInfo->codeSize, 8,
                                       VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!code) {
      kr_warn("vkCreateShaderModule: out of host memory keeping its code; the barrier policy "
              "treats its pipelines as touching everything");
      return result;
   }
   code->size = pCreateInfo->codeSize;
   memcpy(code->words, pCreateInfo->pCode, pCreateInfo->codeSize);
   put(device, &device->barrier_objects.modules, (uint64_t)*pShaderModule, code,
       "vkCreateShaderModule");
   return result;
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyShaderModule(VkDevice _device, VkShaderModule shaderModule,
                       const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   kr_profile_module_destroyed(device, shaderModule);
   if (device->barrier_objects.enabled && shaderModule)
      kr_free(device->alloc,
              take(device, &device->barrier_objects.modules, (uint64_t)shaderModule));
   device->disp.DestroyShaderModule(device->handle, shaderModule, pAllocator);
}

VKAPI_ATTR void VKAPI_CALL
kr_DestroyPipeline(VkDevice _device, VkPipeline pipeline, const VkAllocationCallbacks *pAllocator)
{
   struct kr_device *device = kr_device_from_handle(_device);
   kr_profile_pipeline_destroyed(device, pipeline);
   if (device->barrier_objects.enabled && pipeline)
      kr_pipeline_accesses_unref(
         take(device, &device->barrier_objects.pipelines, (uint64_t)pipeline));
   device->disp.DestroyPipeline(device->handle, pipeline, pAllocator);
}

void
kr_pipeline_accesses_unref(struct kr_pipeline_accesses *accesses)
{
   if (accesses && atomic_fetch_sub(&accesses->refs, 1) == 1)
      kr_free(accesses->alloc, accesses);
}

uint64_t
kr_barrier_serial(void)
{
   static _Atomic uint64_t next = 1;
   return atomic_fetch_add_explicit(&next, 1, memory_order_relaxed);
}

static struct kr_pipeline_accesses *
unknown_accesses(struct kr_device *device, const char *why)
{
   struct kr_pipeline_accesses *a = kr_zalloc(device->alloc, sizeof(*a), 8,
                                              VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (a) {
      atomic_init(&a->refs, 1);
      a->alloc = device->alloc;
      a->unknown_memory = true;
      a->why = why;
      a->serial = kr_barrier_serial();
   }
   return a;
}

/* The SPIR-V of a stage: its module's kept code, or a VkShaderModuleCreateInfo in its chain
 * (maintenance5). The module's code is copied out under the lock. */
static struct shader_code *
stage_code(struct kr_device *device, const VkPipelineShaderStageCreateInfo *stage)
{
   const VkShaderModuleCreateInfo *inline_info =
      kr_chain_find(stage->pNext, VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
   const uint32_t *words = inline_info ? inline_info->pCode : NULL;
   size_t size = inline_info ? inline_info->codeSize : 0;
   struct kr_barrier_objects *o = &device->barrier_objects;
   pthread_rwlock_rdlock(&o->lock);
   const struct shader_code *kept =
      stage->module ? kr_handle_map_get(&o->modules, (uint64_t)stage->module) : NULL;
   if (kept) {
      words = kept->words;
      size = kept->size;
   }
   struct shader_code *copy = NULL;
   if (words && (copy = kr_alloc(device->alloc, sizeof(*copy) + size, 8,
                                 VK_SYSTEM_ALLOCATION_SCOPE_COMMAND))) {
      copy->size = size;
      memcpy(copy->words, words, size);
   }
   pthread_rwlock_unlock(&o->lock);
   return copy;
}

/* Whether a buffer behaviour of VK_EXT_pipeline_robustness lets out-of-bounds accesses reach
 * any byte of the buffer (robustBufferAccess), given the device's default. */
static bool
behaviour_whole_buffers(VkPipelineRobustnessBufferBehaviorEXT behaviour, bool device_default)
{
   switch (behaviour) {
   case VK_PIPELINE_ROBUSTNESS_BUFFER_BEHAVIOR_DEVICE_DEFAULT_EXT:
      return device_default;
   case VK_PIPELINE_ROBUSTNESS_BUFFER_BEHAVIOR_ROBUST_BUFFER_ACCESS_EXT:
      return true;
   case VK_PIPELINE_ROBUSTNESS_BUFFER_BEHAVIOR_DISABLED_EXT:
   case VK_PIPELINE_ROBUSTNESS_BUFFER_BEHAVIOR_ROBUST_BUFFER_ACCESS_2_EXT:
      return false;
   default:
      return true; /* not known: the wider answer */
   }
}

static bool
robustness_whole_buffers(const VkPipelineRobustnessCreateInfoEXT *robustness,
                         bool device_default)
{
   if (!robustness)
      return device_default;
   return behaviour_whole_buffers(robustness->storageBuffers, device_default) ||
          behaviour_whole_buffers(robustness->uniformBuffers, device_default);
}

/* Whether robustBufferAccess2 applies: bounds checks against rounded-up ranges. */
static bool
robustness_pads(const VkPipelineRobustnessCreateInfoEXT *robustness, bool device_default)
{
   if (!robustness)
      return device_default;
   const VkPipelineRobustnessBufferBehaviorEXT two =
      VK_PIPELINE_ROBUSTNESS_BUFFER_BEHAVIOR_ROBUST_BUFFER_ACCESS_2_EXT;
   const VkPipelineRobustnessBufferBehaviorEXT device =
      VK_PIPELINE_ROBUSTNESS_BUFFER_BEHAVIOR_DEVICE_DEFAULT_EXT;
   return robustness->storageBuffers == two || robustness->uniformBuffers == two ||
          (device_default &&
           (robustness->storageBuffers == device || robustness->uniformBuffers == device));
}

/* The stage's robustness and the pipeline's (each defaulting to the device's): the wider. */
static bool
pipeline_whole_buffers(struct kr_device *device, const VkComputePipelineCreateInfo *info)
{
   const VkStructureType type = VK_STRUCTURE_TYPE_PIPELINE_ROBUSTNESS_CREATE_INFO_EXT;
   bool device_default = device->barrier_objects.whole_buffers;
   return robustness_whole_buffers(kr_chain_find(info->stage.pNext, type), device_default) ||
          robustness_whole_buffers(kr_chain_find(info->pNext, type), device_default);
}

static bool
pipeline_pads_ranges(struct kr_device *device, const VkComputePipelineCreateInfo *info)
{
   const VkStructureType type = VK_STRUCTURE_TYPE_PIPELINE_ROBUSTNESS_CREATE_INFO_EXT;
   bool device_default =
      kr_features_test(&device->enabled_features, KR_FEATURE_Robustness2EXT_robustBufferAccess2);
   return robustness_pads(kr_chain_find(info->stage.pNext, type), device_default) ||
          robustness_pads(kr_chain_find(info->pNext, type), device_default);
}

static struct kr_pipeline_accesses *
reflect_pipeline(struct kr_device *device, const VkComputePipelineCreateInfo *info)
{
   struct shader_code *code = stage_code(device, &info->stage);
   if (!code)
      return unknown_accesses(device, "its SPIR-V is not known");
   struct kr_spirv_reflection r;
   kr_spirv_reflect(code->words, code->size, info->stage.pName, info->stage.stage, device->alloc,
                    &r);
   kr_free(device->alloc, code);
   struct kr_pipeline_accesses *a = NULL;
   if (r.unknown_memory) {
      a = unknown_accesses(device, r.why);
   } else {
      a = kr_zalloc(device->alloc, sizeof(*a) + r.resource_count * sizeof(a->resources[0]), 8,
                    VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
      if (a) {
         atomic_init(&a->refs, 1);
         a->alloc = device->alloc;
         for (uint32_t i = 0; i < r.resource_count; i++) {
            const struct kr_spirv_resource *res = &r.resources[i];
            if (!res->read && !res->written)
               continue;
            a->resources[a->count++] = (struct kr_pipeline_access_resource){
               res->set, res->binding, res->read, res->written};
            if (res->set < 32)
               a->set_mask |= 1u << res->set;
            else
               a->sets_beyond = true;
         }
         a->serial = kr_barrier_serial();
      }
   }
   kr_spirv_reflection_finish(&r, device->alloc);
   if (a) {
      a->whole_buffers = pipeline_whole_buffers(device, info);
      a->pad_ranges = pipeline_pads_ranges(device, info);
   }
   return a;
}

void
kr_barrier_pipelines_created(struct kr_device *device, uint32_t count,
                             const VkComputePipelineCreateInfo *infos, const VkPipeline *pipelines)
{
   if (!device->barrier_objects.enabled)
      return;
   for (uint32_t i = 0; i < count; i++) {
      if (!pipelines[i])
         continue;
      struct kr_pipeline_accesses *a = reflect_pipeline(device, &infos[i]);
      if (!a) {
         kr_warn("vkCreateComputePipelines: out of host memory reflecting the shader; the "
                 "barrier policy treats the pipeline as touching everything");
         continue;
      }
      if (a->unknown_memory)
         kr_info("barrier policy: a compute pipeline may touch any memory (%s): barriers around "
                 "its dispatches are kept", a->why);
      put(device, &device->barrier_objects.pipelines, (uint64_t)pipelines[i], a,
          "vkCreateComputePipelines");
   }
}

struct kr_pipeline_accesses *
kr_barrier_pipeline_lookup(struct kr_device *device, VkPipeline pipeline)
{
   struct kr_barrier_objects *o = &device->barrier_objects;
   pthread_rwlock_rdlock(&o->lock);
   struct kr_pipeline_accesses *a = kr_handle_map_get(&o->pipelines, (uint64_t)pipeline);
   if (a)
      atomic_fetch_add(&a->refs, 1);
   pthread_rwlock_unlock(&o->lock);
   return a;
}
