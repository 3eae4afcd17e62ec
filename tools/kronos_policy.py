# SPDX-License-Identifier: MIT
"""What Kronos exposes: the compute-only policy shared by the generators.

Kronos offers core Vulkan up to 1.4 minus graphics, plus the compute-relevant extensions below
when the vendor has them.  Everything else (surfaces, swapchains, displays, rasterisation
extensions, video) is not offered and its functions resolve to NULL.

The same policy serves every Vulkan-Headers version Kronos builds with (Debian 12's 1.3.239 and
newer ones, README "Vulkan headers"): a core version or an extension that the registry does not
know is simply not offered (the *_for functions below), and commands are matched by any of their
names, since a command promoted to core is renamed (vkCmdPushDescriptorSetKHR is an alias of
vkCmdPushDescriptorSet from 1.4 on).
"""

MAX_CORE_VERSION = (1, 4)

INSTANCE_EXTENSIONS = [
    "VK_KHR_get_physical_device_properties2",
    "VK_KHR_external_memory_capabilities",
    "VK_KHR_external_semaphore_capabilities",
    "VK_KHR_external_fence_capabilities",
    "VK_EXT_debug_utils",
]

DEVICE_EXTENSIONS = [
    # memory and buffers
    "VK_KHR_16bit_storage",
    "VK_KHR_8bit_storage",
    "VK_KHR_bind_memory2",
    "VK_KHR_buffer_device_address",
    "VK_KHR_dedicated_allocation",
    "VK_KHR_get_memory_requirements2",
    "VK_KHR_external_memory",
    "VK_KHR_external_memory_fd",
    "VK_EXT_external_memory_dma_buf",
    "VK_EXT_external_memory_host",
    "VK_EXT_memory_budget",
    "VK_EXT_memory_priority",
    "VK_EXT_pageable_device_local_memory",
    "VK_AMD_device_coherent_memory",
    "VK_KHR_maintenance1",
    "VK_KHR_maintenance2",
    "VK_KHR_maintenance3",
    "VK_KHR_maintenance4",
    "VK_KHR_maintenance5",
    "VK_KHR_maintenance6",
    "VK_KHR_maintenance7",
    "VK_KHR_maintenance8",
    "VK_KHR_map_memory2",
    "VK_KHR_copy_commands2",
    "VK_KHR_format_feature_flags2",
    "VK_KHR_image_format_list",
    "VK_EXT_image_robustness",
    "VK_EXT_robustness2",
    "VK_EXT_texel_buffer_alignment",
    "VK_EXT_scalar_block_layout",
    "VK_KHR_uniform_buffer_standard_layout",
    "VK_KHR_relaxed_block_layout",
    "VK_KHR_storage_buffer_storage_class",
    "VK_KHR_variable_pointers",
    # descriptors and pipelines
    "VK_KHR_push_descriptor",
    "VK_KHR_descriptor_update_template",
    "VK_EXT_descriptor_indexing",
    "VK_EXT_inline_uniform_block",
    "VK_EXT_mutable_descriptor_type",
    "VK_KHR_pipeline_executable_properties",
    "VK_EXT_pipeline_creation_feedback",
    "VK_EXT_pipeline_creation_cache_control",
    "VK_EXT_pipeline_robustness",
    "VK_EXT_subgroup_size_control",
    # synchronization, queries and queues
    "VK_KHR_synchronization2",
    "VK_KHR_timeline_semaphore",
    "VK_KHR_external_semaphore",
    "VK_KHR_external_semaphore_fd",
    "VK_KHR_external_fence",
    "VK_KHR_external_fence_fd",
    "VK_EXT_host_query_reset",
    "VK_EXT_calibrated_timestamps",
    "VK_KHR_global_priority",
    "VK_EXT_global_priority",
    "VK_EXT_global_priority_query",
    "VK_EXT_private_data",
    # shaders
    "VK_KHR_driver_properties",
    "VK_KHR_shader_atomic_int64",
    "VK_KHR_shader_clock",
    "VK_KHR_shader_float16_int8",
    "VK_KHR_shader_float_controls",
    "VK_KHR_shader_integer_dot_product",
    "VK_KHR_shader_float_controls2",
    "VK_KHR_shader_subgroup_rotate",
    "VK_KHR_shader_expect_assume",
    "VK_KHR_shader_relaxed_extended_instruction",
    "VK_KHR_shader_maximal_reconvergence",
    "VK_KHR_shader_bfloat16",
    "VK_KHR_compute_shader_derivatives",
    "VK_KHR_cooperative_matrix",
    "VK_EXT_shader_replicated_composites",
    "VK_KHR_shader_non_semantic_info",
    "VK_KHR_shader_subgroup_extended_types",
    "VK_KHR_shader_subgroup_uniform_control_flow",
    "VK_KHR_shader_terminate_invocation",
    "VK_KHR_spirv_1_4",
    "VK_KHR_vulkan_memory_model",
    "VK_KHR_workgroup_memory_explicit_layout",
    "VK_KHR_zero_initialize_workgroup_memory",
    "VK_EXT_shader_atomic_float",
    "VK_EXT_shader_atomic_float2",
    "VK_EXT_shader_image_atomic_int64",
    "VK_NV_cooperative_matrix",
    "VK_NV_cooperative_matrix2",
    "VK_NV_shader_sm_builtins",
    "VK_NV_shader_subgroup_partitioned",
    "VK_NV_compute_shader_derivatives",
    "VK_AMD_shader_core_properties",
    "VK_AMD_shader_core_properties2",
    # identification
    "VK_EXT_pci_bus_info",
    "VK_EXT_physical_device_drm",
    "VK_EXT_tooling_info",
]



