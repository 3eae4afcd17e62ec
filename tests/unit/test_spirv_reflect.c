/* SPDX-License-Identifier: MIT */
/* Unit tests of the SPIR-V reflector (src/kr_spirv_reflect.h) on modules compiled at build time
 * (tests/unit/spirv: GLSL through glslc for SPIR-V 1.3 and 1.6, and hand-written assembly),
 * and on small hand-built modules for malformed input, limits, recursion and allocation
 * failures. Every expectation names the binding, its kind and array size, and exactly what the
 * code does to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <spirv/unified1/spirv.h>
#include <vulkan/vulkan.h>

#include "kr_spirv_reflect.h"

#include "access_v10_spv.h"
#include "access_v11_spv.h"
#include "access_v13_opt_spv.h"
#include "access_v13_spv.h"
#include "arrays_v11_spv.h"
#include "arrays_v13_spv.h"
#include "buffer_reference_spv.h"
#include "call_pointer_spv.h"
#include "copy_memory_spv.h"
#include "functions_v11_spv.h"
#include "functions_v11_opt_spv.h"
#include "functions_v13_spv.h"
#include "images_v11_spv.h"
#include "images_v11_opt_spv.h"
#include "images_v13_spv.h"
#include "interface14_spv.h"
#include "multi_entry_spv.h"
#include "ptr_access_chain_spv.h"
#include "select_pointer_spv.h"
#include "variable_pointer_spv.h"

#define SB KR_SPIRV_DESCRIPTOR_STORAGE_BUFFER
#define UB KR_SPIRV_DESCRIPTOR_UNIFORM_BUFFER
#define SI KR_SPIRV_DESCRIPTOR_STORAGE_IMAGE
#define TEX KR_SPIRV_DESCRIPTOR_SAMPLED_IMAGE
#define CIS KR_SPIRV_DESCRIPTOR_COMBINED_IMAGE_SAMPLER
#define SMP KR_SPIRV_DESCRIPTOR_SAMPLER
#define UTB KR_SPIRV_DESCRIPTOR_UNIFORM_TEXEL_BUFFER
#define STB KR_SPIRV_DESCRIPTOR_STORAGE_TEXEL_BUFFER

static struct kr_spirv_reflection
reflect_ok(const uint32_t *code, size_t size, const char *entry)
{
   struct kr_spirv_reflection r;
   enum kr_spirv_reflect_result result =
      kr_spirv_reflect(code, size, entry, VK_SHADER_STAGE_COMPUTE_BIT, NULL, &r);
   assert_int_equal(result, KR_SPIRV_REFLECT_OK);
   return r;
}

/* The resource at (set, binding) is there, of that kind and array size, and the code does
 * exactly `access` to it: a string of 'r' (read), 'w' (written), 'a' (atomic). */
static const struct kr_spirv_resource *
expect_resource(const struct kr_spirv_reflection *r, uint32_t set, uint32_t binding,
                enum kr_spirv_descriptor_kind kind, uint32_t array_size, const char *access)
{
   const struct kr_spirv_resource *res = kr_spirv_reflection_find(r, set, binding);
   if (!res)
      print_error("no resource at set %u binding %u\n", set, binding);
   assert_non_null(res);
   if (res->read != (strchr(access, 'r') != NULL) ||
       res->written != (strchr(access, 'w') != NULL) ||
       res->atomic != (strchr(access, 'a') != NULL))
      print_error("set %u binding %u: expected \"%s\", got read %d written %d atomic %d\n", set,
                  binding, access, res->read, res->written, res->atomic);
   assert_int_equal(res->set, set);
   assert_int_equal(res->binding, binding);
   assert_int_equal(res->kind, kind);
   assert_int_equal(res->array_size, array_size);
   assert_int_equal(res->read, strchr(access, 'r') != NULL);
   assert_int_equal(res->written, strchr(access, 'w') != NULL);
   assert_int_equal(res->atomic, strchr(access, 'a') != NULL);
   return res;
}

static void
expect_decorated(const struct kr_spirv_resource *res, bool non_writable, bool non_readable)
{
   assert_int_equal(res->decorated_non_writable, non_writable);
   assert_int_equal(res->decorated_non_readable, non_readable);
}

static void
expect_known(const struct kr_spirv_reflection *r, uint32_t resource_count)
{
   if (r->unknown_memory)
      print_error("unknown memory: %s (%u)\n", r->why, r->why_value);
   assert_false(r->unknown_memory);
   assert_null(r->why);
   assert_int_equal(r->resource_count, resource_count);
}

static void
expect_malformed(const uint32_t *code, size_t size)
{
   struct kr_spirv_reflection r;
   assert_int_equal(kr_spirv_reflect(code, size, "main", VK_SHADER_STAGE_COMPUTE_BIT, NULL, &r),
                    KR_SPIRV_REFLECT_OK);
   assert_true(r.unknown_memory);
   assert_ptr_equal(r.why, KR_SPIRV_WHY_MALFORMED);
   assert_int_equal(r.resource_count, 0);
   assert_null(r.resources);
   kr_spirv_reflection_finish(&r, NULL);
}

/* ---- buffers */

