/* SPDX-License-Identifier: MIT */
/* SPIR-V reflection (see kr_spirv_reflect.h).
 *
 * Four steps, each linear in the module's size:
 *  1. prescan: word counts of every instruction, and how many functions, parameters and
 *     descriptor variables there are (so every table is allocated once, with the right size);
 *  2. the module pass: capabilities, the addressing model, decorations, types, constants and
 *     global variables (descriptor variables become resources), the entry point, and where each
 *     function begins and ends;
 *  3. the call graph from the entry point, depth first, giving its functions callees first
 *     (recursion, which Vulkan forbids, gives up: unknown_memory);
 *  4. the analysis of each of those functions, once, in that order: every pointer and image
 *     value gets an origin (a resource, a parameter of the function, memory no descriptor names,
 *     or unknown, with the reason), and every access through it is charged to that origin. An
 *     access through a parameter is charged to the parameter's summary, which each call site
 *     then charges to its argument: callees come first, so their summaries are complete.
 *
 * Storage classes are disjoint memory, so a pointer into Function, Private, Workgroup, Input,
 * Output or PushConstant memory can never reach a descriptor: such accesses are ignored, whatever
 * the pointer's origin. Everything else (StorageBuffer, Uniform, UniformConstant, Image) must
 * have a resource or parameter origin, or the access sets unknown_memory.
 *
 * Malformed input stops the analysis at once; "unknown" reasons do not (the first is kept,
 * and the rest of the module is still read, so malformed input is still told apart). */
#include "kr_spirv_reflect.h"

#include <spirv/unified1/GLSL.std.450.h>
#include <spirv/unified1/spirv.h>
#include <stdlib.h>
#include <string.h>

#include "kr_alloc.h"

const char KR_SPIRV_WHY_MALFORMED[] = "malformed SPIR-V";
const char KR_SPIRV_WHY_NO_ENTRY_POINT[] = "no such entry point";
const char KR_SPIRV_WHY_OUT_OF_MEMORY[] = "out of host memory";

/* Why a pointer or image value cannot be followed. Kept on the value, and given as why when
 * the code accesses memory through it. */
enum reason {
   REASON_PHI_SELECT,
   REASON_FROM_INTEGER,
   REASON_LOADED,
   REASON_RETURNED,
   REASON_NULL,
   REASON_NOT_FOLLOWED,
   REASON_NO_BINDING,
   REASON_NOT_DESCRIPTOR,
   REASON_COUNT,
};

static const char *const reason_text[REASON_COUNT] = {
   [REASON_PHI_SELECT] = "pointer or image chosen by OpPhi or OpSelect (variable pointers)",
   [REASON_FROM_INTEGER] = "pointer made from an integer (OpBitcast, OpConvertUToPtr)",
   [REASON_LOADED] = "pointer loaded from memory",
   [REASON_RETURNED] = "pointer or image returned by a function",
   [REASON_NULL] = "null or undefined pointer or image",
   [REASON_NOT_FOLLOWED] = "pointer or image made by an instruction the reflector does not follow",
   [REASON_NO_BINDING] = "descriptor variable without DescriptorSet and Binding",
   [REASON_NOT_DESCRIPTOR] = "UniformConstant variable that is no image, sampler or acceleration "
                             "structure",
};

static const char why_version[] = "SPIR-V version not understood";
static const char why_too_large[] = "module larger than the reflector's limit";
static const char why_bound[] = "id bound larger than the module";
static const char why_capability[] = "capability not understood";
static const char why_addressing[] = "physical addressing model";
static const char why_storage_class[] = "storage class not understood";
static const char why_physical[] = "physical storage buffer pointers (buffer device address)";
static const char why_pointer_in_memory[] = "pointer held in memory or in a composite";
static const char why_forward_pointer[] = "forward pointer declaration";
static const char why_opcode[] = "opcode not understood";
static const char why_ext_inst[] = "extended instruction set not understood";
static const char why_stored_pointer[] = "pointer or image stored to memory";
static const char why_no_body[] = "call to a function without a body";
static const char why_recursion[] = "recursive function calls";

/* Where a pointer or image value points. */
enum origin {
   ORIGIN_NONE = 0,  /* not a pointer or image */
   ORIGIN_LOCAL,     /* memory no descriptor names (Function, Private, Workgroup, ...) */
   ORIGIN_PUSH,      /* the push constant block */
   ORIGIN_RESOURCE,  /* kr_id::b: index in reflector::res */
   ORIGIN_PARAM,     /* kr_id::b: parameter index in the function being analysed */
   ORIGIN_UNKNOWN,   /* kr_id::b: enum reason */
};

enum {
   TYPE_HANDLE = 1u << 0,         /* image, sampler, sampled image, acceleration structure, or
                                   * an array of them */
   TYPE_HOLDS_POINTER = 1u << 1,  /* a composite with a pointer inside */
};

enum {
   DEC_BLOCK = 1u << 0,
   DEC_BUFFER_BLOCK = 1u << 1,
   DEC_NON_WRITABLE = 1u << 2,
   DEC_NON_READABLE = 1u << 3,
   DEC_SET = 1u << 4,
   DEC_BINDING = 1u << 5,
};

enum {
   ACCESS_READ = 1u << 0,
   ACCESS_WRITE = 1u << 1,
   ACCESS_ATOMIC = 1u << 2,
};

enum ext_set { EXT_OTHER, EXT_GLSL, EXT_NON_SEMANTIC };

enum class_kind { CLASS_LOCAL, CLASS_PUSH, CLASS_DESCRIPTOR, CLASS_UNSUPPORTED };

enum section { SECTION_ANNOTATIONS, SECTION_DECLARATIONS, SECTION_FUNCTIONS };

/* One per id below the bound. */
struct kr_id {
   uint16_t op;          /* the defining opcode; 0 while undefined */
   uint8_t origin;       /* enum origin, for values */
   uint8_t decorations;  /* DEC_* */
   uint8_t type_flags;   /* TYPE_*, for types */
   /* Values: the result type. Pointer types: the pointee. Array types: the element type under
    * all array levels. Sampled image types: the image type. */
   uint32_t type;
   /* Pointer types and variables: the storage class. Array types: the element count under all
    * levels (0 unknown). Image types: Dim. OpConstant: its value (0 if it does not fit 32
    * bits). Functions: the index in reflector::funcs. Extended instruction sets: enum ext_set. */
   uint32_t a;
   /* Image types: Sampled. Struct types: the member count. Values: the origin's index. */
   uint32_t b;
   uint32_t owner;  /* 0: module scope; else the defining function's index + 1 */
   uint32_t set, binding;
   uint16_t members_non_writable, members_non_readable;  /* struct types, saturating */
};

struct function {
   uint32_t id;
   uint32_t begin, end;  /* word offsets: its OpFunction, and past its OpFunctionEnd */
   uint32_t first_param; /* index in reflector::params */
   uint32_t param_count;
   uint32_t dfs_pos;     /* where the call graph walk goes on reading it */
   uint8_t dfs_state;    /* 0: not seen, 1: on the walk's stack, 2: done */
   bool has_body;
};

struct resource {
   uint32_t set, binding;
   enum kr_spirv_descriptor_kind kind;
   uint32_t array_size;
   uint8_t access;       /* ACCESS_* */
   bool used;            /* by the call tree */
   bool in_interface;    /* listed by the entry point (SPIR-V >= 1.4) */
   bool non_writable, non_readable;
};