def max_core_version(reg):
    """The newest core version Kronos offers with this registry."""
    newest = max(v.version() for v in reg.versions)
    return min(newest, MAX_CORE_VERSION)


# Extensions of the lists above published after Vulkan-Headers 1.3.239 (Debian 12's), and of
# those, the ones after 1.4.309 (Debian 13's): a registry may lack them. Any other extension the
# registry lacks is a mistake in the lists, and so is one of the first set missing from a
# 1.4.309 or newer registry (the generators fail).
EXTENSIONS_AFTER_1_3_239 = {
    "VK_KHR_maintenance5", "VK_KHR_maintenance6", "VK_KHR_maintenance7", "VK_KHR_maintenance8",
    "VK_KHR_map_memory2", "VK_KHR_shader_float_controls2", "VK_KHR_shader_subgroup_rotate",
    "VK_KHR_shader_expect_assume", "VK_KHR_shader_relaxed_extended_instruction",
    "VK_KHR_shader_maximal_reconvergence", "VK_KHR_shader_bfloat16",
    "VK_KHR_compute_shader_derivatives", "VK_KHR_cooperative_matrix",
    "VK_EXT_shader_replicated_composites", "VK_NV_cooperative_matrix2",
}
EXTENSIONS_AFTER_1_4_309 = {"VK_KHR_shader_bfloat16"}


def _known_extensions(reg, names):
    for e in names:
        if e in reg.extensions:
            continue
        newer = EXTENSIONS_AFTER_1_3_239 if reg.header_version < 309 else EXTENSIONS_AFTER_1_4_309
        if e not in newer:
            raise SystemExit(f"the policy names {e}, which vk.xml (header version "
                             f"{reg.header_version}) does not know: a mistake, or list it in "
                             "EXTENSIONS_AFTER_1_3_239 / EXTENSIONS_AFTER_1_4_309")
    return [e for e in names if e in reg.extensions]


def instance_extensions(reg):
    """INSTANCE_EXTENSIONS that the registry knows, in order."""
    return _known_extensions(reg, INSTANCE_EXTENSIONS)


def device_extensions(reg):
    """DEVICE_EXTENSIONS that the registry knows, in order."""
    return _known_extensions(reg, DEVICE_EXTENSIONS)


def handwritten(reg):
    """{canonical command name: the name HANDWRITTEN gives it} for the commands the registry
    knows. The functions in src/ are named after HANDWRITTEN's names (kr_CmdPushDescriptorSetKHR),
    whatever the registry's canonical name is."""
    return _known(reg, HANDWRITTEN)


