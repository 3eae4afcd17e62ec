#version 450
// SPDX-License-Identifier: MIT
// Buffer accesses the reflector must tell apart (tests/unit/test_spirv_reflect.c).
layout(local_size_x = 64) in;

layout(set = 0, binding = 0) buffer Src { float v[]; } src;            // loaded only, not readonly
layout(set = 0, binding = 1) buffer Dst { float v[]; } dst;            // stored
layout(set = 0, binding = 2) buffer Counter { uint n; } counter;       // atomicAdd
layout(set = 0, binding = 3) writeonly buffer Wo { float v[]; } wo;    // writeonly, stored
layout(set = 0, binding = 4) readonly buffer Ro { float v[]; } ro;     // readonly, loaded
layout(set = 0, binding = 5) buffer Unused { float v[]; } unused;      // declared, never used
layout(set = 1, binding = 0) uniform Params { float scale; } params;   // uniform block
layout(set = 1, binding = 1) buffer Len { float v[]; } len;            // only its length
layout(set = 1, binding = 2) buffer Rmw { float v[]; } rmw;            // += (read and written)

layout(push_constant) uniform Push { uint count; } pc;

void main()
{
   uint i = gl_GlobalInvocationID.x;
   if (i >= pc.count)
      return;
   dst.v[i] = src.v[i] * params.scale + ro.v[i];
   wo.v[i] = float(len.v.length());
   rmw.v[i] += 1.0;
   atomicAdd(counter.n, 1u);
}