struct insn {
   const uint32_t *w;  /* w[0] is the opcode word; w[1 .. count) the operands */
   uint32_t count;
   uint32_t op;
   uint32_t at;        /* word offset in the module */
};

struct reflector {
   const uint32_t *code;
   uint32_t words;
   uint32_t bound;
   uint32_t version;
   const VkAllocationCallbacks *alloc;

   struct kr_id *ids;
   struct function *funcs;
   uint32_t func_count, func_capacity;
   uint8_t *params;  /* ACCESS_* through each function parameter, once its function is done */
   uint32_t param_count, param_capacity;
   struct resource *res;
   uint32_t res_count, res_capacity;
   uint32_t *order;  /* the call tree's functions, callees first */
   uint32_t order_count;
   uint32_t *stack;

   /* The entry point asked for, and where its OpEntryPoint is (entry_at 0: not found). */
   uint32_t model;
   const char *name;
   uint32_t entry_at, entry_end, entry_interface, entry_function;

   enum section section;
   uint32_t open_function;  /* module pass: the function being read, index + 1; 0 outside */
   uint32_t current;        /* analysis: the function being analysed */
   uint32_t owner;          /* analysis: current + 1 */

   bool malformed;
   uint32_t malformed_at;
   bool out_of_memory;
   bool push_constants;
   const char *why;
   uint32_t why_value;
};

static void
set_unknown(struct reflector *r, const char *why, uint32_t value)
{
   if (!r->why) {
      r->why = why;
      r->why_value = value;
   }
}

static void
set_malformed(struct reflector *r, uint32_t at)
{
   if (!r->malformed) {
      r->malformed = true;
      r->malformed_at = at;
   }
}

/* Whether the instruction has at least n words; malformed otherwise. */
static bool
need(struct reflector *r, const struct insn *in, uint32_t n)
{
   if (in->count >= n)
      return true;
   set_malformed(r, in->at);
   return false;
}

/* The instruction at *pos (before end), moving *pos past it; false at end or when the
 * instruction's word count is 0 or runs past end (malformed). */
static bool
next_insn(struct reflector *r, uint32_t *pos, uint32_t end, struct insn *in)
{
   if (*pos >= end || r->malformed)
      return false;
   uint32_t word = r->code[*pos];
   in->count = word >> 16;
   in->op = word & 0xffffu;
   in->w = r->code + *pos;
   in->at = *pos;
   if (in->count == 0 || in->count > end - *pos) {
      set_malformed(r, *pos);
      return false;
   }
   *pos += in->count;
   return true;
}

/* ---- literal strings: bytes packed low byte first, NUL-terminated inside the instruction */

/* Words the string at word `first` takes, its NUL included; 0 when it is not terminated
 * inside the instruction. */
static uint32_t
string_words(const struct insn *in, uint32_t first)
{
   for (uint32_t i = first; i < in->count; i++) {
      for (uint32_t byte = 0; byte < 4; byte++) {
         if (((in->w[i] >> (8 * byte)) & 0xffu) == 0)
            return i - first + 1;
      }
   }
   return 0;
}

/* Whether the string at word `first` is s (whole) or starts with s (!whole). */
static bool
string_matches(const struct insn *in, uint32_t first, const char *s, bool whole)
{
   size_t k = 0;
   for (;; k++) {
      if (first + k / 4 >= in->count)
         return false;
      uint8_t byte = (uint8_t)(in->w[first + k / 4] >> (8 * (k % 4)));
      if (s[k] == '\0')
         return !whole || byte == 0;
      if (byte != (uint8_t)s[k])
         return false;
   }
}

/* ---- ids */

/* Defines id (the result of an instruction of opcode op); NULL and malformed when it is 0, not
 * below the bound, or already defined. Decorations applied earlier are kept. */
static struct kr_id *
define(struct reflector *r, const struct insn *in, uint32_t id, uint32_t type)
{
   if (id == 0 || id >= r->bound || r->ids[id].op != 0) {
      set_malformed(r, in->at);
      return NULL;
   }
   struct kr_id *v = &r->ids[id];
   v->op = (uint16_t)in->op;
   v->type = type;
   v->owner = r->owner;
   v->origin = ORIGIN_NONE;
   return v;
}

/* The type id t's entry, or NULL when t is not below the bound (types are looked up leniently:
 * an undefined type is no pointer and no image, which only makes the answer more
 * conservative where it matters, see the callers). */
static const struct kr_id *
type_of(const struct reflector *r, uint32_t t)
{
   return t < r->bound ? &r->ids[t] : NULL;
}

static bool
is_pointer_type(const struct reflector *r, uint32_t t)
{
   const struct kr_id *type = type_of(r, t);
   return type && type->op == SpvOpTypePointer;
}

static bool
is_handle_type(const struct reflector *r, uint32_t t)
{
   const struct kr_id *type = type_of(r, t);
   return type && (type->type_flags & TYPE_HANDLE);
}

static bool
holds_pointer(const struct reflector *r, uint32_t t)
{
   const struct kr_id *type = type_of(r, t);
   return type && (type->op == SpvOpTypePointer || (type->type_flags & TYPE_HOLDS_POINTER));
}

static bool
is_array_type(const struct kr_id *type)
{
   return type && (type->op == SpvOpTypeArray || type->op == SpvOpTypeRuntimeArray);
}

static enum class_kind
class_kind(uint32_t storage_class)
{
   switch (storage_class) {
   case SpvStorageClassFunction:
   case SpvStorageClassPrivate:
   case SpvStorageClassWorkgroup:
   case SpvStorageClassInput:
   case SpvStorageClassOutput:
      return CLASS_LOCAL;
   case SpvStorageClassPushConstant:
      return CLASS_PUSH;
   case SpvStorageClassUniformConstant:
   case SpvStorageClassUniform:
   case SpvStorageClassStorageBuffer:
   case SpvStorageClassImage:
      return CLASS_DESCRIPTOR;
   default:
      return CLASS_UNSUPPORTED;
   }
}

/* The storage class of pointer type t; CLASS_UNSUPPORTED's value when t is no pointer type. */
static uint32_t
pointer_class(const struct reflector *r, uint32_t t)
{
   return is_pointer_type(r, t) ? r->ids[t].a : UINT32_MAX;
}

/* Whether op declares a type (some types keep an id in kr_id::type, so a type is not told
 * from a value by that alone). */
static bool
is_type_opcode(uint32_t op)
{
   switch (op) {
   case SpvOpTypeVoid:
   case SpvOpTypeBool:
   case SpvOpTypeInt:
   case SpvOpTypeFloat:
   case SpvOpTypeVector:
   case SpvOpTypeMatrix:
   case SpvOpTypeImage:
   case SpvOpTypeSampler:
   case SpvOpTypeSampledImage:
   case SpvOpTypeArray:
   case SpvOpTypeRuntimeArray:
   case SpvOpTypeStruct:
   case SpvOpTypePointer:
   case SpvOpTypeFunction:
   case SpvOpTypeAccelerationStructureKHR:
   case SpvOpTypeRayQueryKHR:
      return true;
   default:
      return false;
   }
}

/* A value operand of the instruction being analysed: defined, a value (it has a type and is
 * none), and of module scope or of the function being analysed. NULL and malformed otherwise. */
