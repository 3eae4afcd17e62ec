/* SPDX-License-Identifier: MIT */
/* Format queries are compute-only (issue 9, item 7), checked next to the vendor in one
 * instance: for every format, Kronos's format features are the vendor's without the graphics
 * features (attachments, blits, vertex buffers, fragment shading rate and density maps, video,
 * acceleration-structure vertex buffers), in VkFormatProperties and VkFormatProperties3 alike;
 * image format queries that ask for a graphics usage are not supported, while storage, sampled
 * and transfer usages are answered as the vendor answers them. The graphics bits are listed
 * here by hand, independently of Kronos's generated table. */
#include <stdio.h>
#include <string.h>

#include "it_common.h"

/* The graphics format features of the Vulkan 1.3.239 headers. */
static const VkFormatFeatureFlags graphics_features =
   VK_FORMAT_FEATURE_VERTEX_BUFFER_BIT | VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT |
   VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BLEND_BIT | VK_FORMAT_FEATURE_DEPTH_STENCIL_ATTACHMENT_BIT |
   VK_FORMAT_FEATURE_BLIT_SRC_BIT | VK_FORMAT_FEATURE_BLIT_DST_BIT |
   VK_FORMAT_FEATURE_VIDEO_DECODE_OUTPUT_BIT_KHR | VK_FORMAT_FEATURE_VIDEO_DECODE_DPB_BIT_KHR |
   VK_FORMAT_FEATURE_ACCELERATION_STRUCTURE_VERTEX_BUFFER_BIT_KHR |
   VK_FORMAT_FEATURE_FRAGMENT_DENSITY_MAP_BIT_EXT |
   VK_FORMAT_FEATURE_FRAGMENT_SHADING_RATE_ATTACHMENT_BIT_KHR |
   0x08000000 /* VIDEO_ENCODE_INPUT (beta) */ | 0x10000000 /* VIDEO_ENCODE_DPB (beta) */;

static const VkFormatFeatureFlags2 graphics_features2 =
   (VkFormatFeatureFlags2)graphics_features | VK_FORMAT_FEATURE_2_LINEAR_COLOR_ATTACHMENT_BIT_NV |
   VK_FORMAT_FEATURE_2_OPTICAL_FLOW_IMAGE_BIT_NV | VK_FORMAT_FEATURE_2_OPTICAL_FLOW_VECTOR_BIT_NV |
   VK_FORMAT_FEATURE_2_OPTICAL_FLOW_COST_BIT_NV
#ifdef VK_VERSION_1_4
   /* not graphics, but not offered either: host image copies (newer headers) */
   | VK_FORMAT_FEATURE_2_HOST_IMAGE_TRANSFER_BIT
#endif
   ;

static const VkImageUsageFlags graphics_usages[] = {
   VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
   VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT,
   VK_IMAGE_USAGE_INPUT_ATTACHMENT_BIT,
   VK_IMAGE_USAGE_TRANSIENT_ATTACHMENT_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
   VK_IMAGE_USAGE_FRAGMENT_SHADING_RATE_ATTACHMENT_BIT_KHR,
   VK_IMAGE_USAGE_FRAGMENT_DENSITY_MAP_BIT_EXT,
   VK_IMAGE_USAGE_VIDEO_DECODE_DST_BIT_KHR,
   VK_IMAGE_USAGE_ATTACHMENT_FEEDBACK_LOOP_BIT_EXT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT,
   VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, /* mixed */
#ifdef VK_VERSION_1_4
   VK_IMAGE_USAGE_HOST_TRANSFER_BIT | VK_IMAGE_USAGE_STORAGE_BIT, /* host image copy */
#endif
};

static const VkImageUsageFlags compute_usages[] = {
   VK_IMAGE_USAGE_STORAGE_BIT,
   VK_IMAGE_USAGE_SAMPLED_BIT,
   VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
   VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
};

