/* Image descriptors (combined image samplers, sampled images, samplers, storage images) with and
 * without immutable samplers, written directly and copied between sets of different layouts,
 * record to record and record to pass-through (vendor) set: vendor vs Kronos, bit for bit. */
#include "img.h"
#include "shaders/images_spv.h"

enum { PLAIN, IMM, PT, LAYOUTS };

struct ctx {
   struct rc_images im;
   VkDescriptorSetLayout sl[LAYOUTS], out_layout;
   VkPipelineLayout pl[LAYOUTS];
   VkPipeline pipe[LAYOUTS];
   VkDescriptorPool pool;
   struct rc_buf out;
   VkDescriptorSet out_set;
};

static void
setup(struct rc_dev *d, struct ctx *c)
{
   rc_images_create(d, &c->im);
   VkSampler imm2[2] = {c->im.nearest_repeat, c->im.nearest_repeat};
   for (int l = 0; l < LAYOUTS; l++) {
      VkDescriptorSetLayoutBinding b[4] = {
         {0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 2, VK_SHADER_STAGE_COMPUTE_BIT, l == IMM ? imm2 : NULL},
         {1, VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
         {2, VK_DESCRIPTOR_TYPE_SAMPLER, 1, VK_SHADER_STAGE_COMPUTE_BIT, l == IMM ? imm2 : NULL},
         {3, VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL},
      };
      VkDescriptorSetLayoutCreateInfo li = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
                                            .flags = l == PT ? VK_DESCRIPTOR_SET_LAYOUT_CREATE_UPDATE_AFTER_BIND_POOL_BIT : 0,
                                            .bindingCount = 4, .pBindings = b};
      RC_CHECK(vkCreateDescriptorSetLayout(d->dev, &li, NULL, &c->sl[l]));
   }
   VkDescriptorSetLayoutBinding ob = {0, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, NULL};
   VkDescriptorSetLayoutCreateInfo oli = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
                                          .bindingCount = 1, .pBindings = &ob};
   RC_CHECK(vkCreateDescriptorSetLayout(d->dev, &oli, NULL, &c->out_layout));
   for (int l = 0; l < LAYOUTS; l++) {
      VkDescriptorSetLayout two[2] = {c->sl[l], c->out_layout};
      VkPipelineLayoutCreateInfo pi = {.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
                                       .setLayoutCount = 2, .pSetLayouts = two};
      RC_CHECK(vkCreatePipelineLayout(d->dev, &pi, NULL, &c->pl[l]));
      c->pipe[l] = rc_pipeline(d, images_spv, sizeof(images_spv), c->pl[l]);
   }
   VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 64},
                                   {VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, 32},
                                   {VK_DESCRIPTOR_TYPE_SAMPLER, 32},
                                   {VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, 32},
                                   {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 32}};
   VkDescriptorPoolCreateInfo pci = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
                                     .flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT |
                                              VK_DESCRIPTOR_POOL_CREATE_UPDATE_AFTER_BIND_BIT,
                                     .maxSets = 32, .poolSizeCount = 5, .pPoolSizes = sizes};
   RC_CHECK(vkCreateDescriptorPool(d->dev, &pci, NULL, &c->pool));
   rc_buf_create(d, 256, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, &c->out);
   VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                     .descriptorPool = c->pool, .descriptorSetCount = 1,
                                     .pSetLayouts = &c->out_layout};
   RC_CHECK(vkAllocateDescriptorSets(d->dev, &ai, &c->out_set));
   VkDescriptorBufferInfo obi = {c->out.buffer, 0, VK_WHOLE_SIZE};
   VkWriteDescriptorSet w = {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = c->out_set,
                             .descriptorCount = 1, .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                             .pBufferInfo = &obi};
   vkUpdateDescriptorSets(d->dev, 1, &w, 0, NULL);
}

static VkDescriptorSet
alloc_set(struct rc_dev *d, struct ctx *c, int l)
{
   VkDescriptorSetAllocateInfo ai = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                     .descriptorPool = c->pool, .descriptorSetCount = 1,
                                     .pSetLayouts = &c->sl[l]};
   VkDescriptorSet s;
   RC_CHECK(vkAllocateDescriptorSets(d->dev, &ai, &s));
   return s;
}

