/* SPDX-License-Identifier: MIT */
/* SPIR-V reflection for the barrier policy (DESIGN §4.3, issue 11): which descriptors an entry
 * point can touch, and whether it can read, write or atomically update each. Pure logic: no
 * Vulkan calls, no SPIR-V library (SPIRV-Headers only).
 *
 * The answer must never be less conservative than the truth: a descriptor reported read-only
 * that the shader writes is a missing barrier. So read/written come from the code itself (every
 * load, store, copy, atomic and image access reachable from the entry point, followed through
 * access chains, copies and function parameters); what the reflector cannot follow sets
 * unknown_memory, which means "this pipeline may touch any memory": physical storage buffer
 * pointers (buffer device addresses), pointers chosen by OpPhi/OpSelect, loaded from memory or
 * returned by functions, unknown opcodes, capabilities, storage classes or extended instruction
 * sets, recursion, and malformed input. The VariablePointers capabilities alone are not a
 * reason: what they allow is caught where it happens, and OpPtrAccessChain stays inside the
 * buffer its base points into. Every word read is bounds-checked; malformed SPIR-V gives
 * unknown_memory with why = KR_SPIRV_WHY_MALFORMED, never a crash. */
#ifndef KR_SPIRV_REFLECT_H
#define KR_SPIRV_REFLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

/* What a (set, binding) holds, as far as SPIR-V tells. A uniform block may be bound as a uniform
 * buffer (dynamic or not) or as an inline uniform block, and a storage block as a storage buffer
 * (dynamic or not): SPIR-V does not say which. */
enum kr_spirv_descriptor_kind {
   KR_SPIRV_DESCRIPTOR_UNKNOWN = 0,
   KR_SPIRV_DESCRIPTOR_STORAGE_BUFFER,
   KR_SPIRV_DESCRIPTOR_UNIFORM_BUFFER, /* or inline uniform block */
   KR_SPIRV_DESCRIPTOR_STORAGE_IMAGE,
   KR_SPIRV_DESCRIPTOR_SAMPLED_IMAGE,
   KR_SPIRV_DESCRIPTOR_COMBINED_IMAGE_SAMPLER,
   KR_SPIRV_DESCRIPTOR_SAMPLER,
   KR_SPIRV_DESCRIPTOR_UNIFORM_TEXEL_BUFFER,
   KR_SPIRV_DESCRIPTOR_STORAGE_TEXEL_BUFFER,
   KR_SPIRV_DESCRIPTOR_ACCELERATION_STRUCTURE,
};

struct kr_spirv_resource {
   uint32_t set;
   uint32_t binding;
   enum kr_spirv_descriptor_kind kind;
   /* 1 for a single descriptor; the element count of a descriptor array (arrays of arrays
    * multiplied); 0 when not known: runtime arrays, or lengths given by specialization
    * constants. */
   uint32_t array_size;
   /* What the code can do to the memory behind the descriptor. Samplers and acceleration
    * structures count as read when the code uses them at all; an image only queried
    * (imageSize) is neither read nor written. Atomics count as read and written too. */
   bool read;
   bool written;
   bool atomic;
   /* What the declaration promises (NonWritable / NonReadable on the variable, or on every
    * member of its block). Reported as written, not trusted: the flags above come from the code,
    * so a module that breaks its promise still gets its barrier. */
   bool decorated_non_writable;
   bool decorated_non_readable;
};

/* Reasons for unknown_memory (the why pointer is one of these, or another static string). */
extern const char KR_SPIRV_WHY_MALFORMED[];       /* "malformed SPIR-V" */
extern const char KR_SPIRV_WHY_NO_ENTRY_POINT[];  /* "no such entry point" */
extern const char KR_SPIRV_WHY_OUT_OF_MEMORY[];   /* "out of host memory" */

struct kr_spirv_reflection {
   /* Sorted by (set, binding), one entry per binding (variables aliasing one binding are
    * merged). Resources the entry point's call tree uses, plus, from SPIR-V 1.4 on, any others
    * its interface lists (neither read nor written then). NULL when there are none. */
   struct kr_spirv_resource *resources;
   uint32_t resource_count;
   /* The call tree uses the push constant block (or, from 1.4, the interface lists it). */
   bool push_constants;
   /* The entry point may touch memory no descriptor above names, or in a way the reflector
    * could not follow: treat it as touching everything. Every resource listed is then marked
    * read and written, and the list may be incomplete (empty for malformed modules). */
   bool unknown_memory;
   const char *why;    /* the first reason, a static string; NULL when !unknown_memory */
   uint32_t why_value; /* what the reason names (opcode, capability, storage class, or the word
                        * offset of malformed input), 0 when nothing */
   uint32_t version;   /* the module's SPIR-V version word (0x00010300 is 1.3); 0 if unread */
};

enum kr_spirv_reflect_result {
   /* out describes the entry point; check out->unknown_memory before trusting it (malformed
    * modules land here, with unknown_memory set). */
   KR_SPIRV_REFLECT_OK = 0,
   /* The module was read, but has no entry point of that name for that stage. out is the
    * conservative answer (unknown_memory, why = KR_SPIRV_WHY_NO_ENTRY_POINT). */
   KR_SPIRV_REFLECT_NO_ENTRY_POINT,
   /* A host allocation failed; out is the conservative answer (why =
    * KR_SPIRV_WHY_OUT_OF_MEMORY) and holds nothing to free. */
   KR_SPIRV_REFLECT_OUT_OF_MEMORY,
};

/* Reflects the entry point `entry_point` of execution model matching `stage` (compute:
 * GLCompute) in the SPIR-V module `code` of `size_bytes` bytes (4-byte aligned, host byte
 * order). Allocations go through `alloc` (NULL: the C library): scratch in COMMAND scope,
 * out->resources in OBJECT scope. out is always written; release it with
 * kr_spirv_reflection_finish. Never reads outside code[0 .. size_bytes). */
enum kr_spirv_reflect_result kr_spirv_reflect(const uint32_t *code, size_t size_bytes,
                                              const char *entry_point,
                                              VkShaderStageFlagBits stage,
                                              const VkAllocationCallbacks *alloc,
                                              struct kr_spirv_reflection *out);

/* The resource at (set, binding), or NULL. */
const struct kr_spirv_resource *kr_spirv_reflection_find(const struct kr_spirv_reflection *r,
                                                         uint32_t set, uint32_t binding);

void kr_spirv_reflection_finish(struct kr_spirv_reflection *r,
                                const VkAllocationCallbacks *alloc);

/* Limits: larger modules are not analysed (unknown_memory, why names the limit). The id bound
 * must also not exceed the module's word count (a module defines at most one id per two words;
 * compilers write tight bounds), so the id table stays proportional to the input. */
#define KR_SPIRV_MAX_WORDS (1u << 22)

#endif