def c_names(reg):
    """{canonical command name: the name src/ knows it by} (HANDWRITTEN and VENDOR_SLOT_NAMES):
    the name of its kr_ function and of its slot in the vendor dispatch tables."""
    return {**_known(reg, VENDOR_SLOT_NAMES), **_known(reg, HANDWRITTEN)}


def _known(reg, names):
    return {reg.canonical(n): n for n in names if reg.canonical(n) in reg.commands}


# Generated commands that src/ calls through the vendor dispatch tables by a name that is an
# alias in newer registries (VK_EXT_calibrated_timestamps' commands are aliases of
# VK_KHR_calibrated_timestamps' from 1.3.2xx on): their table slots keep this name.
VENDOR_SLOT_NAMES = {"vkGetCalibratedTimestampsEXT", "vkGetPhysicalDeviceCalibrateableTimeDomainsEXT"}


# Handle types that Kronos wraps even though they are not dispatchable: a command that takes
# one must be written by hand.
WRAPPED_HANDLES = {"VkCommandPool", "VkDeviceMemory", "VkFence", "VkSemaphore",
                   "VkPrivateDataSlot", "VkDescriptorSetLayout", "VkPipelineLayout",
                   "VkDescriptorPool", "VkDescriptorSet", "VkDescriptorUpdateTemplate"}

