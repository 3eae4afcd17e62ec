/* SPDX-License-Identifier: MIT */
/* The SPIR-V reflector's analysis (steps 3 and 4, kr_spirv_internal.h): the entry point's call
 * tree, callees first, then every access of each function charged to the origin of the pointer
 * or image it goes through. */
#include <spirv/unified1/GLSL.std.450.h>

#include "kr_spirv_internal.h"

static const char *const reason_text[REASON_COUNT] = {
   [REASON_PHI_SELECT] = "pointer or image chosen by OpPhi or OpSelect (variable pointers)",
   [REASON_FROM_INTEGER] = "pointer made from an integer (OpBitcast, OpConvertUToPtr)",
   [REASON_LOADED] = "pointer loaded from memory",
   [REASON_RETURNED] = "pointer or image returned by a function",
   [REASON_NULL] = "null or undefined pointer or image",
   [REASON_NOT_FOLLOWED] = "pointer or image made by an instruction the reflector does not follow",
   [REASON_NO_BINDING] = "descriptor variable without DescriptorSet and Binding",
   [REASON_NOT_DESCRIPTOR] = "UniformConstant variable of no descriptor type",
};

/* The next OpFunctionCall in f from where the walk left it; false at its end. */
static bool
next_call(struct kr_spirv_reflector *r, struct kr_spirv_function *f, uint32_t *callee)
{
   struct kr_spirv_insn in;
   while (next_insn(r, &f->dfs_pos, f->end, &in)) {
      if (in.op != SpvOpFunctionCall)
         continue;
      if (!need(r, &in, 4))
         return false;
      *callee = in.w[3];
      return true;
   }
   return false;
}
/* The function a call or the entry point names; NULL and malformed if id is none. */
static struct kr_spirv_function *
function_named(struct kr_spirv_reflector *r, uint32_t id, uint32_t at)
{
   if (id >= r->bound || r->ids[id].op != SpvOpFunction) {
      set_malformed(r, at);
      return NULL;
   }
   return &r->funcs[r->ids[id].a];
}
/* Depth first from the entry point: r->order gets its call tree, callees first. false when the
 * analysis cannot go on (recursion, malformed). */
static bool
order_functions(struct kr_spirv_reflector *r, struct kr_spirv_function *entry)
{
   uint32_t depth = 0;
   entry->dfs_state = 1;
   entry->dfs_pos = entry->begin;
   r->stack[depth++] = (uint32_t)(entry - r->funcs);
   while (depth > 0) {
      struct kr_spirv_function *f = &r->funcs[r->stack[depth - 1]];
      uint32_t callee_id;
      if (!next_call(r, f, &callee_id)) {
         if (r->malformed)
            return false;
         f->dfs_state = 2;
         r->order[r->order_count++] = r->stack[--depth];
         continue;
      }
      struct kr_spirv_function *g = function_named(r, callee_id, f->dfs_pos);
      if (!g)
         return false;
      if (!g->has_body) {
         set_unknown(r, why_no_body, callee_id);
         continue;
      }
      if (g->dfs_state == 1) {
         set_unknown(r, why_recursion, callee_id);
         return false;
      }
      if (g->dfs_state == 0) {
         g->dfs_state = 1;
         g->dfs_pos = g->begin;
         r->stack[depth++] = (uint32_t)(g - r->funcs);
      }
   }
   return true;
}
/* Defines a result; a pointer or image gets an unknown origin (reason), which the callers that
 * can follow it replace. */
static struct kr_spirv_id *
define_value(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint32_t id,
             uint32_t type, enum reason reason)
{
   struct kr_spirv_id *v = define(r, in, id, type);
   if (v && (is_pointer_type(r, type) || is_handle_type(r, type))) {
      v->origin = ORIGIN_UNKNOWN;
      v->b = reason;
   }
   return v;
}
static void
copy_origin(struct kr_spirv_id *to, const struct kr_spirv_id *from)
{
   to->origin = from->origin;
   to->b = from->b;
}
/* Charges an access to v's origin: a resource, a parameter of the function being analysed, or
 * unknown_memory. access 0 only records the use. */
