/* Images for the image scenarios: a 4x4 RGBA8_UNORM sampled image and a 4x4 RGBA8_UINT storage
 * image with distinct texels, both in GENERAL layout, and two samplers that differ in filter and
 * addressing. */
#include "rc.h"
struct rc_images {
   VkImage img[2];
   VkDeviceMemory mem[2];
   VkImageView view[2]; /* sampled, storage */
   VkSampler nearest_repeat, linear_clamp;
};

static void
rc_images_create(struct rc_dev *d, struct rc_images *im)
{
   VkFormat fmts[2] = {VK_FORMAT_R8G8B8A8_UNORM, VK_FORMAT_R8G8B8A8_UINT};
   VkImageUsageFlags usage[2] = {VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT,
                                 VK_IMAGE_USAGE_STORAGE_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT};
   struct rc_buf staging;
   rc_buf_create(d, 64, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, &staging);
   for (int i = 0; i < 64; i++) ((uint8_t *)staging.data)[i] = (uint8_t)(i * 37 + 11);
   VkCommandBuffer c = rc_cmd(d);
   VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   for (int i = 0; i < 2; i++) {
      VkImageCreateInfo ii = {.sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO, .imageType = VK_IMAGE_TYPE_2D,
                              .format = fmts[i], .extent = {4, 4, 1}, .mipLevels = 1, .arrayLayers = 1,
                              .samples = VK_SAMPLE_COUNT_1_BIT, .tiling = VK_IMAGE_TILING_OPTIMAL,
                              .usage = usage[i]};
      RC_CHECK(vkCreateImage(d->dev, &ii, NULL, &im->img[i]));
      VkMemoryRequirements req;
      vkGetImageMemoryRequirements(d->dev, im->img[i], &req);
      VkMemoryAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
                                 .allocationSize = req.size,
                                 .memoryTypeIndex = (uint32_t)__builtin_ctz(req.memoryTypeBits)};
      RC_CHECK(vkAllocateMemory(d->dev, &ai, NULL, &im->mem[i]));
      RC_CHECK(vkBindImageMemory(d->dev, im->img[i], im->mem[i], 0));
      VkImageViewCreateInfo vi = {.sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO, .image = im->img[i],
                                  .viewType = VK_IMAGE_VIEW_TYPE_2D, .format = fmts[i],
                                  .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1}};
      RC_CHECK(vkCreateImageView(d->dev, &vi, NULL, &im->view[i]));
   }
   RC_CHECK(vkBeginCommandBuffer(c, &bi));
   for (int i = 0; i < 2; i++) {
      VkImageMemoryBarrier b = {.sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER,
                                .dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
                                .oldLayout = VK_IMAGE_LAYOUT_UNDEFINED, .newLayout = VK_IMAGE_LAYOUT_GENERAL,
                                .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED, .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
                                .image = im->img[i], .subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1}};
      vkCmdPipelineBarrier(c, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, NULL, 0, NULL, 1, &b);
      VkBufferImageCopy r = {.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1}, .imageExtent = {4, 4, 1}};
      vkCmdCopyBufferToImage(c, staging.buffer, im->img[i], VK_IMAGE_LAYOUT_GENERAL, 1, &r);
   }
   VkMemoryBarrier mb = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER, .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
                         .dstAccessMask = VK_ACCESS_SHADER_READ_BIT};
   vkCmdPipelineBarrier(c, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &mb, 0, NULL, 0, NULL);
   RC_CHECK(vkEndCommandBuffer(c));
   rc_submit_wait(d, c);
   vkFreeCommandBuffers(d->dev, d->cmd_pool, 1, &c);
   rc_buf_destroy(d, &staging);
   VkSamplerCreateInfo si = {.sType = VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO,
                             .magFilter = VK_FILTER_NEAREST, .minFilter = VK_FILTER_NEAREST,
                             .addressModeU = VK_SAMPLER_ADDRESS_MODE_REPEAT,
                             .addressModeV = VK_SAMPLER_ADDRESS_MODE_REPEAT,
                             .addressModeW = VK_SAMPLER_ADDRESS_MODE_REPEAT, .maxLod = 1};
   RC_CHECK(vkCreateSampler(d->dev, &si, NULL, &im->nearest_repeat));
   si.magFilter = si.minFilter = VK_FILTER_LINEAR;
   si.addressModeU = si.addressModeV = si.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
   RC_CHECK(vkCreateSampler(d->dev, &si, NULL, &im->linear_clamp));
}

static void
rc_images_destroy(struct rc_dev *d, struct rc_images *im)
{
   for (int i = 0; i < 2; i++) {
      vkDestroyImageView(d->dev, im->view[i], NULL);
      vkDestroyImage(d->dev, im->img[i], NULL);
      vkFreeMemory(d->dev, im->mem[i], NULL);
   }
   vkDestroySampler(d->dev, im->nearest_repeat, NULL);
   vkDestroySampler(d->dev, im->linear_clamp, NULL);
}
