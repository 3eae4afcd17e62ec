/* SPDX-License-Identifier: MIT */
/* The SPIR-V reflector's insides, shared by its files (kr_spirv_reflect.h is the interface).
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
#ifndef KR_SPIRV_INTERNAL_H
#define KR_SPIRV_INTERNAL_H

#include <spirv/unified1/spirv.h>
#include <stdbool.h>
#include <stdint.h>

#include "kr_spirv_reflect.h"

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

/* The other reasons for unknown_memory (kr_spirv_reflection::why). */
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
   ORIGIN_RESOURCE,  /* kr_spirv_id::b: index in kr_spirv_reflector::res */
   ORIGIN_PARAM,     /* kr_spirv_id::b: parameter index in the function being analysed */
   ORIGIN_UNKNOWN,   /* kr_spirv_id::b: enum reason */
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
   PARAM_FOLLOWED = 1u << 3,  /* kr_spirv_reflector::params: the parameter has an origin */
};

enum ext_set { EXT_OTHER, EXT_GLSL, EXT_NON_SEMANTIC };

enum class_kind { CLASS_LOCAL, CLASS_PUSH, CLASS_DESCRIPTOR, CLASS_UNSUPPORTED };

enum section { SECTION_ANNOTATIONS, SECTION_DECLARATIONS, SECTION_FUNCTIONS };

/* One per id below the bound. */
struct kr_spirv_id {
   uint16_t op;          /* the defining opcode; 0 while undefined */
   uint8_t origin;       /* enum origin, for values */
   uint8_t decorations;  /* DEC_* */
   uint8_t type_flags;   /* TYPE_*, for types */
   /* Values: the result type. Pointer types: the pointee. Array types: the element type under
    * all array levels. Sampled image types: the image type. */
   uint32_t type;
   /* Pointer types and variables: the storage class. Array types: the element count under all
    * levels (0 unknown). Image types: Dim. OpConstant: its value (0 if it does not fit 32
    * bits). Functions: the index in kr_spirv_reflector::funcs. Extended instruction sets:
    * enum ext_set. */
   uint32_t a;
   /* Image types: Sampled. Struct types: the member count. Values: the origin's index. */
   uint32_t b;
   uint32_t owner;  /* 0: module scope; else the defining function's index + 1 */
   uint32_t set, binding;
   uint16_t members_non_writable, members_non_readable;  /* struct types, saturating */
};

struct kr_spirv_function {
   uint32_t id;
   uint32_t begin, end;  /* word offsets: its OpFunction, and past its OpFunctionEnd */
   uint32_t first_param; /* index in kr_spirv_reflector::params */
   uint32_t param_count;
   uint32_t dfs_pos;     /* where the call graph walk goes on reading it */
   uint8_t dfs_state;    /* 0: not seen, 1: on the walk's stack, 2: done */
   bool has_body;
};

struct kr_spirv_variable {
   uint32_t set, binding;
   enum kr_spirv_descriptor_kind kind;
   uint32_t array_size;
   uint8_t access;       /* ACCESS_* */
   bool used;            /* by the call tree */
   bool in_interface;    /* listed by the entry point (SPIR-V >= 1.4) */
   bool non_writable, non_readable;
};

struct kr_spirv_insn {
   const uint32_t *w;  /* w[0] is the opcode word; w[1 .. count) the operands */
   uint32_t count;
   uint32_t op;
   uint32_t at;        /* word offset in the module */
};

struct kr_spirv_reflector {
   const uint32_t *code;
   uint32_t words;
   uint32_t bound;
   uint32_t version;
   const VkAllocationCallbacks *alloc;