/* Writes every binding (samplers: linear_clamp; ignored where the layout has immutable ones). */
static void
write_all(struct rc_dev *d, struct ctx *c, VkDescriptorSet s, int l)
{
   VkDescriptorImageInfo cis[2] = {{c->im.linear_clamp, c->im.view[0], VK_IMAGE_LAYOUT_GENERAL},
                                   {c->im.linear_clamp, c->im.view[0], VK_IMAGE_LAYOUT_GENERAL}};
   VkDescriptorImageInfo tex = {VK_NULL_HANDLE, c->im.view[0], VK_IMAGE_LAYOUT_GENERAL};
   VkDescriptorImageInfo smp = {c->im.linear_clamp, VK_NULL_HANDLE, VK_IMAGE_LAYOUT_UNDEFINED};
   VkDescriptorImageInfo st = {VK_NULL_HANDLE, c->im.view[1], VK_IMAGE_LAYOUT_GENERAL};
   VkWriteDescriptorSet w[4] = {
      {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = s, .dstBinding = 0, .descriptorCount = 2,
       .descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, .pImageInfo = cis},
      {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = s, .dstBinding = 1, .descriptorCount = 1,
       .descriptorType = VK_DESCRIPTOR_TYPE_SAMPLED_IMAGE, .pImageInfo = &tex},
      {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = s, .dstBinding = 3, .descriptorCount = 1,
       .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_IMAGE, .pImageInfo = &st},
      {.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET, .dstSet = s, .dstBinding = 2, .descriptorCount = 1,
       .descriptorType = VK_DESCRIPTOR_TYPE_SAMPLER, .pImageInfo = &smp},
   };
   /* Binding 2 of IMM has an immutable sampler: writing it is not allowed. */
   vkUpdateDescriptorSets(d->dev, l == IMM ? 3 : 4, w, 0, NULL);
}

/* Copies the bindings in mask (bit i: binding i) from src to dst; the others are written. */
static void
copy_some(struct rc_dev *d, struct ctx *c, VkDescriptorSet src, VkDescriptorSet dst, int dst_layout,
          unsigned mask)
{
   if (mask != 0xf)
      write_all(d, c, dst, dst_layout);
   VkCopyDescriptorSet cp[4];
   uint32_t counts[4] = {2, 1, 1, 1}, n = 0;
   for (int i = 0; i < 4; i++)
      if (mask & (1u << i))
         cp[n++] = (VkCopyDescriptorSet){.sType = VK_STRUCTURE_TYPE_COPY_DESCRIPTOR_SET, .srcSet = src,
                                         .srcBinding = (uint32_t)i, .dstSet = dst, .dstBinding = (uint32_t)i,
                                         .descriptorCount = counts[i]};
   vkUpdateDescriptorSets(d->dev, 0, NULL, n, cp);
}
#define copy_all(d, src, dst) copy_some(d, &c, src, dst, 0, 0xf)

static void
dispatch(struct rc_dev *d, struct ctx *c, int l, VkDescriptorSet s)
{
   memset(c->out.data, 0, 256);
   VkCommandBuffer cmd = rc_cmd(d);
   VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
   RC_CHECK(vkBeginCommandBuffer(cmd, &bi));
   vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, c->pipe[l]);
   VkDescriptorSet two[2] = {s, c->out_set};
   vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, c->pl[l], 0, 2, two, 0, NULL);
   vkCmdDispatch(cmd, 1, 1, 1);
   RC_CHECK(vkEndCommandBuffer(cmd));
   rc_submit_wait(d, cmd);
   vkFreeCommandBuffers(d->dev, d->cmd_pool, 1, &cmd);
}

