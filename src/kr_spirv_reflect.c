/* SPDX-License-Identifier: MIT */
/* SPIR-V reflection (kr_spirv_reflect.h): the header, step 1 (prescan), the tables, and the
 * answer. How it works: kr_spirv_internal.h. */
#include <stdlib.h>
#include <string.h>

#include "kr_alloc.h"
#include "kr_spirv_internal.h"

const char KR_SPIRV_WHY_MALFORMED[] = "malformed SPIR-V";
const char KR_SPIRV_WHY_NO_ENTRY_POINT[] = "no such entry point";
const char KR_SPIRV_WHY_OUT_OF_MEMORY[] = "out of host memory";

static uint32_t
execution_model(VkShaderStageFlagBits stage)
{
   switch (stage) {
   case VK_SHADER_STAGE_COMPUTE_BIT:
      return SpvExecutionModelGLCompute;
   case VK_SHADER_STAGE_VERTEX_BIT:
      return SpvExecutionModelVertex;
   case VK_SHADER_STAGE_TESSELLATION_CONTROL_BIT:
      return SpvExecutionModelTessellationControl;
   case VK_SHADER_STAGE_TESSELLATION_EVALUATION_BIT:
      return SpvExecutionModelTessellationEvaluation;
   case VK_SHADER_STAGE_GEOMETRY_BIT:
      return SpvExecutionModelGeometry;
   case VK_SHADER_STAGE_FRAGMENT_BIT:
      return SpvExecutionModelFragment;
   case VK_SHADER_STAGE_TASK_BIT_EXT:
      return SpvExecutionModelTaskEXT;
   case VK_SHADER_STAGE_MESH_BIT_EXT:
      return SpvExecutionModelMeshEXT;
   default:
      return UINT32_MAX; /* matches no entry point */
   }
}

/* false when there is nothing more to read (malformed, or a limit: unknown_memory). */
static bool
header(struct kr_spirv_reflector *r, const uint32_t *code, size_t size_bytes)
{
   if (!code || size_bytes % 4 != 0 || size_bytes < 5 * 4) {
      set_malformed(r, 0);
      return false;
   }
   if (size_bytes / 4 > KR_SPIRV_MAX_WORDS) {
      set_unknown(r, why_too_large, 0);
      return false;
   }
   r->code = code;
   r->words = (uint32_t)(size_bytes / 4);
   if (code[0] != SpvMagicNumber) {
      set_malformed(r, 0);
      return false;
   }
   /* 0x00MMmm00: major 1, minor 0 to 6. */
   r->version = code[1];
   if ((r->version & 0xff0000ffu) != 0 || r->version < 0x00010000 || r->version > 0x00010600) {
      set_unknown(r, why_version, r->version);
      return false;
   }
   r->bound = code[3];
   if (r->bound == 0) {
      set_malformed(r, 3);
      return false;
   }
   /* A module defines at most one id per two words; compilers write tight bounds. Without this
    * a tiny module could ask for a huge id table. */
   if (r->bound > r->words) {
      set_unknown(r, why_bound, r->bound);
      return false;
   }
   return true;
}

/* Step 1: every instruction's word count, and the table sizes. */
static void
prescan(struct kr_spirv_reflector *r)
{
   uint32_t pos = 5;
   struct kr_spirv_insn in;
   while (next_insn(r, &pos, r->words, &in)) {
      if (in.op == SpvOpFunction)
         r->func_capacity++;
      else if (in.op == SpvOpFunctionParameter)
         r->param_capacity++;
      else if (in.op == SpvOpVariable && in.count >= 4 &&
               class_kind(in.w[3]) == CLASS_DESCRIPTOR)
         r->res_capacity++;
   }
}

static void *
scratch(struct kr_spirv_reflector *r, size_t count, size_t size)
{
   void *p = kr_zalloc(r->alloc, (count ? count : 1) * size, 8, VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!p)
      r->out_of_memory = true;
   return p;
}

static bool
allocate_tables(struct kr_spirv_reflector *r)
{
   r->ids = scratch(r, r->bound, sizeof(*r->ids));
   r->funcs = scratch(r, r->func_capacity, sizeof(*r->funcs));
   r->params = scratch(r, r->param_capacity, sizeof(*r->params));
   r->res = scratch(r, r->res_capacity, sizeof(*r->res));
   r->order = scratch(r, r->func_capacity, sizeof(*r->order));
   r->stack = scratch(r, r->func_capacity, sizeof(*r->stack));
   return !r->out_of_memory;
}

static void
free_tables(struct kr_spirv_reflector *r)
{
   kr_free(r->alloc, r->ids);
   kr_free(r->alloc, r->funcs);
   kr_free(r->alloc, r->params);
   kr_free(r->alloc, r->res);
   kr_free(r->alloc, r->order);
   kr_free(r->alloc, r->stack);
}

static int
compare_resources(const void *a, const void *b)
{
   const struct kr_spirv_resource *x = a, *y = b;
   if (x->set != y->set)
      return x->set < y->set ? -1 : 1;
   if (x->binding != y->binding)
      return x->binding < y->binding ? -1 : 1;
   return 0;
}