# Commands Kronos implements by hand (src/); everything else exposed and not graphics gets a
# generated trampoline.  The generator fails if a command needs translation and is not here.
HANDWRITTEN = {
    "vkCreateInstance", "vkDestroyInstance", "vkEnumerateInstanceExtensionProperties",
    "vkEnumerateInstanceLayerProperties", "vkEnumerateInstanceVersion",
    "vkGetInstanceProcAddr", "vkGetDeviceProcAddr",
    "vkEnumeratePhysicalDevices", "vkEnumeratePhysicalDeviceGroups",
    "vkGetPhysicalDeviceFeatures", "vkGetPhysicalDeviceFeatures2",
    "vkGetPhysicalDeviceProperties", "vkGetPhysicalDeviceProperties2",
    "vkGetPhysicalDeviceQueueFamilyProperties", "vkGetPhysicalDeviceQueueFamilyProperties2",
    "vkGetPhysicalDeviceMemoryProperties", "vkGetPhysicalDeviceMemoryProperties2",
    "vkEnumerateDeviceExtensionProperties", "vkEnumerateDeviceLayerProperties",
    "vkCreateDevice", "vkDestroyDevice", "vkGetDeviceQueue", "vkGetDeviceQueue2",
    "vkQueueSubmit", "vkQueueSubmit2",
    "vkCreateCommandPool", "vkDestroyCommandPool", "vkResetCommandPool", "vkTrimCommandPool",
    "vkAllocateCommandBuffers", "vkFreeCommandBuffers",
    "vkBeginCommandBuffer", "vkEndCommandBuffer", "vkCmdExecuteCommands",
    "vkCreateDebugUtilsMessengerEXT", "vkDestroyDebugUtilsMessengerEXT",
    "vkSubmitDebugUtilsMessageEXT",
    "vkSetDebugUtilsObjectNameEXT", "vkSetDebugUtilsObjectTagEXT",
    "vkCreatePrivateDataSlot", "vkDestroyPrivateDataSlot", "vkSetPrivateData", "vkGetPrivateData",
    # counted for the statistics (and, later, where the optimizations live)
    "vkAllocateMemory", "vkFreeMemory",
    "vkCmdDispatch", "vkCmdDispatchIndirect", "vkCmdDispatchBase",
    "vkCmdPipelineBarrier", "vkCmdPipelineBarrier2",
    "vkUpdateDescriptorSets", "vkUpdateDescriptorSetWithTemplate",
    "vkCmdPushDescriptorSetKHR", "vkCmdPushDescriptorSetWithTemplateKHR",
    # VK_KHR_maintenance6 (core in 1.4): the info-structure forms of binds and pushes
    "vkCmdBindDescriptorSets2KHR", "vkCmdPushConstants2KHR", "vkCmdPushDescriptorSet2KHR",
    "vkCmdPushDescriptorSetWithTemplate2KHR",
    # descriptor objects are Kronos's (persistent descriptors, kr_descriptor.h)
    "vkCreateDescriptorSetLayout", "vkDestroyDescriptorSetLayout",
    "vkCreatePipelineLayout", "vkDestroyPipelineLayout",
    "vkCreateDescriptorPool", "vkDestroyDescriptorPool", "vkResetDescriptorPool",
    "vkAllocateDescriptorSets", "vkFreeDescriptorSets",
    "vkCreateDescriptorUpdateTemplate", "vkDestroyDescriptorUpdateTemplate",
    "vkCmdBindDescriptorSets", "vkCmdPushConstants", "vkCreateComputePipelines",
    "vkResetCommandBuffer",
    # destroying what descriptors name unlinks the cached vendor sets that name it
    "vkDestroyBuffer", "vkDestroyBufferView", "vkDestroyImageView", "vkDestroySampler",
    # the barrier policy: buffers' bindings, shader code, pipelines' accesses, tracked transfers
    "vkCreateShaderModule", "vkDestroyShaderModule", "vkDestroyPipeline", "vkCmdBindPipeline",
    "vkCmdCopyBuffer", "vkCmdCopyBuffer2", "vkCmdFillBuffer", "vkCmdUpdateBuffer",
    "vkCmdCopyQueryPoolResults",
    # VkDeviceMemory is a Kronos object (memory pools)
    "vkMapMemory", "vkUnmapMemory", "vkFlushMappedMemoryRanges",
    "vkInvalidateMappedMemoryRanges", "vkBindBufferMemory", "vkBindBufferMemory2",
    "vkMapMemory2KHR", "vkUnmapMemory2KHR",
    "vkBindImageMemory", "vkBindImageMemory2", "vkGetDeviceMemoryCommitment",
    "vkGetDeviceMemoryOpaqueCaptureAddress", "vkGetMemoryFdKHR", "vkSetDeviceMemoryPriorityEXT",
    "vkQueueBindSparse",
    # VkFence and VkSemaphore are Kronos objects (submit batching)
    "vkCreateFence", "vkDestroyFence", "vkResetFences", "vkGetFenceStatus", "vkWaitForFences",
    "vkImportFenceFdKHR", "vkGetFenceFdKHR",
    "vkCreateSemaphore", "vkDestroySemaphore", "vkGetSemaphoreCounterValue",
    "vkWaitSemaphores", "vkSignalSemaphore", "vkImportSemaphoreFdKHR", "vkGetSemaphoreFdKHR",
    "vkQueueWaitIdle", "vkDeviceWaitIdle",
    # recorded event waits make a submit open a new timeline value
    "vkCmdWaitEvents", "vkCmdWaitEvents2",
    # host observers of events and queries: every pending submit batch goes to the vendor first,
    # flushes on their way land, and work lost in a refused flush is reported
    # (src/kr_host_observers.c)
    "vkGetEventStatus", "vkSetEvent", "vkResetEvent", "vkDestroyEvent",
    "vkGetQueryPoolResults", "vkResetQueryPool", "vkDestroyQueryPool",
    # queue labels go to the vendor queue in order with the batches, under its submit lock
    "vkQueueBeginDebugUtilsLabelEXT", "vkQueueEndDebugUtilsLabelEXT",
    "vkQueueInsertDebugUtilsLabelEXT",
    # queue family indices are Kronos's (families that keep no capability are not reported):
    # they reach the vendor translated (the generator fails on any other command carrying one)
    "vkCmdSetEvent2", "vkCreateBuffer", "vkCreateImage", "vkGetDeviceBufferMemoryRequirements",
    "vkGetDeviceImageMemoryRequirements", "vkGetDeviceImageSparseMemoryRequirements",
    "vkGetDeviceImageSubresourceLayoutKHR",
    # format queries are compute-only (GRAPHICS_FORMAT_FEATURE_PATTERNS, ..._USAGE_PATTERNS)
    "vkGetPhysicalDeviceFormatProperties", "vkGetPhysicalDeviceFormatProperties2",
    "vkGetPhysicalDeviceImageFormatProperties", "vkGetPhysicalDeviceImageFormatProperties2",
    "vkGetPhysicalDeviceSparseImageFormatProperties",
    "vkGetPhysicalDeviceSparseImageFormatProperties2",
}