static struct kr_id *
value(struct reflector *r, const struct insn *in, uint32_t id)
{
   if (id == 0 || id >= r->bound) {
      set_malformed(r, in->at);
      return NULL;
   }
   struct kr_id *v = &r->ids[id];
   if (v->op == 0 || v->type == 0 || is_type_opcode(v->op) ||
       (v->owner != 0 && v->owner != r->owner)) {
      set_malformed(r, in->at);
      return NULL;
   }
   return v;
}

/* ---- the module pass */

/* Capabilities that add no way of reaching memory the analysis does not follow. Any other
 * (Addresses, PhysicalStorageBufferAddresses, Linkage, Kernel, cooperative matrices, ray
 * tracing, ...) gives unknown_memory. VariablePointers is here because what it allows is
 * caught where it happens: pointers chosen by OpPhi/OpSelect, held in variables, returned by
 * functions; OpPtrAccessChain stays inside the object its base points into. */
static bool
capability_understood(uint32_t capability)
{
   switch (capability) {
   case SpvCapabilityMatrix:
   case SpvCapabilityShader:
   case SpvCapabilityFloat16:
   case SpvCapabilityFloat64:
   case SpvCapabilityInt64:
   case SpvCapabilityInt64Atomics:
   case SpvCapabilityInt16:
   case SpvCapabilityInt8:
   case SpvCapabilityImageGatherExtended:
   case SpvCapabilityStorageImageMultisample:
   case SpvCapabilityUniformBufferArrayDynamicIndexing:
   case SpvCapabilitySampledImageArrayDynamicIndexing:
   case SpvCapabilityStorageBufferArrayDynamicIndexing:
   case SpvCapabilityStorageImageArrayDynamicIndexing:
   case SpvCapabilityImageCubeArray:
   case SpvCapabilitySampleRateShading:
   case SpvCapabilitySampled1D:
   case SpvCapabilityImage1D:
   case SpvCapabilitySampledCubeArray:
   case SpvCapabilitySampledBuffer:
   case SpvCapabilityImageBuffer:
   case SpvCapabilityImageMSArray:
   case SpvCapabilityStorageImageExtendedFormats:
   case SpvCapabilityImageQuery:
   case SpvCapabilityDerivativeControl:
   case SpvCapabilityStorageImageReadWithoutFormat:
   case SpvCapabilityStorageImageWriteWithoutFormat:
   case SpvCapabilityMinLod:
   case SpvCapabilityGroupNonUniform:
   case SpvCapabilityGroupNonUniformVote:
   case SpvCapabilityGroupNonUniformArithmetic:
   case SpvCapabilityGroupNonUniformBallot:
   case SpvCapabilityGroupNonUniformShuffle:
   case SpvCapabilityGroupNonUniformShuffleRelative:
   case SpvCapabilityGroupNonUniformClustered:
   case SpvCapabilityGroupNonUniformQuad:
   case SpvCapabilityGroupNonUniformPartitionedNV:
   case SpvCapabilityGroupNonUniformRotateKHR:
   case SpvCapabilitySubgroupBallotKHR:
   case SpvCapabilitySubgroupVoteKHR:
   case SpvCapabilityDeviceGroup:
   case SpvCapabilityStorageBuffer16BitAccess:
   case SpvCapabilityUniformAndStorageBuffer16BitAccess:
   case SpvCapabilityStoragePushConstant16:
   case SpvCapabilityStorageInputOutput16:
   case SpvCapabilityStorageBuffer8BitAccess:
   case SpvCapabilityUniformAndStorageBuffer8BitAccess:
   case SpvCapabilityStoragePushConstant8:
   case SpvCapabilityVariablePointersStorageBuffer:
   case SpvCapabilityVariablePointers:
   case SpvCapabilityDenormPreserve:
   case SpvCapabilityDenormFlushToZero:
   case SpvCapabilitySignedZeroInfNanPreserve:
   case SpvCapabilityRoundingModeRTE:
   case SpvCapabilityRoundingModeRTZ:
   case SpvCapabilityShaderNonUniform:
   case SpvCapabilityRuntimeDescriptorArray:
   case SpvCapabilityUniformTexelBufferArrayDynamicIndexing:
   case SpvCapabilityStorageTexelBufferArrayDynamicIndexing:
   case SpvCapabilityUniformBufferArrayNonUniformIndexing:
   case SpvCapabilitySampledImageArrayNonUniformIndexing:
   case SpvCapabilityStorageBufferArrayNonUniformIndexing:
   case SpvCapabilityStorageImageArrayNonUniformIndexing:
   case SpvCapabilityUniformTexelBufferArrayNonUniformIndexing:
   case SpvCapabilityStorageTexelBufferArrayNonUniformIndexing:
   case SpvCapabilityVulkanMemoryModel:
   case SpvCapabilityVulkanMemoryModelDeviceScope:
   case SpvCapabilityComputeDerivativeGroupQuadsNV:
   case SpvCapabilityComputeDerivativeGroupLinearNV:
   case SpvCapabilityDemoteToHelperInvocation:
   case SpvCapabilityShaderClockKHR:
   case SpvCapabilityInt64ImageEXT:
   case SpvCapabilityAtomicFloat32AddEXT:
   case SpvCapabilityAtomicFloat64AddEXT:
   case SpvCapabilityAtomicFloat16AddEXT:
   case SpvCapabilityAtomicFloat32MinMaxEXT:
   case SpvCapabilityAtomicFloat64MinMaxEXT:
   case SpvCapabilityAtomicFloat16MinMaxEXT:
   case SpvCapabilityDotProductInputAll:
   case SpvCapabilityDotProductInput4x8Bit:
   case SpvCapabilityDotProductInput4x8BitPacked:
   case SpvCapabilityDotProduct:
   case SpvCapabilityWorkgroupMemoryExplicitLayoutKHR:
   case SpvCapabilityWorkgroupMemoryExplicitLayout8BitAccessKHR:
   case SpvCapabilityWorkgroupMemoryExplicitLayout16BitAccessKHR:
   case SpvCapabilityExpectAssumeKHR:
      return true;
   default:
      return false;
   }
}

static void
capability(struct reflector *r, uint32_t capability_value)
{
   if (capability_understood(capability_value))
      return;
   if (capability_value == SpvCapabilityPhysicalStorageBufferAddresses)
      set_unknown(r, why_physical, capability_value);
   else if (capability_value == SpvCapabilityAddresses)
      set_unknown(r, why_addressing, capability_value);
   else
      set_unknown(r, why_capability, capability_value);
}

/* Unknown memory for pointers of a storage class the analysis does not follow. */
static void
check_storage_class(struct reflector *r, uint32_t storage_class)
{
   if (class_kind(storage_class) != CLASS_UNSUPPORTED)
      return;
   if (storage_class == SpvStorageClassPhysicalStorageBuffer)
      set_unknown(r, why_physical, storage_class);
   else
      set_unknown(r, why_storage_class, storage_class);
}

static void
decoration(struct reflector *r, const struct insn *in, struct kr_id *target, uint32_t first)
{
   /* first: the word of the Decoration operand; literals follow it. */
   switch (in->w[first]) {
   case SpvDecorationBlock:
      target->decorations |= DEC_BLOCK;
      break;
   case SpvDecorationBufferBlock:
      target->decorations |= DEC_BUFFER_BLOCK;
      break;
   case SpvDecorationNonWritable:
      target->decorations |= DEC_NON_WRITABLE;
      break;
   case SpvDecorationNonReadable:
      target->decorations |= DEC_NON_READABLE;
      break;
   case SpvDecorationDescriptorSet:
      if (need(r, in, first + 2)) {
         target->set = in->w[first + 1];
         target->decorations |= DEC_SET;
      }
      break;
   case SpvDecorationBinding:
      if (need(r, in, first + 2)) {
         target->binding = in->w[first + 1];
         target->decorations |= DEC_BINDING;
      }
      break;
   default:
      break;
   }
}