static void
reach(struct kr_spirv_reflector *r, const struct kr_spirv_id *v, uint8_t access)
{
   switch (v->origin) {
   case ORIGIN_RESOURCE:
      r->res[v->b].used = true;
      r->res[v->b].access |= access;
      break;
   case ORIGIN_PARAM:
      r->params[r->funcs[r->current].first_param + v->b] |= access;
      break;
   case ORIGIN_UNKNOWN:
      if (access)
         set_unknown(r, reason_text[v->b], 0);
      break;
   default:
      if (v->origin == ORIGIN_PUSH)
         r->push_constants = true;
      /* Only descriptor-class pointers and images are accessed here (touch): one of another
       * origin is inconsistent (invalid SPIR-V), so its access is not followed. */
      if (access)
         set_unknown(r, reason_text[REASON_NOT_FOLLOWED], 0);
      break;
   }
}
/* An access (ACCESS_*; 0: a use only) through pointer or image operand id. */
static void
touch(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint32_t id, uint8_t access)
{
   const struct kr_spirv_id *v = value(r, in, id);
   if (!v)
      return;
   if (is_pointer_type(r, v->type)) {
      switch (class_kind(r->ids[v->type].a)) {
      case CLASS_LOCAL:
         return; /* memory no descriptor names */
      case CLASS_PUSH:
         r->push_constants = true;
         return;
      case CLASS_UNSUPPORTED:
         set_unknown(r, why_storage_class, r->ids[v->type].a);
         return;
      case CLASS_DESCRIPTOR:
         break;
      }
   } else if (!is_handle_type(r, v->type)) {
      set_malformed(r, in->at); /* no pointer, no image */
      return;
   }
   reach(r, v, access);
}
/* A result that points where operand `base` does: access chains (same storage class), copies,
 * OpImage. */
