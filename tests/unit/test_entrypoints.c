/* SPDX-License-Identifier: MIT */
/* Unit tests of the trimmed entry table (generated kr_entrypoints.h): which commands Kronos
 * exposes, how each is implemented, and that the table is well formed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kr_dispatch_table.h"
#include "kr_entrypoints.h"

#define DEVICE_SLOTS (sizeof(struct kr_device_dispatch) / sizeof(PFN_vkVoidFunction))

static const struct kr_entrypoint *
expect_entry(const char *name, enum kr_entry_kind kind, enum kr_entry_level level)
{
   const struct kr_entrypoint *entry = kr_entrypoint_find(name);
   if (!entry)
      fail_msg("%s is not in the entry table", name);
   assert_string_equal(entry->name, name);
   assert_non_null(entry->func);
   assert_int_equal(entry->kind, kind);
   assert_int_equal(entry->level, level);
   return entry;
}

/* A command Kronos implements: a generated trampoline or its own code (where it counts or
 * optimizes), reaching the vendor through a device dispatch slot. */
static const struct kr_entrypoint *
expect_device_command(const char *name)
{
   const struct kr_entrypoint *entry = kr_entrypoint_find(name);
   if (!entry)
      fail_msg("%s is not in the entry table", name);
   assert_non_null(entry->func);
   assert_true(entry->kind == KR_ENTRY_FORWARD || entry->kind == KR_ENTRY_HANDWRITTEN);
   assert_int_equal(entry->level, KR_LEVEL_DEVICE);
   assert_true(entry->device_slot >= 0);
   assert_true((size_t)entry->device_slot < DEVICE_SLOTS);
   return entry;
}

static void
compute_commands_implemented(void **state)
{
   (void)state;
   const struct kr_entrypoint *dispatch = expect_device_command("vkCmdDispatch");
   /* The slot is the vendor's vkCmdDispatch in struct kr_device_dispatch. */
   assert_int_equal((size_t)dispatch->device_slot * sizeof(PFN_vkVoidFunction),
                    offsetof(struct kr_device_dispatch, CmdDispatch));
   assert_int_equal((size_t)expect_device_command("vkCmdCopyBuffer")->device_slot *
                       sizeof(PFN_vkVoidFunction),
                    offsetof(struct kr_device_dispatch, CmdCopyBuffer));

   static const char *const implemented[] = {
      "vkCmdDispatchIndirect", "vkCmdDispatchBase",       "vkCmdCopyBuffer",
      "vkCmdFillBuffer",       "vkCmdBindPipeline",       "vkCmdBindDescriptorSets",
      "vkCmdPushConstants",    "vkCmdPipelineBarrier",    "vkCmdWriteTimestamp",
      "vkCreateComputePipelines", "vkAllocateMemory",     "vkCreateBuffer",
      "vkWaitSemaphores",      "vkSignalSemaphore",       "vkCmdPushDescriptorSetKHR",
      "vkCreateShaderModule",  "vkCreateDescriptorSetLayout", "vkUpdateDescriptorSets",
      "vkMapMemory",           "vkCreateQueryPool",       "vkGetQueryPoolResults",
   };
   for (size_t i = 0; i < sizeof(implemented) / sizeof(implemented[0]); i++)
      expect_device_command(implemented[i]);

   /* Most commands need no translation and are generated trampolines. */
   unsigned forwarded = 0;
   for (uint32_t i = 0; i < kr_entrypoint_count; i++)
      forwarded += kr_entrypoints[i].kind == KR_ENTRY_FORWARD;
   assert_true(forwarded > 50);
}

static void
graphics_commands_stubbed(void **state)
{
   (void)state;
   static const char *const stubs[] = {
      "vkCmdDraw",          "vkCmdDrawIndexed",         "vkCmdDrawIndirect",
      "vkCmdDrawIndirectCount", "vkCmdBeginRenderPass", "vkCmdBeginRenderPass2",
      "vkCmdBeginRendering", "vkCmdSetViewport",        "vkCmdBindVertexBuffers",
      "vkCreateGraphicsPipelines", "vkCreateRenderPass", "vkCreateRenderPass2",
      "vkCreateFramebuffer", "vkDestroyFramebuffer",    "vkDestroyRenderPass",
      "vkGetRenderAreaGranularity",
   };
   for (size_t i = 0; i < sizeof(stubs) / sizeof(stubs[0]); i++) {
      const struct kr_entrypoint *e = expect_entry(stubs[i], KR_ENTRY_GRAPHICS_STUB,
                                                   KR_LEVEL_DEVICE);
      assert_int_equal(e->device_slot, -1);
   }
}