static void
member_decoration(struct kr_id *target, uint32_t decoration_value)
{
   if (decoration_value == SpvDecorationNonWritable && target->members_non_writable < UINT16_MAX)
      target->members_non_writable++;
   if (decoration_value == SpvDecorationNonReadable && target->members_non_readable < UINT16_MAX)
      target->members_non_readable++;
}

/* The target of a decoration: below the bound (it may be defined later), else malformed. */
static struct kr_id *
decoration_target(struct reflector *r, const struct insn *in, uint32_t id)
{
   if (id == 0 || id >= r->bound) {
      set_malformed(r, in->at);
      return NULL;
   }
   return &r->ids[id];
}

static struct kr_id *
decoration_group(struct reflector *r, const struct insn *in)
{
   struct kr_id *group = decoration_target(r, in, in->w[1]);
   if (group && group->op != SpvOpDecorationGroup) {
      set_malformed(r, in->at);
      return NULL;
   }
   return group;
}

static void
group_decorate(struct reflector *r, const struct insn *in)
{
   const struct kr_id *group = decoration_group(r, in);
   for (uint32_t i = 2; group && i < in->count; i++) {
      struct kr_id *target = decoration_target(r, in, in->w[i]);
      if (!target)
         return;
      target->decorations |= group->decorations;
      if (group->decorations & DEC_SET)
         target->set = group->set;
      if (group->decorations & DEC_BINDING)
         target->binding = group->binding;
   }
}

static void
group_member_decorate(struct reflector *r, const struct insn *in)
{
   const struct kr_id *group = decoration_group(r, in);
   if (group && (in->count - 2) % 2 != 0)
      set_malformed(r, in->at);
   for (uint32_t i = 2; group && !r->malformed && i + 1 < in->count; i += 2) {
      struct kr_id *target = decoration_target(r, in, in->w[i]);
      if (!target)
         return;
      if (group->decorations & DEC_NON_WRITABLE)
         member_decoration(target, SpvDecorationNonWritable);
      if (group->decorations & DEC_NON_READABLE)
         member_decoration(target, SpvDecorationNonReadable);
   }
}

static void
annotation(struct reflector *r, const struct insn *in)
{
   /* Decorations come before every declaration, so a variable finds its own when it is
    * declared; later ones would be missed, so they are malformed (as SPIR-V says). */
   if (r->section != SECTION_ANNOTATIONS) {
      set_malformed(r, in->at);
      return;
   }
   struct kr_id *target;
   switch (in->op) {
   case SpvOpDecorate:
      if (need(r, in, 3) && (target = decoration_target(r, in, in->w[1])))
         decoration(r, in, target, 2);
      break;
   case SpvOpMemberDecorate:
      if (need(r, in, 4) && (target = decoration_target(r, in, in->w[1])))
         member_decoration(target, in->w[3]);
      break;
   case SpvOpDecorationGroup:
      if (need(r, in, 2))
         define(r, in, in->w[1], 0);
      break;
   case SpvOpGroupDecorate:
      if (need(r, in, 2))
         group_decorate(r, in);
      break;
   case SpvOpGroupMemberDecorate:
      if (need(r, in, 2))
         group_member_decorate(r, in);
      break;
   default: /* OpDecorateId, OpDecorateString, OpMemberDecorateString: nothing we use */
      break;
   }
}

static uint32_t
multiply_counts(uint32_t a, uint32_t b)
{
   if (a == 0 || b == 0 || a > UINT32_MAX / b)
      return 0;
   return a * b;
}

static void
array_type(struct reflector *r, const struct insn *in, bool runtime)
{
   if (!need(r, in, runtime ? 3 : 4))
      return;
   struct kr_id *t = define(r, in, in->w[1], 0);
   if (!t)
      return;
   uint32_t element = in->w[2];
   const struct kr_id *e = type_of(r, element);
   uint32_t length = 0;
   if (!runtime) {
      const struct kr_id *c = type_of(r, in->w[3]);
      /* A length given by a specialization constant is not known here. */
      if (c && c->op == SpvOpConstant)
         length = c->a;
   }
   if (is_array_type(e)) {
      t->a = multiply_counts(length, e->a);
      t->type = e->type;
   } else {
      t->a = length;
      t->type = element;
   }
   if (e)
      t->type_flags = e->type_flags & (TYPE_HANDLE | TYPE_HOLDS_POINTER);
   if (holds_pointer(r, element)) {
      t->type_flags |= TYPE_HOLDS_POINTER;
      set_unknown(r, why_pointer_in_memory, 0);
   }
}

static void
struct_type(struct reflector *r, const struct insn *in)
{
   if (!need(r, in, 2))
      return;
   struct kr_id *t = define(r, in, in->w[1], 0);
   if (!t)
      return;
   t->b = in->count - 2;
   for (uint32_t i = 2; i < in->count; i++) {
      if (is_handle_type(r, in->w[i]))
         t->type_flags |= TYPE_HANDLE;
      if (holds_pointer(r, in->w[i])) {
         t->type_flags |= TYPE_HOLDS_POINTER;
         set_unknown(r, why_pointer_in_memory, 0);
      }
   }
}

static void
pointer_type(struct reflector *r, const struct insn *in)
{
   if (!need(r, in, 4))
      return;
   struct kr_id *t = define(r, in, in->w[1], 0);
   if (!t)
      return;
   t->a = in->w[2];
   t->type = in->w[3];
   check_storage_class(r, t->a);
   if (holds_pointer(r, t->type))
      set_unknown(r, why_pointer_in_memory, 0);
}

static void
simple_type(struct reflector *r, const struct insn *in, uint8_t flags)
{
   struct kr_id *t;
   if (need(r, in, 2) && (t = define(r, in, in->w[1], 0)))
      t->type_flags = flags;
}

static void
type_declaration(struct reflector *r, const struct insn *in)
{
   struct kr_id *t;
   switch (in->op) {
   case SpvOpTypeVoid:
   case SpvOpTypeBool:
   case SpvOpTypeInt:
   case SpvOpTypeFloat:
   case SpvOpTypeFunction:
   case SpvOpTypeRayQueryKHR:
      simple_type(r, in, 0);
      break;
   case SpvOpTypeVector:
   case SpvOpTypeMatrix:
      if (need(r, in, 4) && define(r, in, in->w[1], 0) && holds_pointer(r, in->w[2]))
         set_unknown(r, why_pointer_in_memory, 0);
      break;
   case SpvOpTypeImage:
      if (need(r, in, 9) && (t = define(r, in, in->w[1], 0))) {
         t->type_flags = TYPE_HANDLE;
         t->a = in->w[3];
         t->b = in->w[7];
      }
      break;
   case SpvOpTypeSampler:
   case SpvOpTypeAccelerationStructureKHR:
      simple_type(r, in, TYPE_HANDLE);
      break;
   case SpvOpTypeSampledImage:
      if (need(r, in, 3) && (t = define(r, in, in->w[1], in->w[2])))
         t->type_flags = TYPE_HANDLE;
      break;
   case SpvOpTypeArray:
   case SpvOpTypeRuntimeArray:
      array_type(r, in, in->op == SpvOpTypeRuntimeArray);
      break;
   case SpvOpTypeStruct:
      struct_type(r, in);
      break;
   case SpvOpTypePointer:
      pointer_type(r, in);
      break;
   case SpvOpTypeForwardPointer:
      /* Only physical pointers may be forward declared: pointers held in memory. */
      if (need(r, in, 3)) {
         check_storage_class(r, in->w[2]);
         set_unknown(r, why_forward_pointer, 0);
      }
      break;
   default:
      set_unknown(r, why_opcode, in->op);
      break;
   }
}

