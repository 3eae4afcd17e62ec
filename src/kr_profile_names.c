/* SPDX-License-Identifier: MIT */
/* What a dispatch is called in a profile (kr_profile.h): its pipeline's debug-utils name when the
 * program gave one, else "<entry point>#<8 hex digits of a hash of the shader's SPIR-V>". Shader
 * modules leave their hash behind (the code itself may be gone when pipelines are made from
 * it); names are interned by the profiler and live as long as the device. */
#include <stdio.h>
#include <string.h>

#include "kr_alloc.h"
#include "kr_log.h"
#include "kr_objects.h"
#include "kr_profile_internal.h"
#include "kr_util.h"

/* FNV-1a over the code's bytes: a name, not a security boundary. */
static uint64_t
spirv_hash(const void *code, size_t size)
{
   const uint8_t *bytes = code;
   uint64_t h = 0xcbf29ce484222325ull;
   for (size_t i = 0; i < size; i++) {
      h ^= bytes[i];
      h *= 0x100000001b3ull;
   }
   return h;
}

/* Stored as a map value, never NULL (the map's "absent"). */
#define HASH_VALUE(h) ((void *)(uintptr_t)((h) | 1))

void
kr_profile_module_created(struct kr_device *device, VkShaderModule module,
                          const VkShaderModuleCreateInfo *info)
{
   struct kr_profile *profile = device->profile;
   if (!profile)
      return;
   uint64_t h = spirv_hash(info->pCode, info->codeSize);
   pthread_mutex_lock(&profile->lock);
   if (!kr_handle_map_put(&profile->modules, (uint64_t)(uintptr_t)module, HASH_VALUE(h)))
      kr_warn("profiler: out of host memory keeping a shader module's hash: its pipelines' "
              "dispatches are named without it");
   pthread_mutex_unlock(&profile->lock);
}

void
kr_profile_module_destroyed(struct kr_device *device, VkShaderModule module)
{
   struct kr_profile *profile = device->profile;
   if (!profile || !module)
      return;
   pthread_mutex_lock(&profile->lock);
   kr_handle_map_take(&profile->modules, (uint64_t)(uintptr_t)module);
   pthread_mutex_unlock(&profile->lock);
}

void
kr_profile_pipelines_created(struct kr_device *device, uint32_t count,
                             const VkComputePipelineCreateInfo *infos, const VkPipeline *pipelines)
{
   struct kr_profile *profile = device->profile;
   if (!profile)
      return;
   pthread_mutex_lock(&profile->lock);
   for (uint32_t i = 0; i < count; i++) {
      if (!pipelines[i])
         continue;
      const VkPipelineShaderStageCreateInfo *stage = &infos[i].stage;
      /* The module, or its create info chained to the stage (maintenance5). */
      uint64_t h = 0;
      const VkShaderModuleCreateInfo *inline_code =
         kr_chain_find(stage->pNext, VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
      if (stage->module)
         h = (uint64_t)(uintptr_t)kr_handle_map_get(&profile->modules,
                                                    (uint64_t)(uintptr_t)stage->module);
      else if (inline_code)
         h = spirv_hash(inline_code->pCode, inline_code->codeSize);
      char name[256];
      snprintf(name, sizeof(name), "%s#%08x", stage->pName ? stage->pName : "main",
               (uint32_t)(h >> 32));
      struct kr_profile_pipeline *p = kr_zalloc(profile->alloc, sizeof(*p), 8,
                                                VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
      if (p)
         p->auto_name = kr_profile_intern_locked(profile, name);
      if (!p || !p->auto_name ||
          !kr_handle_map_put(&profile->pipelines, (uint64_t)(uintptr_t)pipelines[i], p)) {
         kr_free(profile->alloc, p);
         kr_warn("profiler: out of host memory naming a pipeline: its dispatches are unnamed");
      }
   }
   pthread_mutex_unlock(&profile->lock);
}

void
kr_profile_pipeline_destroyed(struct kr_device *device, VkPipeline pipeline)
{
   struct kr_profile *profile = device->profile;
   if (!profile || !pipeline)
      return;
   pthread_mutex_lock(&profile->lock);
   kr_free(profile->alloc, kr_handle_map_take(&profile->pipelines, (uint64_t)(uintptr_t)pipeline));
   pthread_mutex_unlock(&profile->lock);
}

void
kr_profile_object_named(struct kr_device *device, VkObjectType type, uint64_t handle,
                        const char *name)
{
   struct kr_profile *profile = device->profile;
   if (!profile || type != VK_OBJECT_TYPE_PIPELINE)
      return;
   pthread_mutex_lock(&profile->lock);
   struct kr_profile_pipeline *p = kr_handle_map_get(&profile->pipelines, handle);
   if (p) {
      /* Command buffers that bound it already keep the name they saw. */
      p->debug_name = name && *name ? kr_profile_intern_locked(profile, name) : NULL;
      if (name && *name && !p->debug_name)
         kr_warn("profiler: out of host memory keeping a pipeline's name");
   }
   pthread_mutex_unlock(&profile->lock);
}