static void
graphics_extensions_absent(void **state)
{
   (void)state;
   static const char *const absent[] = {
      "vkCreateSwapchainKHR",
      "vkDestroySwapchainKHR",
      "vkQueuePresentKHR",
      "vkAcquireNextImageKHR",
      "vkCreateXlibSurfaceKHR",
      "vkCreateWaylandSurfaceKHR",
      "vkDestroySurfaceKHR",
      "vkGetPhysicalDeviceSurfaceSupportKHR",
      "vkGetPhysicalDeviceDisplayPropertiesKHR",
      "vkCmdDrawMeshTasksEXT",
      "vkCmdSetLineStippleEXT",
      "vkCmdBeginTransformFeedbackEXT",
      "vkCmdBeginRenderingKHR", /* alias of a graphics command: its extension is not offered */
      "vkCmdDrawIndirectCountKHR",
      "vkCreateVideoSessionKHR",
      "vkCmdTraceRaysKHR",
   };
   for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
      if (kr_entrypoint_find(absent[i]))
         fail_msg("%s should not be exposed", absent[i]);
   }
   assert_null(kr_entrypoint_find(NULL));
   assert_null(kr_entrypoint_find(""));
   assert_null(kr_entrypoint_find("vkcmddispatch"));
   assert_null(kr_entrypoint_find("vkCmdDispatchX"));
   assert_null(kr_entrypoint_find("vk"));
}

static void
handwritten_commands(void **state)
{
   (void)state;
   static const struct {
      const char *name;
      enum kr_entry_level level;
   } handwritten[] = {
      {"vkQueueSubmit", KR_LEVEL_DEVICE},
      {"vkQueueSubmit2", KR_LEVEL_DEVICE},
      {"vkCreateDevice", KR_LEVEL_PHYSICAL_DEVICE},
      {"vkGetPhysicalDeviceFeatures2", KR_LEVEL_PHYSICAL_DEVICE},
      {"vkEnumeratePhysicalDevices", KR_LEVEL_INSTANCE},
      {"vkDestroyInstance", KR_LEVEL_INSTANCE},
      {"vkCreateCommandPool", KR_LEVEL_DEVICE},
      {"vkAllocateCommandBuffers", KR_LEVEL_DEVICE},
      {"vkEndCommandBuffer", KR_LEVEL_DEVICE},
      {"vkCmdExecuteCommands", KR_LEVEL_DEVICE},
      {"vkGetDeviceProcAddr", KR_LEVEL_DEVICE},
      {"vkSetDebugUtilsObjectNameEXT", KR_LEVEL_DEVICE},
   };
   for (size_t i = 0; i < sizeof(handwritten) / sizeof(handwritten[0]); i++)
      expect_entry(handwritten[i].name, KR_ENTRY_HANDWRITTEN, handwritten[i].level);
}

static void
aliases_resolve_to_core(void **state)
{
   (void)state;
   static const char *const pairs[][2] = {
      {"vkCmdPipelineBarrier2KHR", "vkCmdPipelineBarrier2"},
      {"vkQueueSubmit2KHR", "vkQueueSubmit2"},
      {"vkGetPhysicalDeviceFeatures2KHR", "vkGetPhysicalDeviceFeatures2"},
      {"vkCmdCopyBuffer2KHR", "vkCmdCopyBuffer2"},
      {"vkGetBufferMemoryRequirements2KHR", "vkGetBufferMemoryRequirements2"},
      {"vkGetBufferDeviceAddressKHR", "vkGetBufferDeviceAddress"},
      {"vkWaitSemaphoresKHR", "vkWaitSemaphores"},
   };
   for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
      const struct kr_entrypoint *alias = kr_entrypoint_find(pairs[i][0]);
      const struct kr_entrypoint *core = kr_entrypoint_find(pairs[i][1]);
      if (!alias || !core)
         fail_msg("%s or %s missing", pairs[i][0], pairs[i][1]);
      assert_ptr_equal(alias->func, core->func);
      assert_int_equal(alias->kind, core->kind);
      assert_int_equal(alias->level, core->level);
      assert_int_equal(alias->device_slot, core->device_slot);
   }
}