static void
constant(struct reflector *r, const struct insn *in)
{
   struct kr_id *c;
   if (!need(r, in, 3) || !(c = define(r, in, in->w[2], in->w[1])))
      return;
   if (in->op == SpvOpConstant && in->count >= 4 && (in->count == 4 || in->w[4] == 0))
      c->a = in->w[3];
   /* A null or undefined pointer or image can reach nothing a descriptor names. */
   if (is_pointer_type(r, c->type) || is_handle_type(r, c->type)) {
      c->origin = ORIGIN_UNKNOWN;
      c->b = REASON_NULL;
   }
}

static enum kr_spirv_descriptor_kind
image_kind(const struct kr_id *image)
{
   if (image->a == SpvDimBuffer) {
      if (image->b == 2)
         return KR_SPIRV_DESCRIPTOR_STORAGE_TEXEL_BUFFER;
      return image->b == 1 ? KR_SPIRV_DESCRIPTOR_UNIFORM_TEXEL_BUFFER : KR_SPIRV_DESCRIPTOR_UNKNOWN;
   }
   if (image->a == SpvDimSubpassData)
      return KR_SPIRV_DESCRIPTOR_UNKNOWN; /* input attachments: no compute */
   if (image->b == 2)
      return KR_SPIRV_DESCRIPTOR_STORAGE_IMAGE;
   /* Sampled = 0 (known only at run time) stays unknown. */
   return image->b == 1 ? KR_SPIRV_DESCRIPTOR_SAMPLED_IMAGE : KR_SPIRV_DESCRIPTOR_UNKNOWN;
}

/* What a descriptor variable of storage class sc whose array elements (or itself) are of type
 * `base` holds; false when a UniformConstant variable holds no opaque type. */
static bool
descriptor_kind(const struct reflector *r, uint32_t sc, const struct kr_id *base,
                enum kr_spirv_descriptor_kind *kind)
{
   *kind = KR_SPIRV_DESCRIPTOR_UNKNOWN;
   uint32_t op = base ? base->op : 0;
   if (sc == SpvStorageClassStorageBuffer) {
      if (op == SpvOpTypeStruct)
         *kind = KR_SPIRV_DESCRIPTOR_STORAGE_BUFFER;
      return true;
   }
   if (sc == SpvStorageClassUniform) {
      if (op == SpvOpTypeStruct && (base->decorations & DEC_BUFFER_BLOCK))
         *kind = KR_SPIRV_DESCRIPTOR_STORAGE_BUFFER;
      else if (op == SpvOpTypeStruct && (base->decorations & DEC_BLOCK))
         *kind = KR_SPIRV_DESCRIPTOR_UNIFORM_BUFFER;
      return true;
   }
   const struct kr_id *image;
   switch (op) {
   case SpvOpTypeImage:
      *kind = image_kind(base);
      return true;
   case SpvOpTypeSampledImage:
      image = type_of(r, base->type);
      if (image && image->op == SpvOpTypeImage && image->a == SpvDimBuffer)
         *kind = KR_SPIRV_DESCRIPTOR_UNIFORM_TEXEL_BUFFER;
      else
         *kind = KR_SPIRV_DESCRIPTOR_COMBINED_IMAGE_SAMPLER;
      return true;
   case SpvOpTypeSampler:
      *kind = KR_SPIRV_DESCRIPTOR_SAMPLER;
      return true;
   case SpvOpTypeAccelerationStructureKHR:
      *kind = KR_SPIRV_DESCRIPTOR_ACCELERATION_STRUCTURE;
      return true;
   default:
      return false;
   }
}

/* Whether the declaration promises `flag` (NonWritable/NonReadable) for all of it: on the
 * variable, or on every member of its block. */
static bool
promises(const struct kr_id *var, const struct kr_id *base, uint8_t flag)
{
   if (var->decorations & flag)
      return true;
   if (!base || base->op != SpvOpTypeStruct || base->b == 0)
      return false;
   uint32_t members = flag == DEC_NON_WRITABLE ? base->members_non_writable
                                                : base->members_non_readable;
   return members >= base->b;
}

static void
descriptor_variable(struct reflector *r, const struct insn *in, struct kr_id *var, uint32_t sc)
{
   const struct kr_id *pointee = type_of(r, r->ids[var->type].type);
   const struct kr_id *base = pointee;
   uint32_t array_size = 1;
   if (is_array_type(pointee)) {
      array_size = pointee->a;
      base = type_of(r, pointee->type);
   }
   enum kr_spirv_descriptor_kind kind;
   var->origin = ORIGIN_UNKNOWN;
   if ((var->decorations & (DEC_SET | DEC_BINDING)) != (DEC_SET | DEC_BINDING)) {
      var->b = REASON_NO_BINDING;
      return;
   }
   if (sc == SpvStorageClassImage || !descriptor_kind(r, sc, base, &kind)) {
      var->b = REASON_NOT_DESCRIPTOR;
      return;
   }
   if (r->res_count >= r->res_capacity) { /* the prescan counted them all */
      set_malformed(r, in->at);
      return;
   }
   struct resource *res = &r->res[r->res_count];
   *res = (struct resource){
      .set = var->set,
      .binding = var->binding,
      .kind = kind,
      .array_size = array_size,
      .non_writable = promises(var, base, DEC_NON_WRITABLE),
      .non_readable = promises(var, base, DEC_NON_READABLE),
   };
   var->origin = ORIGIN_RESOURCE;
   var->b = r->res_count++;
}

static void
global_variable(struct reflector *r, const struct insn *in)
{
   if (!need(r, in, 4))
      return;
   uint32_t sc = in->w[3];
   /* Its type must be a pointer of its own storage class, and Function is for functions. */
   if (pointer_class(r, in->w[1]) != sc || sc == SpvStorageClassFunction) {
      set_malformed(r, in->at);
      return;
   }
   struct kr_id *var = define(r, in, in->w[2], in->w[1]);
   if (!var)
      return;
   switch (class_kind(sc)) {
   case CLASS_LOCAL:
      var->origin = ORIGIN_LOCAL;
      break;
   case CLASS_PUSH:
      var->origin = ORIGIN_PUSH;
      break;
   case CLASS_DESCRIPTOR:
      descriptor_variable(r, in, var, sc);
      break;
   case CLASS_UNSUPPORTED: /* its pointer type already set unknown_memory */
      var->origin = ORIGIN_UNKNOWN;
      var->b = REASON_NOT_FOLLOWED;
      break;
   }
}

static void
ext_inst_import(struct reflector *r, const struct insn *in)
{
   struct kr_id *set;
   if (!need(r, in, 3) || string_words(in, 2) == 0) {
      set_malformed(r, in->at);
      return;
   }
   if (!(set = define(r, in, in->w[1], 0)))
      return;
   if (string_matches(in, 2, "GLSL.std.450", true))
      set->a = EXT_GLSL;
   else if (string_matches(in, 2, "NonSemantic.", false))
      set->a = EXT_NON_SEMANTIC;
   else
      set->a = EXT_OTHER;
}