/* The buffer accesses of access.comp, the same whatever the SPIR-V version. */
static void
expect_access_comp(const struct kr_spirv_reflection *r)
{
   const struct kr_spirv_resource *res;
   expect_resource(r, 0, 0, SB, 1, "r"); /* not declared readonly, only loaded */
   expect_resource(r, 0, 1, SB, 1, "w");
   expect_resource(r, 0, 2, SB, 1, "rwa");
   res = expect_resource(r, 0, 3, SB, 1, "w");
   expect_decorated(res, false, true);
   res = expect_resource(r, 0, 4, SB, 1, "r");
   expect_decorated(res, true, false);
   res = expect_resource(r, 1, 0, UB, 1, "r");
   expect_decorated(res, false, false);
   expect_resource(r, 1, 1, SB, 1, ""); /* .length() reads no memory */
   expect_resource(r, 1, 2, SB, 1, "rw");
   assert_true(r->push_constants);
}

static void
test_buffers_spirv_1_0(void **state)
{
   (void)state;
   /* Storage buffers are Uniform variables of BufferBlock structs before SPIR-V 1.3. */
   struct kr_spirv_reflection r = reflect_ok(access_v10_spv, access_v10_spv_size, "main");
   assert_int_equal(r.version, 0x00010000);
   expect_known(&r, 8);
   expect_access_comp(&r);
   kr_spirv_reflection_finish(&r, NULL);
}

static void
test_buffers_spirv_1_3(void **state)
{
   (void)state;
   struct kr_spirv_reflection r = reflect_ok(access_v11_spv, access_v11_spv_size, "main");
   assert_int_equal(r.version, 0x00010300);
   /* The unused buffer (0, 5) is not used by the call tree: absent. */
   expect_known(&r, 8);
   expect_access_comp(&r);
   assert_null(kr_spirv_reflection_find(&r, 0, 5));
   kr_spirv_reflection_finish(&r, NULL);
}

static void
test_buffers_spirv_1_6(void **state)
{
   (void)state;
   struct kr_spirv_reflection r = reflect_ok(access_v13_spv, access_v13_spv_size, "main");
   assert_int_equal(r.version, 0x00010600);
   /* glslang lists the unused buffer in the 1.6 interface: present, neither read nor written */
   expect_known(&r, 9);
   expect_access_comp(&r);
   expect_resource(&r, 0, 5, SB, 1, "");
   kr_spirv_reflection_finish(&r, NULL);

   /* Optimized, the unused buffer leaves the interface. */
   r = reflect_ok(access_v13_opt_spv, access_v13_opt_spv_size, "main");
   expect_known(&r, 8);
   expect_access_comp(&r);
   assert_null(kr_spirv_reflection_find(&r, 0, 5));
   kr_spirv_reflection_finish(&r, NULL);
}

/* ---- images, samplers, texel buffers */

static void
test_images(void **state)
{
   (void)state;
   const struct {
      const uint32_t *code;
      size_t size;
   } modules[] = {
      {images_v11_spv, sizeof(images_v11_spv)},
      {images_v13_spv, sizeof(images_v13_spv)},
      {images_v11_opt_spv, sizeof(images_v11_opt_spv)},
   };
   for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
      struct kr_spirv_reflection r = reflect_ok(modules[i].code, modules[i].size, "main");
      const struct kr_spirv_resource *res;
      expect_known(&r, 11);
      expect_resource(&r, 0, 0, SI, 1, "r");
      expect_resource(&r, 0, 1, SI, 1, "w");
      expect_resource(&r, 0, 2, SI, 1, "rwa");
      expect_resource(&r, 0, 3, CIS, 1, "r");
      expect_resource(&r, 0, 4, TEX, 1, "r");
      expect_resource(&r, 0, 5, SMP, 1, "r");
      expect_resource(&r, 0, 6, UTB, 1, "r");
      expect_resource(&r, 0, 7, STB, 1, "w");
      expect_resource(&r, 0, 8, SI, 1, ""); /* imageSize only */
      res = expect_resource(&r, 0, 9, SI, 1, "r");
      expect_decorated(res, true, false);
      res = expect_resource(&r, 0, 10, SI, 1, "w");
      expect_decorated(res, false, true);
      assert_false(r.push_constants);
      kr_spirv_reflection_finish(&r, NULL);
   }
}

static void
test_descriptor_arrays(void **state)
{
   (void)state;
   const uint32_t *codes[] = {arrays_v11_spv, arrays_v13_spv};
   const size_t sizes[] = {sizeof(arrays_v11_spv), sizeof(arrays_v13_spv)};
   for (size_t i = 0; i < 2; i++) {
      struct kr_spirv_reflection r = reflect_ok(codes[i], sizes[i], "main");
      expect_known(&r, 5);
      expect_resource(&r, 0, 0, SB, 4, "r");
      expect_resource(&r, 0, 1, SB, 0, "w");  /* runtime array */
      expect_resource(&r, 0, 2, CIS, 8, "r");
      expect_resource(&r, 0, 3, SI, 6, "w");
      expect_resource(&r, 0, 4, CIS, 0, "r"); /* sized by a specialization constant */
      kr_spirv_reflection_finish(&r, NULL);
   }
}

/* ---- through functions */