/* Every format of the headers: the core range and the extension ranges. */
static const struct {
   uint32_t first, last;
} format_ranges[] = {
   {VK_FORMAT_UNDEFINED, VK_FORMAT_ASTC_12x12_SRGB_BLOCK},
   {VK_FORMAT_PVRTC1_2BPP_UNORM_BLOCK_IMG, VK_FORMAT_PVRTC2_4BPP_SRGB_BLOCK_IMG},
   {VK_FORMAT_ASTC_4x4_SFLOAT_BLOCK, VK_FORMAT_ASTC_12x12_SFLOAT_BLOCK},
   {VK_FORMAT_G8B8G8R8_422_UNORM, VK_FORMAT_G16_B16_R16_3PLANE_444_UNORM},
   {VK_FORMAT_G8_B8R8_2PLANE_444_UNORM, VK_FORMAT_G16_B16R16_2PLANE_444_UNORM},
   {VK_FORMAT_A4R4G4B4_UNORM_PACK16, VK_FORMAT_A4B4G4R4_UNORM_PACK16},
   {VK_FORMAT_R16G16_S10_5_NV, VK_FORMAT_R16G16_S10_5_NV},
};

static VkInstance instance;
static VkPhysicalDevice kronos, vendor;

static bool
find_devices(void)
{
   bool ok = false;
   CHECK_VK(it_create_instance(NULL, 0, NULL, &instance));
   CHECK_VK(it_find_device_pair(instance, &kronos, &vendor));
   CHECK(vendor != VK_NULL_HANDLE);
   ok = true;
done:
   return ok;
}

struct format_answer {
   VkFormatProperties props;  /* vkGetPhysicalDeviceFormatProperties */
   VkFormatProperties2 props2; /* ... 2, with VkFormatProperties3 chained */
   VkFormatProperties3 props3;
};

static void
query_format(VkPhysicalDevice device, VkFormat format, struct format_answer *a)
{
   memset(a, 0, sizeof(*a));
   vkGetPhysicalDeviceFormatProperties(device, format, &a->props);
   a->props3.sType = VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_3;
   a->props2.sType = VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_2;
   a->props2.pNext = &a->props3;
   vkGetPhysicalDeviceFormatProperties2(device, format, &a->props2);
}

static bool
features_equal(const VkFormatProperties *k, const VkFormatProperties *v)
{
   return k->linearTilingFeatures == (v->linearTilingFeatures & ~graphics_features) &&
          k->optimalTilingFeatures == (v->optimalTilingFeatures & ~graphics_features) &&
          k->bufferFeatures == (v->bufferFeatures & ~graphics_features);
}

static bool
features3_equal(const VkFormatProperties3 *k, const VkFormatProperties3 *v)
{
   return k->linearTilingFeatures == (v->linearTilingFeatures & ~graphics_features2) &&
          k->optimalTilingFeatures == (v->optimalTilingFeatures & ~graphics_features2) &&
          k->bufferFeatures == (v->bufferFeatures & ~graphics_features2);
}

/* Kronos's features are the vendor's without the graphics ones, for every format. */
static bool
format_features(void)
{
   bool ok = false;
   uint32_t formats = 0, vendor_graphics = 0, kept = 0;
   for (size_t r = 0; r < sizeof(format_ranges) / sizeof(format_ranges[0]); r++) {
      for (uint32_t f = format_ranges[r].first; f <= format_ranges[r].last; f++) {
         struct format_answer k, v;
         query_format(kronos, (VkFormat)f, &k);
         query_format(vendor, (VkFormat)f, &v);
         if (!features_equal(&k.props, &v.props) ||
             !features_equal(&k.props2.formatProperties, &v.props2.formatProperties) ||
             !features3_equal(&k.props3, &v.props3)) {
            it_report(__FILE__, __LINE__,
                      "format %u: Kronos linear/optimal/buffer 0x%x/0x%x/0x%x (3: 0x%llx/0x%llx/"
                      "0x%llx), vendor 0x%x/0x%x/0x%x (3: 0x%llx/0x%llx/0x%llx)", f,
                      k.props.linearTilingFeatures, k.props.optimalTilingFeatures,
                      k.props.bufferFeatures, (unsigned long long)k.props3.linearTilingFeatures,
                      (unsigned long long)k.props3.optimalTilingFeatures,
                      (unsigned long long)k.props3.bufferFeatures, v.props.linearTilingFeatures,
                      v.props.optimalTilingFeatures, v.props.bufferFeatures,
                      (unsigned long long)v.props3.linearTilingFeatures,
                      (unsigned long long)v.props3.optimalTilingFeatures,
                      (unsigned long long)v.props3.bufferFeatures);
            goto done;
         }
         CHECK(k.props2.pNext == &k.props3);
         formats++;
         if ((v.props.optimalTilingFeatures | v.props.bufferFeatures) & graphics_features)
            vendor_graphics++;
         if (k.props.optimalTilingFeatures & (VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT |
                                              VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT))
            kept++;
      }
   }
   printf("  %u formats; the vendor offers graphics features for %u, Kronos keeps storage or "
          "linear filtering for %u\n", formats, vendor_graphics, kept);
   /* Not vacuous: the vendor has graphics features to drop and compute features to keep. */
   CHECK(vendor_graphics > 0);
   CHECK(kept > 0);
   struct format_answer rgba;
   query_format(vendor, VK_FORMAT_R8G8B8A8_UNORM, &rgba);
   CHECK(rgba.props.optimalTilingFeatures & VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT);
   query_format(kronos, VK_FORMAT_R8G8B8A8_UNORM, &rgba);
   CHECK(!(rgba.props.optimalTilingFeatures & VK_FORMAT_FEATURE_COLOR_ATTACHMENT_BIT));
   CHECK(rgba.props.optimalTilingFeatures & VK_FORMAT_FEATURE_STORAGE_IMAGE_BIT);
   CHECK(rgba.props.optimalTilingFeatures & VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT);
   CHECK(rgba.props.optimalTilingFeatures & VK_FORMAT_FEATURE_TRANSFER_DST_BIT);
   ok = true;
done:
   return ok;
}

