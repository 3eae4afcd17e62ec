#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The driver library exports the loader-ICD interface and nothing else.
# Usage: exports.sh NM LIBRARY
set -u
nm=$1
library=$2

if ! symbols=$("$nm" -D --defined-only "$library" | awk '{ print $NF }'); then
  echo "FAIL: $nm could not read $library" >&2
  exit 1
fi
status=0
for required in vk_icdNegotiateLoaderICDInterfaceVersion vk_icdGetInstanceProcAddr \
                vk_icdGetPhysicalDeviceProcAddr; do
  grep -qx "$required" <<<"$symbols" || { echo "FAIL: $required is not exported" >&2; status=1; }
done
others=$(grep -v '^vk_icd' <<<"$symbols")
if [ -n "$others" ]; then
  echo "FAIL: exported besides vk_icd*:" >&2
  echo "$others" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "ok: exports: $(tr '\n' ' ' <<<"$symbols")"
exit "$status"