static void
test_function_parameters_glsl(void **state)
{
   (void)state;
   /* The same answer with the calls kept (1.3 and 1.6) and with all of them inlined. */
   const uint32_t *codes[] = {functions_v11_spv, functions_v13_spv, functions_v11_opt_spv};
   const size_t sizes[] = {sizeof(functions_v11_spv), sizeof(functions_v13_spv),
                           sizeof(functions_v11_opt_spv)};
   for (size_t i = 0; i < 3; i++) {
      struct kr_spirv_reflection r = reflect_ok(codes[i], sizes[i], "main");
      expect_known(&r, 6);
      expect_resource(&r, 0, 0, SB, 1, "r");  /* copied into an in parameter */
      expect_resource(&r, 0, 1, SB, 1, "rw"); /* inout: copied in, copied back */
      expect_resource(&r, 0, 2, SI, 1, "w");  /* imageStore in a callee */
      expect_resource(&r, 0, 3, SI, 1, "r");  /* imageLoad in a callee */
      expect_resource(&r, 0, 4, CIS, 1, "r"); /* texelFetch in a callee's callee */
      expect_resource(&r, 0, 5, SB, 1, "w");  /* stored by a callee directly */
      kr_spirv_reflection_finish(&r, NULL);
   }
}

static void
test_function_parameters_spirv(void **state)
{
   (void)state;
   struct kr_spirv_reflection r = reflect_ok(call_pointer_spv, sizeof(call_pointer_spv), "main");
   expect_known(&r, 4);
   expect_resource(&r, 0, 0, SB, 1, "r");  /* load_from(a) */
   expect_resource(&r, 0, 1, SB, 1, "w");  /* forward(b) calls store_to(b) */
   expect_resource(&r, 0, 2, SB, 1, "rw"); /* load_from(c), store_to(c) */
   expect_resource(&r, 0, 3, SB, 1, "");   /* length_of(d) */
   assert_null(kr_spirv_reflection_find(&r, 0, 4)); /* only a function nothing calls writes e */
   kr_spirv_reflection_finish(&r, NULL);
}

/* ---- pointers */

static void
test_ptr_access_chain(void **state)
{
   (void)state;
   struct kr_spirv_reflection r =
      reflect_ok(ptr_access_chain_spv, sizeof(ptr_access_chain_spv), "main");
   expect_known(&r, 2);
   expect_resource(&r, 0, 0, SB, 1, "w");
   expect_resource(&r, 0, 1, SB, 1, "r");
   kr_spirv_reflection_finish(&r, NULL);
}

static void
test_copy_memory_and_atomic_load(void **state)
{
   (void)state;
   struct kr_spirv_reflection r = reflect_ok(copy_memory_spv, sizeof(copy_memory_spv), "main");
   expect_known(&r, 3);
   expect_resource(&r, 0, 0, SB, 1, "w");
   expect_resource(&r, 0, 1, SB, 1, "r");
   expect_resource(&r, 0, 2, SB, 1, "rwa"); /* every atomic counts as read and written */
   kr_spirv_reflection_finish(&r, NULL);
}

/* When unknown_memory is set, every resource listed is read and written. */
static void
expect_all_written(const struct kr_spirv_reflection *r)
{
   for (uint32_t i = 0; i < r->resource_count; i++) {
      assert_true(r->resources[i].read);
      assert_true(r->resources[i].written);
   }
}

static void
test_select_of_pointers_is_unknown(void **state)
{
   (void)state;
   struct kr_spirv_reflection r =
      reflect_ok(select_pointer_spv, sizeof(select_pointer_spv), "main");
   assert_true(r.unknown_memory);
   assert_non_null(strstr(r.why, "OpSelect"));
   assert_int_equal(r.resource_count, 2);
   expect_resource(&r, 0, 0, SB, 1, "rw");
   expect_resource(&r, 0, 1, SB, 1, "rw");
   kr_spirv_reflection_finish(&r, NULL);
}

static void
test_pointer_in_variable_is_unknown(void **state)
{
   (void)state;
   struct kr_spirv_reflection r =
      reflect_ok(variable_pointer_spv, sizeof(variable_pointer_spv), "main");
   assert_true(r.unknown_memory);
   assert_non_null(strstr(r.why, "pointer held in memory"));
   expect_all_written(&r);
   kr_spirv_reflection_finish(&r, NULL);
}

static void
test_buffer_reference_is_unknown(void **state)
{
   (void)state;
   struct kr_spirv_reflection r =
      reflect_ok(buffer_reference_spv, sizeof(buffer_reference_spv), "main");
   assert_true(r.unknown_memory);
   assert_non_null(strstr(r.why, "physical storage buffer"));
   assert_int_equal(r.why_value, SpvCapabilityPhysicalStorageBufferAddresses);
   assert_true(r.push_constants);
   /* The descriptor it also reads is still listed, conservatively written. */
   const struct kr_spirv_resource *res = expect_resource(&r, 0, 0, SB, 1, "rw");
   expect_decorated(res, true, false);
   kr_spirv_reflection_finish(&r, NULL);
}

/* ---- entry points and interfaces */

