/* SPDX-License-Identifier: MIT */
/* Kronos's program helpers (tools, tests, benchmarks): volk-loaded Vulkan, one header. */
#ifndef KT_H
#define KT_H

#include "kt_buffer.h"
#include "kt_check.h"
#include "kt_cooperative_matrix.h"
#include "kt_device.h"
#include "kt_instance.h"
#include "kt_numbers.h"
#include "kt_physical_device.h"
#include "kt_pipeline.h"
#include "kt_random.h"
#include "kt_regions.h"
#include "kt_saxpy.h"
#include "kt_submit.h"
#include "kt_system.h"

#endif
