/* SPDX-License-Identifier: MIT */
/* The SPIR-V reflector's module pass (step 2, kr_spirv_internal.h): capabilities, the
 * addressing model, decorations, types, constants, global variables (descriptor variables
 * become resources), the entry point, and the shape of each function. */
#include "kr_spirv_internal.h"

static void
capability(struct kr_spirv_reflector *r, uint32_t capability_value)
{
   if (kr_spirv_capability_understood(capability_value))
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
check_storage_class(struct kr_spirv_reflector *r, uint32_t storage_class)
{
   if (class_kind(storage_class) != CLASS_UNSUPPORTED)
      return;
   if (storage_class == SpvStorageClassPhysicalStorageBuffer)
      set_unknown(r, why_physical, storage_class);
   else
      set_unknown(r, why_storage_class, storage_class);
}

static void
decoration(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in,
           struct kr_spirv_id *target, uint32_t first)
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
member_decoration(struct kr_spirv_id *target, uint32_t decoration_value)
{
   if (decoration_value == SpvDecorationNonWritable && target->members_non_writable < UINT16_MAX)
      target->members_non_writable++;
   if (decoration_value == SpvDecorationNonReadable && target->members_non_readable < UINT16_MAX)
      target->members_non_readable++;
}

/* The target of a decoration: below the bound (it may be defined later), else malformed. */
static struct kr_spirv_id *
decoration_target(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint32_t id)
{
   if (id == 0 || id >= r->bound) {
      set_malformed(r, in->at);
      return NULL;
   }
   return &r->ids[id];
}

static struct kr_spirv_id *
decoration_group(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   struct kr_spirv_id *group = decoration_target(r, in, in->w[1]);
   if (group && group->op != SpvOpDecorationGroup) {
      set_malformed(r, in->at);
      return NULL;
   }
   return group;
}

static void
group_decorate(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   const struct kr_spirv_id *group = decoration_group(r, in);
   for (uint32_t i = 2; group && i < in->count; i++) {
      struct kr_spirv_id *target = decoration_target(r, in, in->w[i]);
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
group_member_decorate(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   const struct kr_spirv_id *group = decoration_group(r, in);
   if (group && (in->count - 2) % 2 != 0)
      set_malformed(r, in->at);
   for (uint32_t i = 2; group && !r->malformed && i + 1 < in->count; i += 2) {
      struct kr_spirv_id *target = decoration_target(r, in, in->w[i]);
      if (!target)
         return;
      if (group->decorations & DEC_NON_WRITABLE)
         member_decoration(target, SpvDecorationNonWritable);
      if (group->decorations & DEC_NON_READABLE)
         member_decoration(target, SpvDecorationNonReadable);
   }
}

static void
annotation(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   /* Decorations come before every declaration, so a variable finds its own when it is
    * declared; later ones would be missed, so they are malformed (as SPIR-V says). */
   if (r->section != SECTION_ANNOTATIONS) {
      set_malformed(r, in->at);
      return;
   }
   struct kr_spirv_id *target;
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
array_type(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, bool runtime)
{
   if (!need(r, in, runtime ? 3 : 4))
      return;
   struct kr_spirv_id *t = define(r, in, in->w[1], 0);
   if (!t)
      return;
   uint32_t element = in->w[2];
   const struct kr_spirv_id *e = type_of(r, element);
   uint32_t length = 0;
   if (!runtime) {
      const struct kr_spirv_id *c = type_of(r, in->w[3]);
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
struct_type(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (!need(r, in, 2))
      return;
   struct kr_spirv_id *t = define(r, in, in->w[1], 0);
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
pointer_type(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (!need(r, in, 4))
      return;
   struct kr_spirv_id *t = define(r, in, in->w[1], 0);
   if (!t)
      return;
   t->a = in->w[2];
   t->type = in->w[3];
   check_storage_class(r, t->a);
   if (holds_pointer(r, t->type))
      set_unknown(r, why_pointer_in_memory, 0);
}

static void
simple_type(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in, uint8_t flags)
{
   struct kr_spirv_id *t;
   if (need(r, in, 2) && (t = define(r, in, in->w[1], 0)))
      t->type_flags = flags;
}

static void
type_declaration(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   struct kr_spirv_id *t;
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
constant(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   struct kr_spirv_id *c;
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
image_kind(const struct kr_spirv_id *image)
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
descriptor_kind(const struct kr_spirv_reflector *r, uint32_t sc, const struct kr_spirv_id *base,
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
   const struct kr_spirv_id *image;
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
promises(const struct kr_spirv_id *var, const struct kr_spirv_id *base, uint8_t flag)
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
descriptor_variable(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in,
                    struct kr_spirv_id *var, uint32_t sc)
{
   const struct kr_spirv_id *pointee = type_of(r, r->ids[var->type].type);
   const struct kr_spirv_id *base = pointee;
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
   struct kr_spirv_variable *res = &r->res[r->res_count];
   *res = (struct kr_spirv_variable){
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
global_variable(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (!need(r, in, 4))
      return;
   uint32_t sc = in->w[3];
   /* Its type must be a pointer of its own storage class, and Function is for functions. */
   if (pointer_class(r, in->w[1]) != sc || sc == SpvStorageClassFunction) {
      set_malformed(r, in->at);
      return;
   }
   struct kr_spirv_id *var = define(r, in, in->w[2], in->w[1]);
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

/* Words the string at word `first` takes, its NUL included; 0 when it is not terminated
 * inside the instruction. */
static uint32_t
string_words(const struct kr_spirv_insn *in, uint32_t first)
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
string_matches(const struct kr_spirv_insn *in, uint32_t first, const char *s, bool whole)
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

static void
ext_inst_import(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   struct kr_spirv_id *set;
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
entry_point(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
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
memory_model(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (need(r, in, 3) && in->w[1] != SpvAddressingModelLogical)
      set_unknown(r, why_addressing, in->w[1]);
}

static void
function_begin(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   r->section = SECTION_FUNCTIONS;
   struct kr_spirv_id *f;
   if (!need(r, in, 5) || !(f = define(r, in, in->w[2], in->w[1])))
      return;
   if (r->func_count >= r->func_capacity) {
      set_malformed(r, in->at);
      return;
   }
   f->a = r->func_count;
   r->funcs[r->func_count] = (struct kr_spirv_function){
      .id = in->w[2],
      .begin = in->at,
      .first_param = r->param_count,
   };
   r->open_function = ++r->func_count;
}

/* Inside a function, the module pass only finds its shape: parameters, body, end. */
static void
function_shape(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   struct kr_spirv_function *f = &r->funcs[r->open_function - 1];
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
enter_declarations(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
{
   if (r->section == SECTION_FUNCTIONS)
      set_malformed(r, in->at);
   r->section = SECTION_DECLARATIONS;
}

static void
module_insn(struct kr_spirv_reflector *r, const struct kr_spirv_insn *in)
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

void
kr_spirv_module_pass(struct kr_spirv_reflector *r)
{
   uint32_t pos = 5;
   struct kr_spirv_insn in;
   while (next_insn(r, &pos, r->words, &in)) {
      if (r->open_function)
         function_shape(r, &in);
      else
         module_insn(r, &in);
   }
   if (r->open_function)
      set_malformed(r, r->words); /* no OpFunctionEnd */
}