static void
test_entry_points(void **state)
{
   (void)state;
   struct kr_spirv_reflection r = reflect_ok(multi_entry_spv, sizeof(multi_entry_spv), "first");
   expect_known(&r, 2);
   expect_resource(&r, 0, 0, SB, 1, "w");
   expect_resource(&r, 0, 2, SB, 1, "r");
   kr_spirv_reflection_finish(&r, NULL);

   r = reflect_ok(multi_entry_spv, sizeof(multi_entry_spv), "second");
   expect_known(&r, 2);
   expect_resource(&r, 0, 1, SB, 1, "r");
   expect_resource(&r, 0, 2, SB, 1, "r");
   kr_spirv_reflection_finish(&r, NULL);

   /* The same name for another stage is another entry point. */
   assert_int_equal(kr_spirv_reflect(multi_entry_spv, sizeof(multi_entry_spv), "first",
                                     VK_SHADER_STAGE_VERTEX_BIT, NULL, &r),
                    KR_SPIRV_REFLECT_OK);
   expect_known(&r, 1);
   expect_resource(&r, 0, 3, SB, 1, "w");
   kr_spirv_reflection_finish(&r, NULL);

   const struct {
      const char *name;
      VkShaderStageFlagBits stage;
   } missing[] = {
      {"main", VK_SHADER_STAGE_COMPUTE_BIT},
      {"firs", VK_SHADER_STAGE_COMPUTE_BIT},
      {"first_", VK_SHADER_STAGE_COMPUTE_BIT},
      {"second", VK_SHADER_STAGE_FRAGMENT_BIT},
      {"first", VK_SHADER_STAGE_ALL},
      {NULL, VK_SHADER_STAGE_COMPUTE_BIT},
   };
   for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
      assert_int_equal(kr_spirv_reflect(multi_entry_spv, sizeof(multi_entry_spv),
                                        missing[i].name, missing[i].stage, NULL, &r),
                       KR_SPIRV_REFLECT_NO_ENTRY_POINT);
      assert_true(r.unknown_memory);
      assert_ptr_equal(r.why, KR_SPIRV_WHY_NO_ENTRY_POINT);
      assert_int_equal(r.resource_count, 0);
      kr_spirv_reflection_finish(&r, NULL);
   }
}

static void
test_interface_spirv_1_4(void **state)
{
   (void)state;
   struct kr_spirv_reflection r = reflect_ok(interface14_spv, sizeof(interface14_spv), "main");
   assert_int_equal(r.version, 0x00010400);
   expect_known(&r, 2);
   expect_resource(&r, 0, 0, SB, 1, "r");
   expect_resource(&r, 0, 1, SB, 1, ""); /* listed, unused */
   assert_null(kr_spirv_reflection_find(&r, 0, 2)); /* neither */
   assert_true(r.push_constants);                    /* listed, unused */
   kr_spirv_reflection_finish(&r, NULL);
}

/* ---- hand-built modules */

struct module {
   uint32_t w[512];
   uint32_t n;
};

static void
emit(struct module *m, uint32_t op, uint32_t operand_count, ...)
{
   va_list args;
   va_start(args, operand_count);
   m->w[m->n++] = ((operand_count + 1) << 16) | op;
   for (uint32_t i = 0; i < operand_count; i++)
      m->w[m->n++] = va_arg(args, uint32_t);
   va_end(args);
}

/* "main" as a literal string: 'm' 'a' 'i' 'n', then a word holding the NUL. */
#define MAIN_WORDS 0x6e69616du, 0u

enum {
   ID_VOID = 1, ID_FN, ID_UINT, ID_C0, ID_RTA, ID_BLOCK, ID_PTR_BLOCK, ID_PTR_ELEM, ID_BUF,
   ID_MAIN, ID_LABEL, ID_CHAIN, ID_HELPER, ID_HELPER_LABEL, ID_CALL, ID_CALL2, ID_PTR_OTHER,
   ID_FN_PTR, ID_PARAM, ID_BOUND,
};

static void
module_header(struct module *m, uint32_t bound)
{
   m->n = 0;
   uint32_t header[] = {SpvMagicNumber, 0x00010300, 0, bound, 0};
   for (size_t i = 0; i < 5; i++)
      m->w[m->n++] = header[i];
}

/* The preamble and declarations of a compute module whose main stores to a storage buffer at
 * (0, 0); main's body follows (build_module finishes it). */
static void
module_declarations(struct module *m)
{
   module_header(m, ID_BOUND);
   emit(m, SpvOpCapability, 1, SpvCapabilityShader);
   emit(m, SpvOpMemoryModel, 2, SpvAddressingModelLogical, SpvMemoryModelGLSL450);
   emit(m, SpvOpEntryPoint, 4, SpvExecutionModelGLCompute, ID_MAIN, MAIN_WORDS);
   emit(m, SpvOpDecorate, 3, ID_RTA, SpvDecorationArrayStride, 4);
   emit(m, SpvOpMemberDecorate, 4, ID_BLOCK, 0, SpvDecorationOffset, 0);
   emit(m, SpvOpDecorate, 2, ID_BLOCK, SpvDecorationBlock);
   emit(m, SpvOpDecorate, 3, ID_BUF, SpvDecorationDescriptorSet, 0);
   emit(m, SpvOpDecorate, 3, ID_BUF, SpvDecorationBinding, 0);
   emit(m, SpvOpTypeVoid, 1, ID_VOID);
   emit(m, SpvOpTypeFunction, 2, ID_FN, ID_VOID);
   emit(m, SpvOpTypeInt, 3, ID_UINT, 32, 0);
   emit(m, SpvOpConstant, 3, ID_UINT, ID_C0, 0);
   emit(m, SpvOpTypeRuntimeArray, 2, ID_RTA, ID_UINT);
   emit(m, SpvOpTypeStruct, 2, ID_BLOCK, ID_RTA);
   emit(m, SpvOpTypePointer, 3, ID_PTR_BLOCK, SpvStorageClassStorageBuffer, ID_BLOCK);
   emit(m, SpvOpTypePointer, 3, ID_PTR_ELEM, SpvStorageClassStorageBuffer, ID_UINT);
   emit(m, SpvOpVariable, 3, ID_PTR_BLOCK, ID_BUF, SpvStorageClassStorageBuffer);
}