/* Scenario n on one device: out gets the shader's output. */
static void
scenario(struct rc_dev *d, int n, uint8_t out[256])
{
   struct ctx c;
   memset(&c, 0, sizeof(c));
   setup(d, &c);
   VkDescriptorSet a, b;
   int bind_layout = PLAIN;
   switch (n) {
   case 0: /* plain writes */
      a = alloc_set(d, &c, PLAIN); write_all(d, &c, a, PLAIN); b = a; break;
   case 1: /* immutable samplers, bound directly */
      a = alloc_set(d, &c, IMM); write_all(d, &c, a, IMM); b = a; bind_layout = IMM; break;
   case 2: /* record (immutable) -> record (plain) copy */
      a = alloc_set(d, &c, IMM); write_all(d, &c, a, IMM);
      b = alloc_set(d, &c, PLAIN); copy_all(d, a, b); break;
   case 3: /* record (immutable) -> pass-through (update-after-bind layout) copy.
            * INVALID USAGE on purpose (VUID-VkCopyDescriptorSet-srcSet-04886): the only
            * pass-through layouts lavapipe 22.3 offers are update-after-bind ones; on a vendor with
            * descriptorBindingPartiallyBound the same path (copy_record_to_vendor) is valid. */
      a = alloc_set(d, &c, IMM); write_all(d, &c, a, IMM);
      b = alloc_set(d, &c, PT); copy_all(d, a, b); bind_layout = PT; break;
   case 4: /* record (plain, linear_clamp) -> record (immutable) copy; not binding 2 (SAMPLER
            * with immutable samplers: VUID-VkCopyDescriptorSet-dstBinding-02753) */
      a = alloc_set(d, &c, PLAIN); write_all(d, &c, a, PLAIN);
      b = alloc_set(d, &c, IMM); copy_some(d, &c, a, b, IMM, 0xb); bind_layout = IMM; break;
   case 6: /* only binding 0 (combined image samplers, immutable in the source) copied */
      a = alloc_set(d, &c, IMM); write_all(d, &c, a, IMM);
      b = alloc_set(d, &c, PLAIN); copy_some(d, &c, a, b, PLAIN, 0x1); break;
   case 7: /* only binding 2 (sampler, immutable in the source, never written) copied */
      a = alloc_set(d, &c, IMM); write_all(d, &c, a, IMM);
      b = alloc_set(d, &c, PLAIN); copy_some(d, &c, a, b, PLAIN, 0x4); break;
   case 5: /* pass-through -> record copy (INVALID USAGE likewise: VUID-...-srcSet-01918) */
      a = alloc_set(d, &c, PT); write_all(d, &c, a, PT);
      b = alloc_set(d, &c, PLAIN); copy_all(d, a, b); break;
   default: exit(2);
   }
   dispatch(d, &c, bind_layout, b);
   memcpy(out, c.out.data, 256);
   vkDestroyDescriptorPool(d->dev, c.pool, NULL);
   for (int l = 0; l < LAYOUTS; l++) {
      vkDestroyPipeline(d->dev, c.pipe[l], NULL);
      vkDestroyPipelineLayout(d->dev, c.pl[l], NULL);
      vkDestroyDescriptorSetLayout(d->dev, c.sl[l], NULL);
   }
   vkDestroyDescriptorSetLayout(d->dev, c.out_layout, NULL);
   rc_buf_destroy(d, &c.out);
   rc_images_destroy(d, &c.im);
}

int
main(int argc, char **argv)
{
   static const char *names[] = {"plain_writes", "immutable_direct", "copy_immutable_to_plain_record",
                                 "copy_immutable_record_to_passthrough(invalid-usage)", "copy_plain_to_immutable_record",
                                 "copy_passthrough_to_record(invalid-usage)", "copy_immutable_combined_only",
                                 "copy_immutable_sampler_only"};
   rc_init(NULL);
   int only = argc > 1 ? atoi(argv[1]) : -1;
   for (int n = 0; n < 8; n++) {
      if (only >= 0 && n != only)
         continue;
      uint8_t v[256], k[256];
      fprintf(stderr, "[%s] on the vendor\n", names[n]);
      scenario(&rc_vendor, n, v);
      fprintf(stderr, "[%s] on Kronos\n", names[n]);
      scenario(&rc_kronos, n, k);
      rc_result(names[n], rc_compare(names[n], v, k, 256));
   }
   rc_finish(NULL);
   return rc_failures != 0;
}