static struct kr_spirv_resource
public_resource(const struct kr_spirv_variable *res)
{
   bool always_read = res->kind == KR_SPIRV_DESCRIPTOR_SAMPLER ||
                      res->kind == KR_SPIRV_DESCRIPTOR_ACCELERATION_STRUCTURE;
   return (struct kr_spirv_resource){
      .set = res->set,
      .binding = res->binding,
      .kind = res->kind,
      .array_size = res->array_size,
      .read = (res->access & ACCESS_READ) || (always_read && res->used),
      .written = res->access & ACCESS_WRITE,
      .atomic = res->access & ACCESS_ATOMIC,
      .decorated_non_writable = res->non_writable,
      .decorated_non_readable = res->non_readable,
   };
}

/* Variables sharing a binding become one entry: what either does, what both promise. */
static void
merge_resource(struct kr_spirv_resource *into, const struct kr_spirv_resource *from)
{
   if (into->kind != from->kind)
      into->kind = KR_SPIRV_DESCRIPTOR_UNKNOWN;
   if (into->array_size != from->array_size)
      into->array_size = 0;
   into->read |= from->read;
   into->written |= from->written;
   into->atomic |= from->atomic;
   into->decorated_non_writable &= from->decorated_non_writable;
   into->decorated_non_readable &= from->decorated_non_readable;
}

static bool
build_answer(struct kr_spirv_reflector *r, struct kr_spirv_reflection *out)
{
   uint32_t count = 0;
   for (uint32_t i = 0; i < r->res_count; i++)
      count += r->res[i].used || r->res[i].in_interface;
   if (count == 0)
      return true;
   struct kr_spirv_resource *list =
      kr_alloc(r->alloc, count * sizeof(*list), 8, VK_SYSTEM_ALLOCATION_SCOPE_OBJECT);
   if (!list) {
      r->out_of_memory = true;
      return false;
   }
   uint32_t n = 0;
   for (uint32_t i = 0; i < r->res_count; i++) {
      if (r->res[i].used || r->res[i].in_interface)
         list[n++] = public_resource(&r->res[i]);
   }
   qsort(list, n, sizeof(*list), compare_resources);
   uint32_t unique = 0;
   for (uint32_t i = 0; i < n; i++) {
      if (unique > 0 && compare_resources(&list[unique - 1], &list[i]) == 0)
         merge_resource(&list[unique - 1], &list[i]);
      else
         list[unique++] = list[i];
   }
   for (uint32_t i = 0; i < unique && r->why; i++) {
      list[i].read = true;
      list[i].written = true;
   }
   out->resources = list;
   out->resource_count = unique;
   return true;
}

/* The answer when there is no better one: no resources, unknown memory. */
static void
conservative(struct kr_spirv_reflection *out, const VkAllocationCallbacks *alloc,
             const char *why, uint32_t value)
{
   uint32_t version = out->version;
   kr_spirv_reflection_finish(out, alloc);
   out->version = version;
   out->unknown_memory = true;
   out->why = why;
   out->why_value = value;
}

enum kr_spirv_reflect_result
kr_spirv_reflect(const uint32_t *code, size_t size_bytes, const char *entry_point,
                 VkShaderStageFlagBits stage, const VkAllocationCallbacks *alloc,
                 struct kr_spirv_reflection *out)
{
   struct kr_spirv_reflector r = {
      .alloc = alloc,
      .model = execution_model(stage),
      .name = entry_point,
   };
   enum kr_spirv_reflect_result result = KR_SPIRV_REFLECT_OK;
   memset(out, 0, sizeof(*out));

   if (!header(&r, code, size_bytes))
      goto answer;
   out->version = r.version;
   prescan(&r);
   if (r.malformed || !allocate_tables(&r))
      goto answer;
   kr_spirv_module_pass(&r);
   if (!r.malformed && !kr_spirv_analyse_entry_point(&r))
      result = KR_SPIRV_REFLECT_NO_ENTRY_POINT;
   if (!r.malformed && result == KR_SPIRV_REFLECT_OK && build_answer(&r, out)) {
      out->push_constants = r.push_constants;
      out->unknown_memory = r.why != NULL;
      out->why = r.why;
      out->why_value = r.why_value;
   }

answer:
   free_tables(&r);
   if (r.out_of_memory) {
      conservative(out, alloc, KR_SPIRV_WHY_OUT_OF_MEMORY, 0);
      return KR_SPIRV_REFLECT_OUT_OF_MEMORY;
   }
   if (r.malformed) {
      conservative(out, alloc, KR_SPIRV_WHY_MALFORMED, r.malformed_at);
      return KR_SPIRV_REFLECT_OK;
   }
   if (result == KR_SPIRV_REFLECT_NO_ENTRY_POINT) {
      conservative(out, alloc, KR_SPIRV_WHY_NO_ENTRY_POINT, 0);
      return result;
   }
   if (r.why && !out->unknown_memory) /* stopped at the header: a limit or the version */
      conservative(out, alloc, r.why, r.why_value);
   return result;
}

const struct kr_spirv_resource *
kr_spirv_reflection_find(const struct kr_spirv_reflection *r, uint32_t set, uint32_t binding)
{
   for (uint32_t i = 0; i < r->resource_count; i++) {
      if (r->resources[i].set == set && r->resources[i].binding == binding)
         return &r->resources[i];
   }
   return NULL;
}

void
kr_spirv_reflection_finish(struct kr_spirv_reflection *r, const VkAllocationCallbacks *alloc)
{
   kr_free(alloc, r->resources);
   memset(r, 0, sizeof(*r));
}