static void
main_store(struct module *m)
{
   emit(m, SpvOpFunction, 4, ID_VOID, ID_MAIN, 0, ID_FN);
   emit(m, SpvOpLabel, 1, ID_LABEL);
   emit(m, SpvOpAccessChain, 5, ID_PTR_ELEM, ID_CHAIN, ID_BUF, ID_C0, ID_C0);
   emit(m, SpvOpStore, 2, ID_CHAIN, ID_C0);
   emit(m, SpvOpReturn, 0);
   emit(m, SpvOpFunctionEnd, 0);
}

static void
build_module(struct module *m)
{
   module_declarations(m);
   main_store(m);
}

static void
test_hand_built_module(void **state)
{
   (void)state;
   struct module m;
   build_module(&m);
   struct kr_spirv_reflection r = reflect_ok(m.w, m.n * 4, "main");
   expect_known(&r, 1);
   expect_resource(&r, 0, 0, SB, 1, "w");
   kr_spirv_reflection_finish(&r, NULL);
}

/* The word offset of the nth (from 0) instruction of opcode op. */
static uint32_t
find_nth_insn(const struct module *m, uint32_t op, uint32_t nth)
{
   for (uint32_t at = 5; at < m->n; at += m->w[at] >> 16) {
      if ((m->w[at] & 0xffff) == op && nth-- == 0)
         return at;
   }
   fail_msg("no instruction %u", op);
   return 0;
}

static uint32_t
find_insn(const struct module *m, uint32_t op)
{
   return find_nth_insn(m, op, 0);
}

static void
test_malformed(void **state)
{
   (void)state;
   struct module m;
   build_module(&m);
   uint32_t store = find_insn(&m, SpvOpStore);

   expect_malformed(NULL, 64);
   expect_malformed(m.w, 0);
   expect_malformed(m.w, 3);
   expect_malformed(m.w, 16);                 /* shorter than the header */
   expect_malformed(m.w, m.n * 4 - 2);        /* not whole words */
   expect_malformed(m.w, (store + 1) * 4);    /* cut inside an instruction */
   expect_malformed(m.w, (store + 2) * 4);    /* cut before OpFunctionEnd */

   struct module bad = m;
   bad.w[0] = 0x03022307; /* byte-swapped magic */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[3] = 0; /* bound */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[3] = ID_CHAIN; /* an id at the bound */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[store] = SpvOpStore; /* word count 0 */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[store] = (0x7fffu << 16) | SpvOpStore; /* runs past the end */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[store + 1] = ID_BOUND + 1000; /* operand above the bound */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[store + 1] = ID_LABEL; /* a label is no pointer value */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[store + 1] = ID_UINT; /* neither is a type */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[store + 1] = ID_PTR_ELEM; /* not even a pointer type (it keeps its pointee's id) */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[store + 1] = ID_C0; /* a value, but no pointer */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[find_insn(&m, SpvOpLabel) + 1] = ID_BUF; /* defines an id twice */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[find_insn(&m, SpvOpEntryPoint) + 4] = 0x6e69616du; /* name without its NUL */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[find_insn(&m, SpvOpEntryPoint) + 2] = ID_BUF; /* entry point names no function */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[find_insn(&m, SpvOpVariable) + 1] = ID_UINT; /* a variable's type is no pointer */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[find_insn(&m, SpvOpVariable) + 3] = SpvStorageClassUniform; /* class mismatch */
   expect_malformed(bad.w, bad.n * 4);

   bad = m;
   bad.w[find_insn(&m, SpvOpFunctionEnd)] = (1u << 16) | SpvOpNop; /* no OpFunctionEnd */
   expect_malformed(bad.w, bad.n * 4);
}

