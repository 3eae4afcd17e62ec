/* SPDX-License-Identifier: MIT */
#include "kr_vendor_set.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kr_settings.h"

/* One set per selection: KRONOS_VENDOR_ICD is read at each call (as before this cache), so a
 * process that changes it between instances gets the drivers it names then. A set is never
 * freed or moved while Kronos is loaded: instances and physical devices point into it. */
struct selection {
   struct selection *next;
   char *key; /* KRONOS_VENDOR_ICD's value; "" for the standard folders */
   struct kr_vendor_set set;
};

/* The system allocator's, not an instance's VkAllocationCallbacks: this outlives every
 * instance, and the application may free its allocator's memory once its instance is gone. */
static struct selection *selections;
static pthread_mutex_t selections_lock = PTHREAD_MUTEX_INITIALIZER;

static struct selection *
find_selection(const char *key)
{
   for (struct selection *s = selections; s; s = s->next) {
      if (strcmp(s->key, key) == 0)
         return s;
   }
   struct selection *s = calloc(1, sizeof(*s));
   if (!s)
      return NULL;
   s->key = strdup(key);
   if (!s->key) {
      free(s);
      return NULL;
   }
   s->next = selections;
   selections = s;
   return s;
}

VkResult
kr_vendor_set_get(bool quiet, struct kr_vendor_list *list)
{
   const char *setting = kr_setting(KR_SETTING_VENDOR_ICD);
   const char *key = setting ? setting : "";
   VkResult result = VK_ERROR_OUT_OF_HOST_MEMORY;
   list->count = 0;
   list->vendors = NULL;
   /* Called back by a driver this thread is loading, under the lock: no vendor for that call
    * (the load then fails the driver and says why). */
   if (kr_vendors_called_back())
      return VK_ERROR_INCOMPATIBLE_DRIVER;

   pthread_mutex_lock(&selections_lock);
   struct selection *s = find_selection(key);
   if (!s)
      goto done;
   result = kr_vendors_load(key, quiet, &s->set);
   if (result != VK_SUCCESS)
      goto done;
   list->count = s->set.count;
   list->vendors = s->set.vendors;
done:
   pthread_mutex_unlock(&selections_lock);
   return result;
}

/* When Kronos is unloaded: at the process's exit, since Kronos is linked -z nodelete
 * (src/meson.build says why). Drops Kronos's references to the drivers and frees the sets; the
 * drivers themselves stay mapped (RTLD_NODELETE, kr_vendor.c). An instance still alive here is
 * the application's leak, and nothing calls into it after this. */
__attribute__((destructor)) static void
release_selections(void)
{
   pthread_mutex_lock(&selections_lock);
   while (selections) {
      struct selection *s = selections;
      selections = s->next;
      kr_vendors_unload(&s->set);
      free(s->key);
      free(s);
   }
   pthread_mutex_unlock(&selections_lock);
}