static void
entry_point(struct reflector *r, const struct insn *in)
{
   uint32_t name_words;
   if (!need(r, in, 4) || (name_words = string_words(in, 3)) == 0) {
      set_malformed(r, in->at);
      return;
   }
   /* The first entry point of that name and model (two would be invalid). */
   if (r->entry_at || in->w[1] != r->model || !r->name || !string_matches(in, 3, r->name, true))
      return;
   r->entry_at = in->at;
   r->entry_end = in->at + in->count;
   r->entry_interface = in->at + 3 + name_words;
   r->entry_function = in->w[2];
}

static void
memory_model(struct reflector *r, const struct insn *in)
{
   if (need(r, in, 3) && in->w[1] != SpvAddressingModelLogical)
      set_unknown(r, why_addressing, in->w[1]);
}

static void
function_begin(struct reflector *r, const struct insn *in)
{
   r->section = SECTION_FUNCTIONS;
   struct kr_id *f;
   if (!need(r, in, 5) || !(f = define(r, in, in->w[2], in->w[1])))
      return;
   if (r->func_count >= r->func_capacity) {
      set_malformed(r, in->at);
      return;
   }
   f->a = r->func_count;
   r->funcs[r->func_count] = (struct function){
      .id = in->w[2],
      .begin = in->at,
      .first_param = r->param_count,
   };
   r->open_function = ++r->func_count;
}

/* Inside a function, the module pass only finds its shape: parameters, body, end. */
static void
function_shape(struct reflector *r, const struct insn *in)
{
   struct function *f = &r->funcs[r->open_function - 1];
   switch (in->op) {
   case SpvOpFunction:
      set_malformed(r, in->at); /* nested */
      break;
   case SpvOpFunctionParameter:
      if (f->has_body || r->param_count >= r->param_capacity) {
         set_malformed(r, in->at);
         break;
      }
      f->param_count++;
      r->param_count++;
      break;
   case SpvOpLabel:
      f->has_body = true;
      break;
   case SpvOpFunctionEnd:
      f->end = in->at + in->count;
      r->open_function = 0;
      break;
   default:
      break;
   }
}

/* Declarations may not follow functions. */
static void
enter_declarations(struct reflector *r, const struct insn *in)
{
   if (r->section == SECTION_FUNCTIONS)
      set_malformed(r, in->at);
   r->section = SECTION_DECLARATIONS;
}

static void
module_insn(struct reflector *r, const struct insn *in)
{
   switch (in->op) {
   case SpvOpNop:
   case SpvOpSource:
   case SpvOpSourceContinued:
   case SpvOpSourceExtension:
   case SpvOpName:
   case SpvOpMemberName:
   case SpvOpModuleProcessed:
   case SpvOpLine:
   case SpvOpNoLine:
   case SpvOpExtension:
   case SpvOpExecutionMode:
   case SpvOpExecutionModeId:
      break;
   case SpvOpString:
      if (!need(r, in, 3) || string_words(in, 2) == 0)
         set_malformed(r, in->at);
      else
         define(r, in, in->w[1], 0);
      break;
   case SpvOpCapability:
      if (need(r, in, 2))
         capability(r, in->w[1]);
      break;
   case SpvOpExtInstImport:
      ext_inst_import(r, in);
      break;
   case SpvOpMemoryModel:
      memory_model(r, in);
      break;
   case SpvOpEntryPoint:
      entry_point(r, in);
      break;
   case SpvOpDecorate:
   case SpvOpMemberDecorate:
   case SpvOpDecorationGroup:
   case SpvOpGroupDecorate:
   case SpvOpGroupMemberDecorate:
   case SpvOpDecorateId:
   case SpvOpDecorateString:
   case SpvOpMemberDecorateString:
      annotation(r, in);
      break;
   case SpvOpTypeVoid:
   case SpvOpTypeBool:
   case SpvOpTypeInt:
   case SpvOpTypeFloat:
   case SpvOpTypeVector:
   case SpvOpTypeMatrix:
   case SpvOpTypeImage:
   case SpvOpTypeSampler:
   case SpvOpTypeSampledImage:
   case SpvOpTypeArray:
   case SpvOpTypeRuntimeArray:
   case SpvOpTypeStruct:
   case SpvOpTypePointer:
   case SpvOpTypeFunction:
   case SpvOpTypeForwardPointer:
   case SpvOpTypeAccelerationStructureKHR:
   case SpvOpTypeRayQueryKHR:
      enter_declarations(r, in);
      type_declaration(r, in);
      break;
   case SpvOpConstantTrue:
   case SpvOpConstantFalse:
   case SpvOpConstant:
   case SpvOpConstantComposite:
   case SpvOpConstantNull:
   case SpvOpConstantSampler:
   case SpvOpSpecConstantTrue:
   case SpvOpSpecConstantFalse:
   case SpvOpSpecConstant:
   case SpvOpSpecConstantComposite:
   case SpvOpSpecConstantOp:
   case SpvOpUndef:
      enter_declarations(r, in);
      constant(r, in);
      break;
   case SpvOpVariable:
      enter_declarations(r, in);
      global_variable(r, in);
      break;
   case SpvOpExtInst: /* non-semantic debug information at module scope */
      if (need(r, in, 5))
         define(r, in, in->w[2], in->w[1]);
      break;
   case SpvOpFunction:
      function_begin(r, in);
      break;
   default:
      set_unknown(r, why_opcode, in->op);
      break;
   }
}

static void
module_pass(struct reflector *r)
{
   uint32_t pos = 5;
   struct insn in;
   while (next_insn(r, &pos, r->words, &in)) {
      if (r->open_function)
         function_shape(r, &in);
      else
         module_insn(r, &in);
   }
   if (r->open_function)
      set_malformed(r, r->words); /* no OpFunctionEnd */
}

/* ---- the call graph */