static void
derive(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint32_t base_word,
       bool pointer_only)
{
   if (!need(r, in, base_word + 1))
      return;
   const struct kr_spirv_id *base = value(r, in, in->w[base_word]);
   struct kr_spirv_id *v =
      base ? define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED) : NULL;
   if (!v)
      return;
   bool base_pointer = is_pointer_type(r, base->type);
   bool pointer = is_pointer_type(r, v->type);
   if (pointer_only && !base_pointer) {
      set_malformed(r, in->at);
      return;
   }
   if (pointer && base_pointer) {
      if (r->ids[v->type].a != r->ids[base->type].a) {
         set_malformed(r, in->at); /* storage classes are disjoint memory */
         return;
      }
      copy_origin(v, base);
   } else if (is_handle_type(r, v->type) && is_handle_type(r, base->type)) {
      copy_origin(v, base);
   }
   reach(r, base, 0);
}
static void
load(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (!need(r, in, 4))
      return;
   const struct kr_spirv_id *p = value(r, in, in->w[3]);
   struct kr_spirv_id *v = p ? define_value(r, in, in->w[2], in->w[1], REASON_LOADED) : NULL;
   if (!v)
      return;
   if (!is_pointer_type(r, p->type)) {
      set_malformed(r, in->at);
      return;
   }
   if (is_handle_type(r, v->type)) {
      /* Loading an image or sampler reads its descriptor, not its memory: the image
       * instructions that use it are the accesses. */
      touch(r, in, in->w[3], 0);
      copy_origin(v, p);
   } else {
      touch(r, in, in->w[3], ACCESS_READ);
   }
}
static void
store(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (!need(r, in, 3))
      return;
   touch(r, in, in->w[1], ACCESS_WRITE);
   const struct kr_spirv_id *v = value(r, in, in->w[2]);
   if (v && (is_pointer_type(r, v->type) || is_handle_type(r, v->type)))
      set_unknown(r, why_stored_pointer, 0);
}
static void
copy_memory(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (!need(r, in, 3))
      return;
   touch(r, in, in->w[1], ACCESS_WRITE);
   touch(r, in, in->w[2], ACCESS_READ);
}
/* Every atomic reads and writes (conservative for OpAtomicLoad/OpAtomicStore). */
static void
atomic(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, bool has_result)
{
   uint32_t pointer_word = has_result ? 3 : 1;
   if (!need(r, in, pointer_word + 1))
      return;
   if (has_result && !define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED))
      return;
   touch(r, in, in->w[pointer_word], ACCESS_READ | ACCESS_WRITE | ACCESS_ATOMIC);
}
/* OpImageTexelPointer: an Image pointer into the image its UniformConstant pointer names. */
static void
texel_pointer(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (!need(r, in, 6))
      return;
   const struct kr_spirv_id *image = value(r, in, in->w[3]);
   struct kr_spirv_id *v =
      image ? define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED) : NULL;
   if (!v)
      return;
   if (pointer_class(r, image->type) != SpvStorageClassUniformConstant ||
       pointer_class(r, v->type) != SpvStorageClassImage) {
      set_malformed(r, in->at);
      return;
   }
   copy_origin(v, image);
   reach(r, image, 0);
}
/* Sampling, fetching, gathering, reading (image operand at word 3) or writing (word 1). */
static void
image_access(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint8_t access)
{
   bool write = in->op == SpvOpImageWrite;
   if (!need(r, in, write ? 4 : 5))
      return;
   if (!write && !define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED))
      return;
   touch(r, in, in->w[write ? 1 : 3], access);
}
static void
sampled_image(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (!need(r, in, 5))
      return;
   const struct kr_spirv_id *image = value(r, in, in->w[3]);
   const struct kr_spirv_id *sampler = image ? value(r, in, in->w[4]) : NULL;
   struct kr_spirv_id *v = sampler ? define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED)
                             : NULL;
   if (!v)
      return;
   if (is_handle_type(r, image->type) && is_handle_type(r, v->type))
      copy_origin(v, image);
   reach(r, image, 0);
   reach(r, sampler, 0);
}
/* OpArrayLength, OpPtrEqual, OpPtrNotEqual, OpPtrDiff: pointers used, no memory accessed. */
static void
pointer_query(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint32_t first,
              uint32_t last)
{
   if (!need(r, in, last + 1) || !define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED))
      return;
   for (uint32_t i = first; i <= last; i++)
      touch(r, in, in->w[i], 0);
}
static void
call(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (!need(r, in, 4))
      return;
   const struct kr_spirv_function *g = function_named(r, in->w[3], in->at);
   if (!g)
      return;
   if (in->count - 4 != g->param_count) {
      set_malformed(r, in->at);
      return;
   }
   if (!g->has_body)
      set_unknown(r, why_no_body, in->w[3]);
   /* The callee is done (callees come first): charge what it does through each parameter to
    * the argument's origin. */
   for (uint32_t j = 0; j < g->param_count && !r->malformed; j++) {
      const struct kr_spirv_id *arg = value(r, in, in->w[4 + j]);
      uint8_t param = r->params[g->first_param + j];
      if (!arg)
         return;
      bool pointer = is_pointer_type(r, arg->type);
      if (!pointer && !is_handle_type(r, arg->type))
         continue;
      /* Descriptor memory or an image passed to a parameter that is neither (a type
       * mismatch, invalid SPIR-V) would escape the callee's summary. */
      if (!(param & PARAM_FOLLOWED) &&
          (!pointer || class_kind(r->ids[arg->type].a) == CLASS_DESCRIPTOR)) {
         set_malformed(r, in->at);
         return;
      }
      touch(r, in, in->w[4 + j], param & (ACCESS_READ | ACCESS_WRITE | ACCESS_ATOMIC));
   }
   define_value(r, in, in->w[2], in->w[1], REASON_RETURNED);
}
static void
function_parameter(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint32_t *index)
{
   const struct kr_spirv_function *f = &r->funcs[r->current];
   struct kr_spirv_id *v;
   if (!need(r, in, 3))
      return;
   if (*index >= f->param_count) {
      set_malformed(r, in->at);
      return;
   }
   if (!(v = define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED)))
      return;
   uint32_t k = (*index)++;
   if (is_handle_type(r, v->type) ||
       (is_pointer_type(r, v->type) && class_kind(r->ids[v->type].a) == CLASS_DESCRIPTOR)) {
      v->origin = ORIGIN_PARAM;
      v->b = k;
      r->params[f->first_param + k] |= PARAM_FOLLOWED;
   } else if (is_pointer_type(r, v->type) &&
              class_kind(r->ids[v->type].a) != CLASS_UNSUPPORTED) {
      v->origin = ORIGIN_LOCAL;
   }
}
static void
local_variable(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   struct kr_spirv_id *v;
   if (!need(r, in, 4))
      return;
   if (in->w[3] != SpvStorageClassFunction || pointer_class(r, in->w[1]) != in->w[3]) {
      set_malformed(r, in->at);
      return;
   }
   if ((v = define(r, in, in->w[2], in->w[1])))
      v->origin = ORIGIN_LOCAL;
}
static void
ext_inst(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (!need(r, in, 5))
      return;
   uint32_t set = in->w[3];
   if (set >= r->bound || r->ids[set].op != SpvOpExtInstImport) {
      set_malformed(r, in->at);
      return;
   }
   if (!define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED))
      return;
   switch (r->ids[set].a) {
   case EXT_GLSL:
      /* The only GLSL.std.450 instructions with pointer operands. */
      if ((in->w[4] == GLSLstd450Modf || in->w[4] == GLSLstd450Frexp) && need(r, in, 7))
         touch(r, in, in->w[6], ACCESS_WRITE);
      else if (in->w[4] >= GLSLstd450InterpolateAtCentroid &&
               in->w[4] <= GLSLstd450InterpolateAtOffset && need(r, in, 6))
         touch(r, in, in->w[5], ACCESS_READ);
      break;
   case EXT_NON_SEMANTIC: /* debug information and printf: values only */
      break;
   default:
      set_unknown(r, why_ext_inst, set);
      break;
   }
}
static void
result_of(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, enum reason reason)
{
   if (need(r, in, 3))
      define_value(r, in, in->w[2], in->w[1], reason);
}
static void
analyse_insn(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint32_t *param_index)
{
   switch (in->op) {
   case SpvOpFunctionParameter:
      function_parameter(r, in, param_index);
      break;
   case SpvOpLabel:
      if (need(r, in, 2))
         define(r, in, in->w[1], 0);
      break;
   case SpvOpVariable:
      local_variable(r, in);
      break;
   case SpvOpAccessChain:
   case SpvOpInBoundsAccessChain:
   case SpvOpPtrAccessChain:
   case SpvOpInBoundsPtrAccessChain:
      derive(r, in, 3, true);
      break;
   case SpvOpCopyObject:
   case SpvOpImage:
      derive(r, in, 3, false);
      break;
   case SpvOpLoad:
      load(r, in);
      break;
   case SpvOpStore:
      store(r, in);
      break;
   case SpvOpCopyMemory:
   case SpvOpCopyMemorySized:
      copy_memory(r, in);
      break;
   case SpvOpAtomicLoad:
   case SpvOpAtomicExchange:
   case SpvOpAtomicCompareExchange:
   case SpvOpAtomicCompareExchangeWeak:
   case SpvOpAtomicIIncrement:
   case SpvOpAtomicIDecrement:
   case SpvOpAtomicIAdd:
   case SpvOpAtomicISub:
   case SpvOpAtomicSMin:
   case SpvOpAtomicUMin:
   case SpvOpAtomicSMax:
   case SpvOpAtomicUMax:
   case SpvOpAtomicAnd:
   case SpvOpAtomicOr:
   case SpvOpAtomicXor:
   case SpvOpAtomicFlagTestAndSet:
   case SpvOpAtomicFMinEXT:
   case SpvOpAtomicFMaxEXT:
   case SpvOpAtomicFAddEXT:
      atomic(r, in, true);
      break;
   case SpvOpAtomicStore:
   case SpvOpAtomicFlagClear:
      atomic(r, in, false);
      break;
   case SpvOpImageTexelPointer:
      texel_pointer(r, in);
      break;
   case SpvOpSampledImage:
      sampled_image(r, in);
      break;
   case SpvOpImageSampleImplicitLod:
   case SpvOpImageSampleExplicitLod:
   case SpvOpImageSampleDrefImplicitLod:
   case SpvOpImageSampleDrefExplicitLod:
   case SpvOpImageSampleProjImplicitLod:
   case SpvOpImageSampleProjExplicitLod:
   case SpvOpImageSampleProjDrefImplicitLod:
   case SpvOpImageSampleProjDrefExplicitLod:
   case SpvOpImageFetch:
   case SpvOpImageGather:
   case SpvOpImageDrefGather:
   case SpvOpImageRead:
   case SpvOpImageSparseSampleImplicitLod:
   case SpvOpImageSparseSampleExplicitLod:
   case SpvOpImageSparseSampleDrefImplicitLod:
   case SpvOpImageSparseSampleDrefExplicitLod:
   case SpvOpImageSparseSampleProjImplicitLod:
   case SpvOpImageSparseSampleProjExplicitLod:
   case SpvOpImageSparseSampleProjDrefImplicitLod:
   case SpvOpImageSparseSampleProjDrefExplicitLod:
   case SpvOpImageSparseFetch:
   case SpvOpImageSparseGather:
   case SpvOpImageSparseDrefGather:
   case SpvOpImageSparseRead:
   case SpvOpImageSampleFootprintNV:
      image_access(r, in, ACCESS_READ);
      break;
   case SpvOpImageWrite:
      image_access(r, in, ACCESS_WRITE);
      break;
   case SpvOpArrayLength:
      pointer_query(r, in, 3, 3);
      break;
   case SpvOpPtrEqual:
   case SpvOpPtrNotEqual:
   case SpvOpPtrDiff:
      pointer_query(r, in, 3, 4);
      break;
   case SpvOpFunctionCall:
      call(r, in);
      break;
   case SpvOpExtInst:
      ext_inst(r, in);
      break;
   case SpvOpPhi:
   case SpvOpSelect:
      result_of(r, in, REASON_PHI_SELECT);
      break;
   case SpvOpBitcast:
   case SpvOpConvertUToPtr:
      result_of(r, in, REASON_FROM_INTEGER);
      break;
   case SpvOpUndef:
      result_of(r, in, REASON_NULL);
      break;
   default:
      if (kr_spirv_pure_value_op(in->op))
         result_of(r, in, REASON_NOT_FOLLOWED);
      else if (!kr_spirv_control_op(in->op))
         set_unknown(r, why_opcode, in->op);
      break;
   }
}
static void
analyse_function(struct kr_spirv_reflector *r, uint32_t index)
{
   const struct kr_spirv_function *f = &r->funcs[index];
   r->current = index;
   r->owner = index + 1;
   uint32_t pos = f->begin, param_index = 0;
   struct kr_spirv_insn in;
   while (next_insn(r, &pos, f->end, &in))
      analyse_insn(r, &in, &param_index);
   r->owner = 0;
}
/* From SPIR-V 1.4 on, the interface lists every global variable the entry point uses; before,
 * only its inputs and outputs. Either way its ids must be global variables. */