# Recorded commands that set or reset an event or write or reset queries: the generated trampoline
# notes the object (the parameter named here) in the command buffer, so that the host observers of
# events and queries (src/kr_host_observers.c) report the loss of work the vendor refused. The
# generator fails on a generated vkCmd* that takes a VkEvent or VkQueryPool and is not listed
# here (those written by hand note it themselves: vkCmdSetEvent2; vkCmdWaitEvents and
# vkCmdCopyQueryPoolResults only read).
RECORDED_HOST_OBJECTS = {
    "vkCmdSetEvent": "event", "vkCmdResetEvent": "event", "vkCmdResetEvent2": "event",
    "vkCmdBeginQuery": "queryPool", "vkCmdEndQuery": "queryPool",
    "vkCmdResetQueryPool": "queryPool", "vkCmdWriteTimestamp": "queryPool",
    "vkCmdWriteTimestamp2": "queryPool",
}

# Generated vkCmd* trampolines and the profiler (src/kr_profile.h): commands it times, and the
# labels that become nested slices, as (code before the vendor's call, code after it). The
# barrier hook comes first, so a slice begins after the barriers emitted for its command.
def _timed(kind, name):
    return (f'kr_profile_cmd_begin(obj, {kind}, "{name}", NULL);', "kr_profile_cmd_end(obj);")


PROFILE_HOOKS = {
    "vkCmdBeginDebugUtilsLabelEXT": ("", "kr_profile_label_begin(obj, pLabelInfo);"),
    "vkCmdEndDebugUtilsLabelEXT": ("kr_profile_label_end(obj);", ""),
    **{name: _timed("KR_PROFILE_COPY", name) for name in (
        "vkCmdCopyImage", "vkCmdCopyImage2", "vkCmdCopyBufferToImage", "vkCmdCopyBufferToImage2",
        "vkCmdCopyImageToBuffer", "vkCmdCopyImageToBuffer2")},
    "vkCmdClearColorImage": _timed("KR_PROFILE_FILL", "vkCmdClearColorImage"),
}

# Generated vkCmd* trampolines and the barrier policy (src/kr_barrier_record.h): a command it does
# not understand gets every pending barrier before it and then counts as touching what the hook
# says (reason, stages, writes). Commands that touch no memory and need no earlier work done
# have no hook.
BARRIER_NEUTRAL_COMMANDS = {
    "vkCmdBeginDebugUtilsLabelEXT", "vkCmdEndDebugUtilsLabelEXT", "vkCmdInsertDebugUtilsLabelEXT",
}
BARRIER_EVENT_COMMANDS = {"vkCmdSetEvent", "vkCmdResetEvent", "vkCmdResetEvent2"}
BARRIER_QUERY_PREFIXES = ("vkCmdWriteTimestamp", "vkCmdBeginQuery", "vkCmdEndQuery",
                          "vkCmdResetQueryPool")


def barrier_hook(name):
    """The arguments of kr_barrier_untracked after the command buffer, or None."""
    if name in BARRIER_NEUTRAL_COMMANDS:
        return None
    if name in BARRIER_EVENT_COMMANDS:
        return "KRONOS_BARRIER_EVENT, 0, 0"
    if name.startswith(BARRIER_QUERY_PREFIXES):
        return "KRONOS_BARRIER_QUERY, 0, 0"
    return ("KRONOS_BARRIER_OTHER_COMMAND, VK_PIPELINE_STAGE_2_ALL_COMMANDS_BIT, "
            "VK_ACCESS_2_MEMORY_WRITE_BIT")


# Destroying, freeing or resetting what pending work uses does not flush: a valid program does it
# only after it observed that work's completion, and every observation flushed
# (tests/integration/sync_hazards.c checks that such calls leave the batch alone).