static void
test_malformed_structure(void **state)
{
   (void)state;
   struct module m;

   /* A decoration after the declarations. */
   module_declarations(&m);
   emit(&m, SpvOpDecorate, 2, ID_BLOCK, SpvDecorationBlock);
   main_store(&m);
   expect_malformed(m.w, m.n * 4);

   /* A declaration after a function. */
   build_module(&m);
   emit(&m, SpvOpTypeFloat, 2, ID_HELPER, 32);
   expect_malformed(m.w, m.n * 4);

   /* A function inside a function. */
   module_declarations(&m);
   emit(&m, SpvOpFunction, 4, ID_VOID, ID_MAIN, 0, ID_FN);
   emit(&m, SpvOpLabel, 1, ID_LABEL);
   emit(&m, SpvOpFunction, 4, ID_VOID, ID_HELPER, 0, ID_FN);
   emit(&m, SpvOpFunctionEnd, 0);
   emit(&m, SpvOpFunctionEnd, 0);
   expect_malformed(m.w, m.n * 4);

   /* A call to something that is no function, and a call with too many arguments. */
   for (int variant = 0; variant < 2; variant++) {
      module_declarations(&m);
      emit(&m, SpvOpFunction, 4, ID_VOID, ID_MAIN, 0, ID_FN);
      emit(&m, SpvOpLabel, 1, ID_LABEL);
      if (variant == 0)
         emit(&m, SpvOpFunctionCall, 3, ID_VOID, ID_CALL, ID_BUF);
      else
         emit(&m, SpvOpFunctionCall, 4, ID_VOID, ID_CALL, ID_HELPER, ID_C0);
      emit(&m, SpvOpReturn, 0);
      emit(&m, SpvOpFunctionEnd, 0);
      emit(&m, SpvOpFunction, 4, ID_VOID, ID_HELPER, 0, ID_FN);
      emit(&m, SpvOpLabel, 1, ID_HELPER_LABEL);
      emit(&m, SpvOpReturn, 0);
      emit(&m, SpvOpFunctionEnd, 0);
      expect_malformed(m.w, m.n * 4);
   }

   /* An entry point with a parameter, stored through. */
   module_declarations(&m);
   emit(&m, SpvOpTypeFunction, 3, ID_FN_PTR, ID_VOID, ID_PTR_ELEM);
   emit(&m, SpvOpFunction, 4, ID_VOID, ID_MAIN, 0, ID_FN_PTR);
   emit(&m, SpvOpFunctionParameter, 2, ID_PTR_ELEM, ID_PARAM);
   emit(&m, SpvOpLabel, 1, ID_LABEL);
   emit(&m, SpvOpStore, 2, ID_PARAM, ID_C0);
   emit(&m, SpvOpReturn, 0);
   emit(&m, SpvOpFunctionEnd, 0);
   expect_malformed(m.w, m.n * 4);

   /* A buffer pointer passed to a Function pointer parameter, which the callee stores through:
    * the callee's summary would not see it. */
   module_declarations(&m);
   emit(&m, SpvOpTypePointer, 3, ID_PTR_OTHER, SpvStorageClassFunction, ID_UINT);
   emit(&m, SpvOpTypeFunction, 3, ID_FN_PTR, ID_VOID, ID_PTR_OTHER);
   emit(&m, SpvOpFunction, 4, ID_VOID, ID_MAIN, 0, ID_FN);
   emit(&m, SpvOpLabel, 1, ID_LABEL);
   emit(&m, SpvOpAccessChain, 5, ID_PTR_ELEM, ID_CHAIN, ID_BUF, ID_C0, ID_C0);
   emit(&m, SpvOpFunctionCall, 4, ID_VOID, ID_CALL, ID_HELPER, ID_CHAIN);
   emit(&m, SpvOpReturn, 0);
   emit(&m, SpvOpFunctionEnd, 0);
   emit(&m, SpvOpFunction, 4, ID_VOID, ID_HELPER, 0, ID_FN_PTR);
   emit(&m, SpvOpFunctionParameter, 2, ID_PTR_OTHER, ID_PARAM);
   emit(&m, SpvOpLabel, 1, ID_HELPER_LABEL);
   emit(&m, SpvOpStore, 2, ID_PARAM, ID_C0);
   emit(&m, SpvOpReturn, 0);
   emit(&m, SpvOpFunctionEnd, 0);
   expect_malformed(m.w, m.n * 4);

   /* A texel pointer into a storage buffer, updated atomically. */
   module_declarations(&m);
   emit(&m, SpvOpTypePointer, 3, ID_PTR_OTHER, SpvStorageClassImage, ID_UINT);
   emit(&m, SpvOpFunction, 4, ID_VOID, ID_MAIN, 0, ID_FN);
   emit(&m, SpvOpLabel, 1, ID_LABEL);
   emit(&m, SpvOpAccessChain, 5, ID_PTR_ELEM, ID_CHAIN, ID_BUF, ID_C0, ID_C0);
   emit(&m, SpvOpImageTexelPointer, 5, ID_PTR_OTHER, ID_CALL, ID_CHAIN, ID_C0, ID_C0);
   emit(&m, SpvOpAtomicIIncrement, 5, ID_UINT, ID_CALL2, ID_CALL, ID_C0, ID_C0);
   emit(&m, SpvOpReturn, 0);
   emit(&m, SpvOpFunctionEnd, 0);
   expect_malformed(m.w, m.n * 4);

   /* The interface lists something that is no variable. */
   module_header(&m, ID_BOUND);
   emit(&m, SpvOpCapability, 1, SpvCapabilityShader);
   emit(&m, SpvOpMemoryModel, 2, SpvAddressingModelLogical, SpvMemoryModelGLSL450);
   emit(&m, SpvOpEntryPoint, 5, SpvExecutionModelGLCompute, ID_MAIN, MAIN_WORDS, ID_UINT);
   emit(&m, SpvOpTypeVoid, 1, ID_VOID);
   emit(&m, SpvOpTypeFunction, 2, ID_FN, ID_VOID);
   emit(&m, SpvOpTypeInt, 3, ID_UINT, 32, 0);
   emit(&m, SpvOpFunction, 4, ID_VOID, ID_MAIN, 0, ID_FN);
   emit(&m, SpvOpLabel, 1, ID_LABEL);
   emit(&m, SpvOpReturn, 0);
   emit(&m, SpvOpFunctionEnd, 0);
   expect_malformed(m.w, m.n * 4);
}

static struct kr_spirv_reflection
reflect_unknown(const struct module *m, const char *why_part)
{
   struct kr_spirv_reflection r = reflect_ok(m->w, m->n * 4, "main");
   assert_true(r.unknown_memory);
   assert_non_null(r.why);
   if (!strstr(r.why, why_part))
      print_error("why: %s\n", r.why);
   assert_non_null(strstr(r.why, why_part));
   expect_all_written(&r);
   return r;
}