   struct kr_spirv_id *ids;
   struct kr_spirv_function *funcs;
   uint32_t func_count, func_capacity;
   uint8_t *params;  /* ACCESS_* through each function parameter, once its function is done */
   uint32_t param_count, param_capacity;
   struct kr_spirv_variable *res;
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

static inline void
set_unknown(struct kr_spirv_reflector *r, const char *why, uint32_t value)
{
   if (!r->why) {
      r->why = why;
      r->why_value = value;
   }
}

static inline void
set_malformed(struct kr_spirv_reflector *r, uint32_t at)
{
   if (!r->malformed) {
      r->malformed = true;
      r->malformed_at = at;
   }
}

/* Whether the instruction has at least n words; malformed otherwise. */
static inline bool
need(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint32_t n)
{
   if (in->count >= n)
      return true;
   set_malformed(r, in->at);
   return false;
}

/* The instruction at *pos (before end), moving *pos past it; false at end or when the
 * instruction's word count is 0 or runs past end (malformed). */
static inline bool
next_insn(struct kr_spirv_reflector *r, uint32_t *pos, uint32_t end, struct kr_spirv_insn *in)
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

/* Defines id (the result of an instruction of opcode op); NULL and malformed when it is 0, not
 * below the bound, or already defined. Decorations applied earlier are kept. */
static inline struct kr_spirv_id *
define(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint32_t id, uint32_t type)
{
   if (id == 0 || id >= r->bound || r->ids[id].op != 0) {
      set_malformed(r, in->at);
      return NULL;
   }
   struct kr_spirv_id *v = &r->ids[id];
   v->op = (uint16_t)in->op;
   v->type = type;
   v->owner = r->owner;
   v->origin = ORIGIN_NONE;
   return v;
}

/* The type id t's entry, or NULL when t is not below the bound (types are looked up leniently:
 * an undefined type is no pointer and no image, which only makes the answer more
 * conservative where it matters, see the callers). */
static inline const struct kr_spirv_id *
type_of(const struct kr_spirv_reflector *r, uint32_t t)
{
   return t < r->bound ? &r->ids[t] : NULL;
}

static inline bool
is_pointer_type(const struct kr_spirv_reflector *r, uint32_t t)
{
   const struct kr_spirv_id *type = type_of(r, t);
   return type && type->op == SpvOpTypePointer;
}

static inline bool
is_handle_type(const struct kr_spirv_reflector *r, uint32_t t)
{
   const struct kr_spirv_id *type = type_of(r, t);
   return type && (type->type_flags & TYPE_HANDLE);
}

static inline bool
holds_pointer(const struct kr_spirv_reflector *r, uint32_t t)
{
   const struct kr_spirv_id *type = type_of(r, t);
   return type && (type->op == SpvOpTypePointer || (type->type_flags & TYPE_HOLDS_POINTER));
}

static inline bool
is_array_type(const struct kr_spirv_id *type)
{
   return type && (type->op == SpvOpTypeArray || type->op == SpvOpTypeRuntimeArray);
}

static inline enum class_kind
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
static inline uint32_t
pointer_class(const struct kr_spirv_reflector *r, uint32_t t)
{
   return is_pointer_type(r, t) ? r->ids[t].a : UINT32_MAX;
}

/* Whether op declares a type (some types keep an id in kr_spirv_id::type, so a type is not told
 * from a value by that alone). */
static inline bool
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
static inline struct kr_spirv_id *
value(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint32_t id)
{
   if (id == 0 || id >= r->bound) {
      set_malformed(r, in->at);
      return NULL;
   }
   struct kr_spirv_id *v = &r->ids[id];
   if (v->op == 0 || v->type == 0 || is_type_opcode(v->op) ||
       (v->owner != 0 && v->owner != r->owner)) {
      set_malformed(r, in->at);
      return NULL;
   }
   return v;
}

/* kr_spirv_tables.c: which opcodes and capabilities the reflector understands. */
bool kr_spirv_capability_understood(uint32_t capability);
bool kr_spirv_pure_value_op(uint32_t op);
bool kr_spirv_control_op(uint32_t op);

/* kr_spirv_module.c: step 2. */
void kr_spirv_module_pass(struct kr_spirv_reflector *r);

/* kr_spirv_analyse.c: steps 3 and 4. false: no such entry point. */
bool kr_spirv_analyse_entry_point(struct kr_spirv_reflector *r);

#endif