static VkResult
image_format(VkPhysicalDevice device, VkFormat format, VkImageTiling tiling,
             VkImageUsageFlags usage, const void *next, VkImageFormatProperties *props,
             VkImageFormatProperties *props2)
{
   VkResult result = vkGetPhysicalDeviceImageFormatProperties(device, format, VK_IMAGE_TYPE_2D,
                                                              tiling, usage, 0, props);
   const VkPhysicalDeviceImageFormatInfo2 info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2,
      .pNext = next,
      .format = format,
      .type = VK_IMAGE_TYPE_2D,
      .tiling = tiling,
      .usage = usage,
   };
   VkImageFormatProperties2 out = {.sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2};
   memset(&out.imageFormatProperties, 0xa5, sizeof(out.imageFormatProperties));
   VkResult result2 = vkGetPhysicalDeviceImageFormatProperties2(device, &info, &out);
   *props2 = out.imageFormatProperties;
   return result == result2 ? result : VK_ERROR_UNKNOWN;
}

static bool
image_props_zero(const VkImageFormatProperties *p)
{
   static const VkImageFormatProperties zero;
   return memcmp(p, &zero, sizeof(zero)) == 0;
}

/* Graphics usages: not supported on Kronos, supported on the vendor for R8G8B8A8_UNORM (and
 * D32_SFLOAT for depth). */
static bool
graphics_image_usages(void)
{
   bool ok = false;
   VkImageFormatProperties k, k2, v, v2;
   for (size_t i = 0; i < sizeof(graphics_usages) / sizeof(graphics_usages[0]); i++) {
      VkImageUsageFlags usage = graphics_usages[i];
      VkFormat format = usage & VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT
                           ? VK_FORMAT_D32_SFLOAT : VK_FORMAT_R8G8B8A8_UNORM;
      CHECK_RESULT(image_format(kronos, format, VK_IMAGE_TILING_OPTIMAL, usage, NULL, &k, &k2),
                   VK_ERROR_FORMAT_NOT_SUPPORTED);
      CHECK(image_props_zero(&k) && image_props_zero(&k2));
   }
   CHECK_VK(image_format(vendor, VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TILING_OPTIMAL,
                         VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT, NULL, &v, &v2));
   CHECK_VK(image_format(vendor, VK_FORMAT_D32_SFLOAT, VK_IMAGE_TILING_OPTIMAL,
                         VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, NULL, &v, &v2));

   /* A stencil usage that is graphics (VkImageStencilUsageCreateInfo). */
   const VkImageStencilUsageCreateInfo stencil = {
      .sType = VK_STRUCTURE_TYPE_IMAGE_STENCIL_USAGE_CREATE_INFO,
      .stencilUsage = VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT,
   };
   VkImageFormatProperties2 out = {.sType = VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2};
   VkPhysicalDeviceImageFormatInfo2 info = {
      .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2,
      .pNext = &stencil,
      .format = VK_FORMAT_D32_SFLOAT_S8_UINT,
      .type = VK_IMAGE_TYPE_2D,
      .tiling = VK_IMAGE_TILING_OPTIMAL,
      .usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT,
   };
   CHECK_VK(vkGetPhysicalDeviceImageFormatProperties2(vendor, &info, &out));
   CHECK_RESULT(vkGetPhysicalDeviceImageFormatProperties2(kronos, &info, &out),
                VK_ERROR_FORMAT_NOT_SUPPORTED);

   /* Sparse image format queries with a graphics usage have no properties. */
   for (size_t i = 0; i < sizeof(graphics_usages) / sizeof(graphics_usages[0]); i++) {
      uint32_t count = 99;
      vkGetPhysicalDeviceSparseImageFormatProperties(
         kronos, VK_FORMAT_R8G8B8A8_UNORM, VK_IMAGE_TYPE_2D, VK_SAMPLE_COUNT_1_BIT,
         graphics_usages[i], VK_IMAGE_TILING_OPTIMAL, &count, NULL);
      CHECK(count == 0);
      const VkPhysicalDeviceSparseImageFormatInfo2 sparse = {
         .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SPARSE_IMAGE_FORMAT_INFO_2,
         .format = VK_FORMAT_R8G8B8A8_UNORM,
         .type = VK_IMAGE_TYPE_2D,
         .samples = VK_SAMPLE_COUNT_1_BIT,
         .usage = graphics_usages[i],
         .tiling = VK_IMAGE_TILING_OPTIMAL,
      };
      count = 99;
      vkGetPhysicalDeviceSparseImageFormatProperties2(kronos, &sparse, &count, NULL);
      CHECK(count == 0);
   }
   ok = true;
done:
   return ok;
}