static void
entry_interface(struct kr_spirv_reflector *r)
{
   for (uint32_t at = r->entry_interface; at < r->entry_end && !r->malformed; at++) {
      uint32_t id = r->code[at];
      if (id >= r->bound || r->ids[id].op != SpvOpVariable || r->ids[id].owner != 0) {
         set_malformed(r, at);
         return;
      }
      if (r->version < 0x00010400)
         continue;
      if (r->ids[id].origin == ORIGIN_RESOURCE)
         r->res[r->ids[id].b].in_interface = true;
      else if (r->ids[id].origin == ORIGIN_PUSH)
         r->push_constants = true;
   }
}
/* Steps 3 and 4. false: no such entry point. */
bool
kr_spirv_analyse_entry_point(struct kr_spirv_reflector *r)
{
   if (!r->entry_at)
      return false;
   struct kr_spirv_function *entry = function_named(r, r->entry_function, r->entry_at);
   if (!entry)
      return true;
   /* An entry point takes no parameters: what it did through them would reach nothing. */
   if (!entry->has_body || entry->param_count != 0) {
      set_malformed(r, r->entry_at);
      return true;
   }
   entry_interface(r);
   if (r->malformed || !order_functions(r, entry))
      return true;
   for (uint32_t i = 0; i < r->order_count && !r->malformed; i++)
      analyse_function(r, r->order[i]);
   return true;
}