static void
test_unknown_module_features(void **state)
{
   (void)state;
   struct module m, bad;
   struct kr_spirv_reflection r;
   build_module(&m);

   bad = m; /* a capability not on the list */
   bad.w[find_insn(&m, SpvOpCapability) + 1] = SpvCapabilityLinkage;
   r = reflect_unknown(&bad, "capability");
   assert_int_equal(r.why_value, SpvCapabilityLinkage);
   expect_resource(&r, 0, 0, SB, 1, "rw");
   kr_spirv_reflection_finish(&r, NULL);

   bad = m; /* physical addressing */
   bad.w[find_insn(&m, SpvOpMemoryModel) + 1] = SpvAddressingModelPhysicalStorageBuffer64;
   r = reflect_unknown(&bad, "physical addressing");
   kr_spirv_reflection_finish(&r, NULL);

   /* A pointer type of a storage class not followed, even unused. */
   module_declarations(&bad);
   emit(&bad, SpvOpTypePointer, 3, ID_HELPER, SpvStorageClassPhysicalStorageBuffer, ID_UINT);
   main_store(&bad);
   r = reflect_unknown(&bad, "physical storage buffer");
   assert_int_equal(r.why_value, SpvStorageClassPhysicalStorageBuffer);
   kr_spirv_reflection_finish(&r, NULL);

   bad = m; /* an opcode the reflector does not know, in main */
   uint32_t store = find_insn(&m, SpvOpStore);
   bad.w[store] = (3u << 16) | 0x7ffe;
   r = reflect_unknown(&bad, "opcode");
   assert_int_equal(r.why_value, 0x7ffe);
   kr_spirv_reflection_finish(&r, NULL);

   bad = m; /* the buffer loses its DescriptorSet (the third OpDecorate) */
   bad.w[find_nth_insn(&m, SpvOpDecorate, 2) + 2] = SpvDecorationRestrict;
   r = reflect_unknown(&bad, "DescriptorSet");
   assert_int_equal(r.resource_count, 0);
   kr_spirv_reflection_finish(&r, NULL);

   bad = m; /* a version the reflector does not know is not malformed, but not read */
   bad.w[1] = 0x00010700;
   r = reflect_unknown(&bad, "version");
   assert_int_equal(r.why_value, 0x00010700);
   kr_spirv_reflection_finish(&r, NULL);

   bad = m; /* a bound out of proportion to the module */
   bad.w[3] = 1000000;
   r = reflect_unknown(&bad, "bound");
   kr_spirv_reflection_finish(&r, NULL);
}

/* main with its store going through a pointer made by `make` (emitting it as ID_CALL2). */
static void
build_store_through(struct module *m, void (*make)(struct module *m))
{
   module_declarations(m);
   emit(m, SpvOpFunction, 4, ID_VOID, ID_MAIN, 0, ID_FN);
   emit(m, SpvOpLabel, 1, ID_LABEL);
   emit(m, SpvOpAccessChain, 5, ID_PTR_ELEM, ID_CHAIN, ID_BUF, ID_C0, ID_C0);
   make(m);
   emit(m, SpvOpStore, 2, ID_CALL2, ID_C0);
   emit(m, SpvOpReturn, 0);
   emit(m, SpvOpFunctionEnd, 0);
}

static void
make_phi(struct module *m)
{
   emit(m, SpvOpBranch, 1, ID_HELPER_LABEL);
   emit(m, SpvOpLabel, 1, ID_HELPER_LABEL);
   emit(m, SpvOpPhi, 4, ID_PTR_ELEM, ID_CALL2, ID_CHAIN, ID_LABEL);
}

static void
make_from_integer(struct module *m)
{
   emit(m, SpvOpConvertUToPtr, 3, ID_PTR_ELEM, ID_CALL2, ID_C0);
}

static void
make_null(struct module *m)
{
   emit(m, SpvOpUndef, 2, ID_PTR_ELEM, ID_CALL2);
}

static void
make_copy(struct module *m)
{
   emit(m, SpvOpCopyObject, 3, ID_PTR_ELEM, ID_CALL2, ID_CHAIN);
}

static void
test_unknown_pointers(void **state)
{
   (void)state;
   struct module m;
   struct kr_spirv_reflection r;

   build_store_through(&m, make_phi);
   r = reflect_unknown(&m, "OpPhi");
   expect_resource(&r, 0, 0, SB, 1, "rw");
   kr_spirv_reflection_finish(&r, NULL);

   build_store_through(&m, make_from_integer);
   r = reflect_unknown(&m, "integer");
   kr_spirv_reflection_finish(&r, NULL);

   build_store_through(&m, make_null);
   r = reflect_unknown(&m, "undefined");
   kr_spirv_reflection_finish(&r, NULL);

   /* A copy of the pointer is followed. */
   build_store_through(&m, make_copy);
   r = reflect_ok(m.w, m.n * 4, "main");
   expect_known(&r, 1);
   expect_resource(&r, 0, 0, SB, 1, "w");
   kr_spirv_reflection_finish(&r, NULL);
}