# Core commands that only make sense for graphics and are not vkCmd* (whose queues attribute
# tells): they resolve to stubs that log and fail.
GRAPHICS_CORE_COMMANDS = {
    "vkCreateGraphicsPipelines", "vkCreateFramebuffer", "vkDestroyFramebuffer",
    "vkCreateRenderPass", "vkCreateRenderPass2", "vkDestroyRenderPass",
    "vkGetRenderAreaGranularity", "vkGetRenderingAreaGranularityKHR",
}


def is_graphics_command(cmd):
    """A command recorded only on graphics queues, or a graphics object's create/destroy."""
    if cmd.name in GRAPHICS_CORE_COMMANDS or set(cmd.aliases) & GRAPHICS_CORE_COMMANDS:
        return True
    if cmd.name.startswith("vkCmd") and cmd.queues:
        return not (cmd.queues & {"compute", "transfer"})
    return False


# Features that only graphics work uses: they read as unsupported and cannot be enabled.
GRAPHICS_FEATURES = {
    # VkPhysicalDeviceFeatures
    "fullDrawIndexUint32", "imageCubeArray", "independentBlend", "geometryShader",
    "tessellationShader", "sampleRateShading", "dualSrcBlend", "logicOp", "multiDrawIndirect",
    "drawIndirectFirstInstance", "depthClamp", "depthBiasClamp", "fillModeNonSolid",
    "depthBounds", "wideLines", "largePoints", "alphaToOne", "multiViewport",
    "occlusionQueryPrecise", "vertexPipelineStoresAndAtomics", "fragmentStoresAndAtomics",
    "shaderTessellationAndGeometryPointSize", "shaderClipDistance", "shaderCullDistance",
    "variableMultisampleRate", "inheritedQueries",
    # Vulkan 1.1
    "multiview", "multiviewGeometryShader", "multiviewTessellationShader",
    "shaderDrawParameters",
    # Vulkan 1.2
    "drawIndirectCount", "imagelessFramebuffer", "separateDepthStencilLayouts",
    "shaderOutputViewportIndex", "shaderOutputLayer",
    # Vulkan 1.3
    "dynamicRendering", "shaderDemoteToHelperInvocation",
}

# The same for features that only newer registries know (checked only where VK_VERSION_1_4 is
# known). Host image copies are left out too: copies between host memory and images that
# bypass every command buffer, whose use for compute is not clear (issue 15).
GRAPHICS_FEATURES_1_4 = {
    "dynamicRenderingLocalRead", "indexTypeUint8", "vertexAttributeInstanceRateDivisor",
    "vertexAttributeInstanceRateZeroDivisor", "rectangularLines", "bresenhamLines",
    "smoothLines", "stippledRectangularLines", "stippledBresenhamLines", "stippledSmoothLines",
    "hostImageCopy",
}


def graphics_features(reg):
    """Every graphics-only feature name (GRAPHICS_FEATURES, and GRAPHICS_FEATURES_1_4 where the
    registry knows Vulkan 1.4)."""
    if max_core_version(reg) >= (1, 4):
        return GRAPHICS_FEATURES | GRAPHICS_FEATURES_1_4
    return set(GRAPHICS_FEATURES)

# Format features only graphics uses: format queries clear them (linear, optimal and buffer
# features, VkFormatFeatureFlags and VkFormatFeatureFlags2 alike). Patterns matched against the
# bit names of vk.xml, so that bits of newer headers are covered; each must match a bit.
# Sampling (SAMPLED_IMAGE_FILTER_*, YCbCr, minmax, depth comparison) stays: compute shaders
# sample.
GRAPHICS_FORMAT_FEATURE_PATTERNS = [
    "COLOR_ATTACHMENT",          # COLOR_ATTACHMENT(_BLEND), LINEAR_COLOR_ATTACHMENT_NV
    "DEPTH_STENCIL_ATTACHMENT",
    "BLIT_SRC", "BLIT_DST",
    "VERTEX_BUFFER",             # and ACCELERATION_STRUCTURE_VERTEX_BUFFER
    "FRAGMENT_SHADING_RATE", "FRAGMENT_DENSITY_MAP",
    "VIDEO_",
    "OPTICAL_FLOW_",
]

