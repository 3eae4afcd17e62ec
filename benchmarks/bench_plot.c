/* SPDX-License-Identifier: MIT */
#include "bench_plot.h"

#include <errno.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>

#include "kt.h"

extern char **environ;

bool
bench_plot(const char *script, const char *json_path, const char *png_path)
{
   char *const argv[] = {"python3", (char *)script, (char *)json_path, (char *)png_path, NULL};
   pid_t pid;
   int error = posix_spawnp(&pid, "python3", NULL, NULL, argv, environ);
   if (error != 0) {
      kt_error("no plot: cannot run python3: %s", strerror(error));
      return false;
   }
   int status = 0;
   while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) {
         kt_error("no plot: waitpid: %s", strerror(errno));
         return false;
      }
   }
   if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      kt_error("no plot: %s failed (is python3-matplotlib installed?)", script);
      return false;
   }
   return true;
}