static void
test_unknown_calls(void **state)
{
   (void)state;
   struct module m;
   struct kr_spirv_reflection r;

   /* main calls helper, which calls itself. */
   module_declarations(&m);
   main_store(&m);
   m.n -= 2; /* reopen main before its OpReturn */
   emit(&m, SpvOpFunctionCall, 3, ID_VOID, ID_CALL, ID_HELPER);
   emit(&m, SpvOpReturn, 0);
   emit(&m, SpvOpFunctionEnd, 0);
   emit(&m, SpvOpFunction, 4, ID_VOID, ID_HELPER, 0, ID_FN);
   emit(&m, SpvOpLabel, 1, ID_HELPER_LABEL);
   emit(&m, SpvOpFunctionCall, 3, ID_VOID, ID_CALL2, ID_HELPER);
   emit(&m, SpvOpReturn, 0);
   emit(&m, SpvOpFunctionEnd, 0);
   r = reflect_unknown(&m, "recursive");
   kr_spirv_reflection_finish(&r, NULL);

   /* helper has no body (a linkage import): drop its label, call, return and end. */
   m.n -= 2 + 4 + 1 + 1;
   emit(&m, SpvOpFunctionEnd, 0);
   r = reflect_unknown(&m, "without a body");
   assert_int_equal(r.why_value, ID_HELPER);
   expect_resource(&r, 0, 0, SB, 1, "rw");
   kr_spirv_reflection_finish(&r, NULL);
}

/* ---- allocation callbacks */

struct allocator {
   int allocations, frees;
   int fail_at; /* fail the allocation of this index; -1 never */
   int object_scope;
};

static void *VKAPI_PTR
counting_alloc(void *user, size_t size, size_t align, VkSystemAllocationScope scope)
{
   struct allocator *a = user;
   if (a->allocations == a->fail_at) {
      a->fail_at = -1;
      return NULL;
   }
   a->allocations++;
   a->object_scope += scope == VK_SYSTEM_ALLOCATION_SCOPE_OBJECT;
   return aligned_alloc(align, (size + align - 1) / align * align);
}

static void VKAPI_PTR
counting_free(void *user, void *ptr)
{
   struct allocator *a = user;
   if (ptr)
      a->frees++;
   free(ptr);
}

static void *VKAPI_PTR
no_realloc(void *user, void *ptr, size_t size, size_t align, VkSystemAllocationScope scope)
{
   (void)user, (void)ptr, (void)size, (void)align, (void)scope;
   fail_msg("unexpected reallocation");
   return NULL;
}

static void
test_allocation_callbacks(void **state)
{
   (void)state;
   struct allocator a = {.fail_at = -1};
   const VkAllocationCallbacks callbacks = {
      .pUserData = &a,
      .pfnAllocation = counting_alloc,
      .pfnReallocation = no_realloc,
      .pfnFree = counting_free,
   };
   struct kr_spirv_reflection r;
   assert_int_equal(kr_spirv_reflect(access_v11_spv, sizeof(access_v11_spv), "main",
                                     VK_SHADER_STAGE_COMPUTE_BIT, &callbacks, &r),
                    KR_SPIRV_REFLECT_OK);
   expect_known(&r, 8);
   assert_int_equal(a.object_scope, 1); /* the resource list; the rest was scratch */
   assert_int_equal(a.frees, a.allocations - 1);
   kr_spirv_reflection_finish(&r, &callbacks);
   assert_int_equal(a.frees, a.allocations);
   int needed = a.allocations;

   /* Each allocation failing in turn: out of memory, conservative, nothing leaked. */
   for (int fail = 0; fail < needed; fail++) {
      a = (struct allocator){.fail_at = fail};
      assert_int_equal(kr_spirv_reflect(access_v11_spv, sizeof(access_v11_spv), "main",
                                        VK_SHADER_STAGE_COMPUTE_BIT, &callbacks, &r),
                       KR_SPIRV_REFLECT_OUT_OF_MEMORY);
      assert_true(r.unknown_memory);
      assert_ptr_equal(r.why, KR_SPIRV_WHY_OUT_OF_MEMORY);
      assert_int_equal(r.resource_count, 0);
      assert_null(r.resources);
      assert_int_equal(a.frees, a.allocations);
      kr_spirv_reflection_finish(&r, &callbacks);
   }
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_buffers_spirv_1_0),
      cmocka_unit_test(test_buffers_spirv_1_3),
      cmocka_unit_test(test_buffers_spirv_1_6),
      cmocka_unit_test(test_images),
      cmocka_unit_test(test_descriptor_arrays),
      cmocka_unit_test(test_function_parameters_glsl),
      cmocka_unit_test(test_function_parameters_spirv),
      cmocka_unit_test(test_ptr_access_chain),
      cmocka_unit_test(test_copy_memory_and_atomic_load),
      cmocka_unit_test(test_select_of_pointers_is_unknown),
      cmocka_unit_test(test_pointer_in_variable_is_unknown),
      cmocka_unit_test(test_buffer_reference_is_unknown),
      cmocka_unit_test(test_entry_points),
      cmocka_unit_test(test_interface_spirv_1_4),
      cmocka_unit_test(test_hand_built_module),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_malformed_structure),
      cmocka_unit_test(test_unknown_module_features),
      cmocka_unit_test(test_unknown_pointers),
      cmocka_unit_test(test_unknown_calls),
      cmocka_unit_test(test_allocation_callbacks),
   };
   return cmocka_run_group_tests(tests, NULL, NULL);
}