/* The next OpFunctionCall in f from where the walk left it; false at its end. */
static bool
next_call(struct reflector *r, struct function *f, uint32_t *callee)
{
   struct insn in;
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
static struct function *
function_named(struct reflector *r, uint32_t id, uint32_t at)
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
order_functions(struct reflector *r, struct function *entry)
{
   uint32_t depth = 0;
   entry->dfs_state = 1;
   entry->dfs_pos = entry->begin;
   r->stack[depth++] = (uint32_t)(entry - r->funcs);
   while (depth > 0) {
      struct function *f = &r->funcs[r->stack[depth - 1]];
      uint32_t callee_id;
      if (!next_call(r, f, &callee_id)) {
         if (r->malformed)
            return false;
         f->dfs_state = 2;
         r->order[r->order_count++] = r->stack[--depth];
         continue;
      }
      struct function *g = function_named(r, callee_id, f->dfs_pos);
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

/* ---- the analysis of a function */

/* Defines a result; a pointer or image gets an unknown origin (reason), which the callers that
 * can follow it replace. */
static struct kr_id *
define_value(struct reflector *r, const struct insn *in, uint32_t id, uint32_t type,
             enum reason reason)
{
   struct kr_id *v = define(r, in, id, type);
   if (v && (is_pointer_type(r, type) || is_handle_type(r, type))) {
      v->origin = ORIGIN_UNKNOWN;
      v->b = reason;
   }
   return v;
}

static void
copy_origin(struct kr_id *to, const struct kr_id *from)
{
   to->origin = from->origin;
   to->b = from->b;
}

/* Charges an access to v's origin: a resource, a parameter of the function being analysed, or
 * unknown_memory. access 0 only records the use. */
static void
reach(struct reflector *r, const struct kr_id *v, uint8_t access)
{
   switch (v->origin) {
   case ORIGIN_RESOURCE:
      r->res[v->b].used = true;
      r->res[v->b].access |= access;
      break;
   case ORIGIN_PARAM:
      r->params[r->funcs[r->current].first_param + v->b] |= access;
      break;
   case ORIGIN_PUSH:
      r->push_constants = true;
      break;
   case ORIGIN_UNKNOWN:
      if (access)
         set_unknown(r, reason_text[v->b], 0);
      break;
   default: /* descriptor memory through a pointer of local origin: inconsistent */
      if (access)
         set_unknown(r, reason_text[REASON_NOT_FOLLOWED], 0);
      break;
   }
}

/* An access (ACCESS_*; 0: a use only) through pointer or image operand id. */
static void
touch(struct reflector *r, const struct insn *in, uint32_t id, uint8_t access)
{
   const struct kr_id *v = value(r, in, id);
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
derive(struct reflector *r, const struct insn *in, uint32_t base_word, bool pointer_only)
{
   if (!need(r, in, base_word + 1))
      return;
   const struct kr_id *base = value(r, in, in->w[base_word]);
   struct kr_id *v = base ? define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED) : NULL;
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
load(struct reflector *r, const struct insn *in)
{
   if (!need(r, in, 4))
      return;
   const struct kr_id *p = value(r, in, in->w[3]);
   struct kr_id *v = p ? define_value(r, in, in->w[2], in->w[1], REASON_LOADED) : NULL;
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
store(struct reflector *r, const struct insn *in)
{
   if (!need(r, in, 3))
      return;
   touch(r, in, in->w[1], ACCESS_WRITE);
   const struct kr_id *v = value(r, in, in->w[2]);
   if (v && (is_pointer_type(r, v->type) || is_handle_type(r, v->type)))
      set_unknown(r, why_stored_pointer, 0);
}

static void
copy_memory(struct reflector *r, const struct insn *in)
{
   if (!need(r, in, 3))
      return;
   touch(r, in, in->w[1], ACCESS_WRITE);
   touch(r, in, in->w[2], ACCESS_READ);
}

/* Every atomic reads and writes (conservative for OpAtomicLoad/OpAtomicStore). */
static void
atomic(struct reflector *r, const struct insn *in, bool has_result)
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
texel_pointer(struct reflector *r, const struct insn *in)
{
   if (!need(r, in, 6))
      return;
   const struct kr_id *image = value(r, in, in->w[3]);
   struct kr_id *v = image ? define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED) : NULL;
   if (!v)
      return;
   if (!is_pointer_type(r, image->type) || pointer_class(r, v->type) != SpvStorageClassImage) {
      set_malformed(r, in->at);
      return;
   }
   copy_origin(v, image);
   reach(r, image, 0);
}

/* Sampling, fetching, gathering, reading (image operand at word 3) or writing (word 1). */
static void
image_access(struct reflector *r, const struct insn *in, uint8_t access)
{
   bool write = in->op == SpvOpImageWrite;
   if (!need(r, in, write ? 4 : 5))
      return;
   if (!write && !define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED))
      return;
   touch(r, in, in->w[write ? 1 : 3], access);
}

static void
sampled_image(struct reflector *r, const struct insn *in)
{
   if (!need(r, in, 5))
      return;
   const struct kr_id *image = value(r, in, in->w[3]);
   const struct kr_id *sampler = image ? value(r, in, in->w[4]) : NULL;
   struct kr_id *v = sampler ? define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED)
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
pointer_query(struct reflector *r, const struct insn *in, uint32_t first, uint32_t last)
{
   if (!need(r, in, last + 1) || !define_value(r, in, in->w[2], in->w[1], REASON_NOT_FOLLOWED))
      return;
   for (uint32_t i = first; i <= last; i++)
      touch(r, in, in->w[i], 0);
}

static void
call(struct reflector *r, const struct insn *in)
{
   if (!need(r, in, 4))
      return;
   const struct function *g = function_named(r, in->w[3], in->at);
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
      const struct kr_id *arg = value(r, in, in->w[4 + j]);
      if (arg && (is_pointer_type(r, arg->type) || is_handle_type(r, arg->type)))
         touch(r, in, in->w[4 + j], r->params[g->first_param + j]);
   }
   define_value(r, in, in->w[2], in->w[1], REASON_RETURNED);
}

static void
function_parameter(struct reflector *r, const struct insn *in, uint32_t *index)
{
   const struct function *f = &r->funcs[r->current];
   struct kr_id *v;
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
   } else if (is_pointer_type(r, v->type) &&
              class_kind(r->ids[v->type].a) != CLASS_UNSUPPORTED) {
      v->origin = ORIGIN_LOCAL;
   }
}

static void
local_variable(struct reflector *r, const struct insn *in)
{
   struct kr_id *v;
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
ext_inst(struct reflector *r, const struct insn *in)
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

/* Instructions with a result that compute on values only; a pointer or image they make is
 * not followed. */
static bool
pure_value_op(uint32_t op)
{
   switch (op) {
   case SpvOpVectorExtractDynamic: case SpvOpVectorInsertDynamic: case SpvOpVectorShuffle:
   case SpvOpCompositeConstruct: case SpvOpCompositeExtract: case SpvOpCompositeInsert:
   case SpvOpTranspose: case SpvOpImageQueryFormat: case SpvOpImageQueryOrder:
   case SpvOpImageQuerySizeLod: case SpvOpImageQuerySize: case SpvOpImageQueryLod:
   case SpvOpImageQueryLevels: case SpvOpImageQuerySamples: case SpvOpConvertFToU:
   case SpvOpConvertFToS: case SpvOpConvertSToF: case SpvOpConvertUToF: case SpvOpUConvert:
   case SpvOpSConvert: case SpvOpFConvert: case SpvOpQuantizeToF16: case SpvOpConvertPtrToU:
   case SpvOpSatConvertSToU: case SpvOpSatConvertUToS: case SpvOpPtrCastToGeneric:
   case SpvOpGenericCastToPtr: case SpvOpGenericCastToPtrExplicit: case SpvOpSNegate:
   case SpvOpFNegate: case SpvOpIAdd: case SpvOpFAdd: case SpvOpISub: case SpvOpFSub:
   case SpvOpIMul: case SpvOpFMul: case SpvOpUDiv: case SpvOpSDiv: case SpvOpFDiv: case SpvOpUMod:
   case SpvOpSRem: case SpvOpSMod: case SpvOpFRem: case SpvOpFMod: case SpvOpVectorTimesScalar:
   case SpvOpMatrixTimesScalar: case SpvOpVectorTimesMatrix: case SpvOpMatrixTimesVector:
   case SpvOpMatrixTimesMatrix: case SpvOpOuterProduct: case SpvOpDot: case SpvOpIAddCarry:
   case SpvOpISubBorrow: case SpvOpUMulExtended: case SpvOpSMulExtended: case SpvOpAny:
   case SpvOpAll: case SpvOpIsNan: case SpvOpIsInf: case SpvOpIsFinite: case SpvOpIsNormal:
   case SpvOpSignBitSet: case SpvOpLessOrGreater: case SpvOpOrdered: case SpvOpUnordered:
   case SpvOpLogicalEqual: case SpvOpLogicalNotEqual: case SpvOpLogicalOr: case SpvOpLogicalAnd:
   case SpvOpLogicalNot: case SpvOpIEqual: case SpvOpINotEqual: case SpvOpUGreaterThan:
   case SpvOpSGreaterThan: case SpvOpUGreaterThanEqual: case SpvOpSGreaterThanEqual:
   case SpvOpULessThan: case SpvOpSLessThan: case SpvOpULessThanEqual: case SpvOpSLessThanEqual:
   case SpvOpFOrdEqual: case SpvOpFUnordEqual: case SpvOpFOrdNotEqual: case SpvOpFUnordNotEqual:
   case SpvOpFOrdLessThan: case SpvOpFUnordLessThan: case SpvOpFOrdGreaterThan:
   case SpvOpFUnordGreaterThan: case SpvOpFOrdLessThanEqual: case SpvOpFUnordLessThanEqual:
   case SpvOpFOrdGreaterThanEqual: case SpvOpFUnordGreaterThanEqual: case SpvOpShiftRightLogical:
   case SpvOpShiftRightArithmetic: case SpvOpShiftLeftLogical: case SpvOpBitwiseOr:
   case SpvOpBitwiseXor: case SpvOpBitwiseAnd: case SpvOpNot: case SpvOpBitFieldInsert:
   case SpvOpBitFieldSExtract: case SpvOpBitFieldUExtract: case SpvOpBitReverse:
   case SpvOpBitCount: case SpvOpDPdx: case SpvOpDPdy: case SpvOpFwidth: case SpvOpDPdxFine:
   case SpvOpDPdyFine: case SpvOpFwidthFine: case SpvOpDPdxCoarse: case SpvOpDPdyCoarse:
   case SpvOpFwidthCoarse: case SpvOpGroupNonUniformElect: case SpvOpGroupNonUniformAll:
   case SpvOpGroupNonUniformAny: case SpvOpGroupNonUniformAllEqual:
   case SpvOpGroupNonUniformBroadcast: case SpvOpGroupNonUniformBroadcastFirst:
   case SpvOpGroupNonUniformBallot: case SpvOpGroupNonUniformInverseBallot:
   case SpvOpGroupNonUniformBallotBitExtract: case SpvOpGroupNonUniformBallotBitCount:
   case SpvOpGroupNonUniformBallotFindLSB: case SpvOpGroupNonUniformBallotFindMSB:
   case SpvOpGroupNonUniformShuffle: case SpvOpGroupNonUniformShuffleXor:
   case SpvOpGroupNonUniformShuffleUp: case SpvOpGroupNonUniformShuffleDown:
   case SpvOpGroupNonUniformIAdd: case SpvOpGroupNonUniformFAdd: case SpvOpGroupNonUniformIMul:
   case SpvOpGroupNonUniformFMul: case SpvOpGroupNonUniformSMin: case SpvOpGroupNonUniformUMin:
   case SpvOpGroupNonUniformFMin: case SpvOpGroupNonUniformSMax: case SpvOpGroupNonUniformUMax:
   case SpvOpGroupNonUniformFMax: case SpvOpGroupNonUniformBitwiseAnd:
   case SpvOpGroupNonUniformBitwiseOr: case SpvOpGroupNonUniformBitwiseXor:
   case SpvOpGroupNonUniformLogicalAnd: case SpvOpGroupNonUniformLogicalOr:
   case SpvOpGroupNonUniformLogicalXor: case SpvOpGroupNonUniformQuadBroadcast:
   case SpvOpGroupNonUniformQuadSwap: case SpvOpImageSparseTexelsResident:
   case SpvOpCopyLogical: case SpvOpSubgroupBallotKHR: case SpvOpSubgroupFirstInvocationKHR:
   case SpvOpSubgroupAllKHR: case SpvOpSubgroupAnyKHR: case SpvOpSubgroupAllEqualKHR:
   case SpvOpGroupNonUniformRotateKHR: case SpvOpSubgroupReadInvocationKHR: case SpvOpSDot:
   case SpvOpUDot: case SpvOpSUDot: case SpvOpSDotAccSat: case SpvOpUDotAccSat:
   case SpvOpSUDotAccSat: case SpvOpReadClockKHR: case SpvOpIsHelperInvocationEXT:
   case SpvOpExpectKHR: case SpvOpGroupNonUniformPartitionNV:
      return true;
   default:
      return false;
   }
}

/* Instructions without a result that touch no memory. */
static bool
control_op(uint32_t op)
{
   switch (op) {
   case SpvOpNop:
   case SpvOpLine:
   case SpvOpNoLine:
   case SpvOpControlBarrier:
   case SpvOpMemoryBarrier:
   case SpvOpLoopMerge:
   case SpvOpSelectionMerge:
   case SpvOpBranch:
   case SpvOpBranchConditional:
   case SpvOpSwitch:
   case SpvOpKill:
   case SpvOpReturn:
   case SpvOpReturnValue:
   case SpvOpUnreachable:
   case SpvOpTerminateInvocation:
   case SpvOpDemoteToHelperInvocation:
   case SpvOpAssumeTrueKHR:
   case SpvOpFunction:    /* the module pass read it */
   case SpvOpFunctionEnd:
      return true;
   default:
      return false;
   }
}

static void
result_of(struct reflector *r, const struct insn *in, enum reason reason)
{
   if (need(r, in, 3))
      define_value(r, in, in->w[2], in->w[1], reason);
}

static void
analyse_insn(struct reflector *r, const struct insn *in, uint32_t *param_index)
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
      if (pure_value_op(in->op))
         result_of(r, in, REASON_NOT_FOLLOWED);
      else if (!control_op(in->op))
         set_unknown(r, why_opcode, in->op);
      break;
   }
}