# Format features and image usages of what Kronos does not offer beyond graphics, known only to
# newer registries (used where VK_VERSION_1_4 is known): host image copies.
NOT_OFFERED_FORMAT_FEATURE_PATTERNS_1_4 = ["HOST_IMAGE_TRANSFER"]
NOT_OFFERED_IMAGE_USAGE_PATTERNS_1_4 = ["HOST_TRANSFER"]


def format_feature_patterns(reg):
    """GRAPHICS_FORMAT_FEATURE_PATTERNS, and the 1.4 ones where the registry knows 1.4."""
    extra = NOT_OFFERED_FORMAT_FEATURE_PATTERNS_1_4 if max_core_version(reg) >= (1, 4) else []
    return GRAPHICS_FORMAT_FEATURE_PATTERNS + extra


def image_usage_patterns(reg):
    """GRAPHICS_IMAGE_USAGE_PATTERNS, and the 1.4 ones where the registry knows 1.4."""
    extra = NOT_OFFERED_IMAGE_USAGE_PATTERNS_1_4 if max_core_version(reg) >= (1, 4) else []
    return GRAPHICS_IMAGE_USAGE_PATTERNS + extra


# Image usages only graphics uses: image format queries asking for one answer
# VK_ERROR_FORMAT_NOT_SUPPORTED, sparse ones report no properties. Patterns as above.
GRAPHICS_IMAGE_USAGE_PATTERNS = [
    "ATTACHMENT",                # color, depth/stencil, input, transient, shading rate,
                                 # attachment feedback loop
    "FRAGMENT_DENSITY_MAP",
    "VIDEO_",
    "INVOCATION_MASK",           # ray tracing
]

# Property structures with pointers to the application's arrays: src/kr_properties_copy.c copies
# each without overwriting them (gen_compact.py fails on any other property structure with a
# pointer member).
PROPERTY_POINTER_STRUCTS = {
    "VkPhysicalDeviceVulkan14Properties", "VkPhysicalDeviceHostImageCopyProperties",
    "VkPhysicalDeviceLayeredApiPropertiesListKHR",
}

# Limits that only graphics work uses: they read as zero.
GRAPHICS_LIMITS = {
    "maxFramebufferWidth", "maxFramebufferHeight", "maxFramebufferLayers",
    "maxVertexInputAttributes", "maxVertexInputBindings", "maxVertexInputAttributeOffset",
    "maxVertexInputBindingStride", "maxVertexOutputComponents",
    "maxTessellationGenerationLevel", "maxTessellationPatchSize",
    "maxTessellationControlPerVertexInputComponents",
    "maxTessellationControlPerVertexOutputComponents",
    "maxTessellationControlPerPatchOutputComponents",
    "maxTessellationControlTotalOutputComponents",
    "maxTessellationEvaluationInputComponents", "maxTessellationEvaluationOutputComponents",
    "maxGeometryShaderInvocations", "maxGeometryInputComponents",
    "maxGeometryOutputComponents", "maxGeometryOutputVertices",
    "maxGeometryTotalOutputComponents", "maxFragmentInputComponents",
    "maxFragmentOutputAttachments", "maxFragmentDualSrcAttachments",
    "maxFragmentCombinedOutputResources", "maxDrawIndexedIndexValue", "maxDrawIndirectCount",
    "maxViewports", "maxViewportDimensions", "viewportBoundsRange", "viewportSubPixelBits",
    "subPixelPrecisionBits", "minInterpolationOffset", "maxInterpolationOffset",
    "subPixelInterpolationOffsetBits", "framebufferColorSampleCounts",
    "framebufferDepthSampleCounts", "framebufferStencilSampleCounts",
    "framebufferNoAttachmentsSampleCounts", "maxColorAttachments", "maxSampleMaskWords",
    "maxClipDistances", "maxCullDistances", "maxCombinedClipAndCullDistances",
    "pointSizeRange", "lineWidthRange", "pointSizeGranularity", "lineWidthGranularity",
    "strictLines", "standardSampleLocations",
    "maxPerStageDescriptorInputAttachments", "maxDescriptorSetInputAttachments",
}
