// SPDX-License-Identifier: MIT
// The submit rows' tiny work: one invocation adds 1 to words[index]. Each pre-recorded command
// buffer pushes its own index, so counting what every submit did needs no re-recording.
#version 450

layout(local_size_x = 1, local_size_y = 1, local_size_z = 1) in;

layout(push_constant) uniform Params {
    uint index;
} params;

layout(set = 0, binding = 0, std430) buffer Words {
    uint words[];
};

void main()
{
    words[params.index] += 1u;
}
