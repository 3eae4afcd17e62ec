/* Reproducer harness: the vendor's device (lavapipe) and Kronos's over it in one instance; a
 * scenario runs on both and their outputs are compared byte for byte. */
#ifndef RC_H
#define RC_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <volk.h>
#include "kronos/kronos.h"

struct rc_dev {
   const char *name;
   bool kronos;
   VkPhysicalDevice phys;
   VkDevice dev;
   VkQueue queue;
   uint32_t family;
   VkCommandPool cmd_pool;
};

struct rc_buf {
   VkBuffer buffer;
   VkDeviceMemory memory;
   void *data;
   VkDeviceSize size;
};

extern VkInstance rc_instance;
extern struct rc_dev rc_vendor, rc_kronos;
extern int rc_failures;

#define RC_CHECK(call)                                                                        \
   do {                                                                                       \
      VkResult r_ = (call);                                                                   \
      if (r_ != VK_SUCCESS) {                                                                 \
         fprintf(stderr, "%s:%d: %s -> %d\n", __FILE__, __LINE__, #call, r_);                 \
         exit(2);                                                                             \
      }                                                                                       \
   } while (0)

/* Instance + both devices (features: inline uniform blocks; extensions: push descriptors).
 * allocator: for Kronos's device (may be NULL). */
void rc_init(const VkAllocationCallbacks *kronos_allocator);
void rc_finish(const VkAllocationCallbacks *kronos_allocator);

void rc_buf_create(struct rc_dev *d, VkDeviceSize size, VkBufferUsageFlags usage,
                   struct rc_buf *b);
void rc_buf_destroy(struct rc_dev *d, struct rc_buf *b);

VkPipeline rc_pipeline(struct rc_dev *d, const uint32_t *code, size_t size, VkPipelineLayout layout);

VkCommandBuffer rc_cmd(struct rc_dev *d);
void rc_submit_wait(struct rc_dev *d, VkCommandBuffer cmd);
void rc_submit_many_wait(struct rc_dev *d, uint32_t n, const VkCommandBuffer *cmds);

VkKronosDeviceStatistics rc_stats(struct rc_dev *d);

/* Compares; prints a report; counts failures. */
bool rc_compare(const char *what, const void *vendor, const void *kronos, size_t size);
void rc_result(const char *test, bool ok);
#endif