static void
analyse_function(struct reflector *r, uint32_t index)
{
   const struct function *f = &r->funcs[index];
   r->current = index;
   r->owner = index + 1;
   uint32_t pos = f->begin, param_index = 0;
   struct insn in;
   while (next_insn(r, &pos, f->end, &in))
      analyse_insn(r, &in, &param_index);
   r->owner = 0;
}

/* From SPIR-V 1.4 on, the interface lists every global variable the entry point uses; before,
 * only its inputs and outputs. Either way its ids must be global variables. */
static void
entry_interface(struct reflector *r)
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
static bool
analyse_entry_point(struct reflector *r)
{
   if (!r->entry_at)
      return false;
   struct function *entry = function_named(r, r->entry_function, r->entry_at);
   if (!entry)
      return true;
   if (!entry->has_body) {
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

/* ---- the header, the tables, the answer */

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
header(struct reflector *r, const uint32_t *code, size_t size_bytes)
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
prescan(struct reflector *r)
{
   uint32_t pos = 5;
   struct insn in;
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
scratch(struct reflector *r, size_t count, size_t size)
{
   void *p = kr_zalloc(r->alloc, (count ? count : 1) * size, 8, VK_SYSTEM_ALLOCATION_SCOPE_COMMAND);
   if (!p)
      r->out_of_memory = true;
   return p;
}

static bool
allocate_tables(struct reflector *r)
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
free_tables(struct reflector *r)
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
public_resource(const struct resource *res)
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
build_answer(struct reflector *r, struct kr_spirv_reflection *out)
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
   struct reflector r = {
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
   module_pass(&r);
   if (!r.malformed && !analyse_entry_point(&r))
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