static void
table_well_formed(void **state)
{
   (void)state;
   assert_true(kr_entrypoint_count > 100);
   for (uint32_t i = 0; i < kr_entrypoint_count; i++) {
      const struct kr_entrypoint *e = &kr_entrypoints[i];
      assert_non_null(e->name);
      assert_int_equal(strncmp(e->name, "vk", 2), 0);
      assert_non_null(e->func);
      if (i > 0 && strcmp(kr_entrypoints[i - 1].name, e->name) >= 0)
         fail_msg("table not sorted at %s, %s", kr_entrypoints[i - 1].name, e->name);
      assert_true(e->kind == KR_ENTRY_FORWARD || e->kind == KR_ENTRY_HANDWRITTEN ||
                  e->kind == KR_ENTRY_GRAPHICS_STUB);
      assert_true(e->level <= KR_LEVEL_DEVICE);
      /* A vendor slot exactly for device commands that reach the vendor. */
      bool has_slot = e->level == KR_LEVEL_DEVICE && e->kind != KR_ENTRY_GRAPHICS_STUB;
      if (has_slot) {
         assert_true(e->device_slot >= 0);
         assert_true((size_t)e->device_slot < DEVICE_SLOTS);
      } else {
         assert_int_equal(e->device_slot, -1);
      }
      if (e->kind == KR_ENTRY_GRAPHICS_STUB)
         assert_int_equal(e->level, KR_LEVEL_DEVICE);
      /* Lookup finds every row. */
      assert_ptr_equal(kr_entrypoint_find(e->name), e);
   }
}

static void
no_presentation_names(void **state)
{
   (void)state;
   for (uint32_t i = 0; i < kr_entrypoint_count; i++) {
      const char *name = kr_entrypoints[i].name;
      if (strstr(name, "Surface") || strstr(name, "Swapchain") || strstr(name, "Display") ||
          strstr(name, "Present"))
         fail_msg("%s is exposed", name);
   }
}

static void
draw_commands_never_forwarded(void **state)
{
   (void)state;
   for (uint32_t i = 0; i < kr_entrypoint_count; i++) {
      const struct kr_entrypoint *e = &kr_entrypoints[i];
      if (strncmp(e->name, "vkCmdDraw", 9) == 0 || strstr(e->name, "RenderPass") ||
          strstr(e->name, "Rendering") || strstr(e->name, "Framebuffer") ||
          strstr(e->name, "Viewport") || strstr(e->name, "Scissor")) {
         if (e->kind != KR_ENTRY_GRAPHICS_STUB)
            fail_msg("%s is not a graphics stub", e->name);
      }
   }
}

static void
global_commands(void **state)
{
   (void)state;
   static const char *const expected[] = {
      "vkCreateInstance",
      "vkEnumerateInstanceExtensionProperties",
      "vkEnumerateInstanceLayerProperties",
      "vkEnumerateInstanceVersion",
   };
   unsigned found = 0;
   for (uint32_t i = 0; i < kr_entrypoint_count; i++) {
      if (kr_entrypoints[i].level != KR_LEVEL_GLOBAL)
         continue;
      bool known = false;
      for (size_t j = 0; j < sizeof(expected) / sizeof(expected[0]); j++)
         known = known || strcmp(kr_entrypoints[i].name, expected[j]) == 0;
      if (!known)
         fail_msg("unexpected global command %s", kr_entrypoints[i].name);
      assert_int_equal(kr_entrypoints[i].kind, KR_ENTRY_HANDWRITTEN);
      found++;
   }
   assert_int_equal(found, sizeof(expected) / sizeof(expected[0]));
   expect_entry("vkGetInstanceProcAddr", KR_ENTRY_HANDWRITTEN, KR_LEVEL_INSTANCE);
}

int
main(void)
{
   const struct CMUnitTest tests[] = {
      cmocka_unit_test(compute_commands_implemented),
      cmocka_unit_test(graphics_commands_stubbed),
      cmocka_unit_test(graphics_extensions_absent),
      cmocka_unit_test(handwritten_commands),
      cmocka_unit_test(aliases_resolve_to_core),
      cmocka_unit_test(table_well_formed),
      cmocka_unit_test(no_presentation_names),
      cmocka_unit_test(draw_commands_never_forwarded),
      cmocka_unit_test(global_commands),
   };
   return cmocka_run_group_tests_name("entry points", tests, NULL, NULL);
}