/* Compute usages, for every format and both tilings: the vendor's answer. */
static bool
compute_image_usages(void)
{
   bool ok = false;
   uint32_t supported = 0;
   for (size_t r = 0; r < sizeof(format_ranges) / sizeof(format_ranges[0]); r++) {
      for (uint32_t f = format_ranges[r].first; f <= format_ranges[r].last; f++) {
         if (f == VK_FORMAT_UNDEFINED)
            continue;
         for (int t = 0; t < 2; t++) {
            VkImageTiling tiling = t ? VK_IMAGE_TILING_LINEAR : VK_IMAGE_TILING_OPTIMAL;
            for (size_t u = 0; u < sizeof(compute_usages) / sizeof(compute_usages[0]); u++) {
               VkImageFormatProperties k, k2, v, v2;
               VkResult kr = image_format(kronos, (VkFormat)f, tiling, compute_usages[u], NULL,
                                          &k, &k2);
               VkResult vr = image_format(vendor, (VkFormat)f, tiling, compute_usages[u], NULL,
                                          &v, &v2);
               if (kr != vr) {
                  it_report(__FILE__, __LINE__, "format %u tiling %d usage 0x%x: Kronos %s, "
                            "vendor %s", f, tiling, compute_usages[u], it_result_name(kr),
                            it_result_name(vr));
                  goto done;
               }
               if (vr == VK_SUCCESS) {
                  CHECK(memcmp(&k, &v, sizeof(k)) == 0);
                  CHECK(memcmp(&k2, &v2, sizeof(k2)) == 0);
                  supported++;
               }
               uint32_t kc = 0, vc = 0;
               vkGetPhysicalDeviceSparseImageFormatProperties(kronos, (VkFormat)f,
                                                              VK_IMAGE_TYPE_2D,
                                                              VK_SAMPLE_COUNT_1_BIT,
                                                              compute_usages[u], tiling, &kc,
                                                              NULL);
               vkGetPhysicalDeviceSparseImageFormatProperties(vendor, (VkFormat)f,
                                                              VK_IMAGE_TYPE_2D,
                                                              VK_SAMPLE_COUNT_1_BIT,
                                                              compute_usages[u], tiling, &vc,
                                                              NULL);
               CHECK(kc == vc);
            }
         }
      }
   }
   printf("  %u (format, tiling, usage) combinations supported, as on the vendor\n", supported);
   CHECK(supported > 0);
   ok = true;
done:
   return ok;
}

static bool
teardown(void)
{
   vkDestroyInstance(instance, NULL);
   return true;
}

int
main(void)
{
   static const struct it_test tests[] = {
      {"Kronos and vendor devices", find_devices, true},
      {"format features: the vendor's without graphics", format_features, false},
      {"graphics image usages are not supported", graphics_image_usages, false},
      {"compute image usages as on the vendor", compute_image_usages, false},
      {"teardown", teardown, false},
   };
   return IT_RUN_TESTS(tests);
}
