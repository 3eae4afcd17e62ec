/* SPDX-License-Identifier: MIT */
/* The SPIR-V reflector's lists: capabilities and opcodes it understands. Anything else gives
 * unknown_memory (kr_spirv_internal.h). */
#include "kr_spirv_internal.h"

/* Capabilities that add no way of reaching memory the analysis does not follow. Any other
 * (Addresses, PhysicalStorageBufferAddresses, Linkage, Kernel, cooperative matrices, ray
 * tracing, ...) gives unknown_memory. VariablePointers is here because what it allows is
 * caught where it happens: pointers chosen by OpPhi/OpSelect, held in variables, returned by
 * functions; OpPtrAccessChain stays inside the object its base points into. */
bool
kr_spirv_capability_understood(uint32_t capability)
{
   switch (capability) {
   case SpvCapabilityMatrix:
   case SpvCapabilityShader:
   case SpvCapabilityFloat16:
   case SpvCapabilityFloat64:
   case SpvCapabilityInt64:
   case SpvCapabilityInt64Atomics:
   case SpvCapabilityInt16:
   case SpvCapabilityInt8:
   case SpvCapabilityImageGatherExtended:
   case SpvCapabilityStorageImageMultisample:
   case SpvCapabilityUniformBufferArrayDynamicIndexing:
   case SpvCapabilitySampledImageArrayDynamicIndexing:
   case SpvCapabilityStorageBufferArrayDynamicIndexing:
   case SpvCapabilityStorageImageArrayDynamicIndexing:
   case SpvCapabilityImageCubeArray:
   case SpvCapabilitySampleRateShading:
   case SpvCapabilitySampled1D:
   case SpvCapabilityImage1D:
   case SpvCapabilitySampledCubeArray:
   case SpvCapabilitySampledBuffer:
   case SpvCapabilityImageBuffer:
   case SpvCapabilityImageMSArray:
   case SpvCapabilityStorageImageExtendedFormats:
   case SpvCapabilityImageQuery:
   case SpvCapabilityDerivativeControl:
   case SpvCapabilityStorageImageReadWithoutFormat:
   case SpvCapabilityStorageImageWriteWithoutFormat:
   case SpvCapabilityMinLod:
   case SpvCapabilityGroupNonUniform:
   case SpvCapabilityGroupNonUniformVote:
   case SpvCapabilityGroupNonUniformArithmetic:
   case SpvCapabilityGroupNonUniformBallot:
   case SpvCapabilityGroupNonUniformShuffle:
   case SpvCapabilityGroupNonUniformShuffleRelative:
   case SpvCapabilityGroupNonUniformClustered:
   case SpvCapabilityGroupNonUniformQuad:
   case SpvCapabilityGroupNonUniformPartitionedNV:
   case SpvCapabilityGroupNonUniformRotateKHR:
   case SpvCapabilitySubgroupBallotKHR:
   case SpvCapabilitySubgroupVoteKHR:
   case SpvCapabilityDeviceGroup:
   case SpvCapabilityStorageBuffer16BitAccess:
   case SpvCapabilityUniformAndStorageBuffer16BitAccess:
   case SpvCapabilityStoragePushConstant16:
   case SpvCapabilityStorageInputOutput16:
   case SpvCapabilityStorageBuffer8BitAccess:
   case SpvCapabilityUniformAndStorageBuffer8BitAccess:
   case SpvCapabilityStoragePushConstant8:
   case SpvCapabilityVariablePointersStorageBuffer:
   case SpvCapabilityVariablePointers:
   case SpvCapabilityDenormPreserve:
   case SpvCapabilityDenormFlushToZero:
   case SpvCapabilitySignedZeroInfNanPreserve:
   case SpvCapabilityRoundingModeRTE:
   case SpvCapabilityRoundingModeRTZ:
   case SpvCapabilityShaderNonUniform:
   case SpvCapabilityRuntimeDescriptorArray:
   case SpvCapabilityUniformTexelBufferArrayDynamicIndexing:
   case SpvCapabilityStorageTexelBufferArrayDynamicIndexing:
   case SpvCapabilityUniformBufferArrayNonUniformIndexing:
   case SpvCapabilitySampledImageArrayNonUniformIndexing:
   case SpvCapabilityStorageBufferArrayNonUniformIndexing:
   case SpvCapabilityStorageImageArrayNonUniformIndexing:
   case SpvCapabilityUniformTexelBufferArrayNonUniformIndexing:
   case SpvCapabilityStorageTexelBufferArrayNonUniformIndexing:
   case SpvCapabilityVulkanMemoryModel:
   case SpvCapabilityVulkanMemoryModelDeviceScope:
   case SpvCapabilityComputeDerivativeGroupQuadsNV:
   case SpvCapabilityComputeDerivativeGroupLinearNV:
   case SpvCapabilityDemoteToHelperInvocation:
   case SpvCapabilityShaderClockKHR:
   case SpvCapabilityInt64ImageEXT:
   case SpvCapabilityAtomicFloat32AddEXT:
   case SpvCapabilityAtomicFloat64AddEXT:
   case SpvCapabilityAtomicFloat16AddEXT:
   case SpvCapabilityAtomicFloat32MinMaxEXT:
   case SpvCapabilityAtomicFloat64MinMaxEXT:
   case SpvCapabilityAtomicFloat16MinMaxEXT:
   case SpvCapabilityDotProductInputAll:
   case SpvCapabilityDotProductInput4x8Bit:
   case SpvCapabilityDotProductInput4x8BitPacked:
   case SpvCapabilityDotProduct:
   case SpvCapabilityWorkgroupMemoryExplicitLayoutKHR:
   case SpvCapabilityWorkgroupMemoryExplicitLayout8BitAccessKHR:
   case SpvCapabilityWorkgroupMemoryExplicitLayout16BitAccessKHR:
   case SpvCapabilityExpectAssumeKHR:
      return true;
   default:
      return false;
   }
}

/* Instructions with a result that compute on values only; a pointer or image they make is
 * not followed. */
bool
kr_spirv_pure_value_op(uint32_t op)
{
   switch (op) {
   case SpvOpVectorExtractDynamic: case SpvOpVectorInsertDynamic: case SpvOpVectorShuffle:
   case SpvOpCompositeConstruct: case SpvOpCompositeExtract: case SpvOpCompositeInsert:
   case SpvOpTranspose: case SpvOpImageQueryFormat: case SpvOpImageQueryOrder:
   case SpvOpImageQuerySizeLod: case SpvOpImageQuerySize: case SpvOpImageQueryLod:
   case SpvOpImageQueryLevels: case SpvOpImageQuerySamples: case SpvOpConvertFToU:
   case SpvOpConvertFToS: case SpvOpConvertSToF: case SpvOpConvertUToF: case SpvOpUConvert:
   case SpvOpSConvert: case SpvOpFConvert: case SpvOpQuantizeToF16: case SpvOpConvertPtrToU:
   case SpvOpSatConvertSToU: case SpvOpSatConvertUToS: case SpvOpPtrCastToGeneric:
   case SpvOpGenericCastToPtr: case SpvOpGenericCastToPtrExplicit: case SpvOpSNegate:
   case SpvOpFNegate: case SpvOpIAdd: case SpvOpFAdd: case SpvOpISub: case SpvOpFSub:
   case SpvOpIMul: case SpvOpFMul: case SpvOpUDiv: case SpvOpSDiv: case SpvOpFDiv: case SpvOpUMod:
   case SpvOpSRem: case SpvOpSMod: case SpvOpFRem: case SpvOpFMod: case SpvOpVectorTimesScalar:
   case SpvOpMatrixTimesScalar: case SpvOpVectorTimesMatrix: case SpvOpMatrixTimesVector:
   case SpvOpMatrixTimesMatrix: case SpvOpOuterProduct: case SpvOpDot: case SpvOpIAddCarry:
   case SpvOpISubBorrow: case SpvOpUMulExtended: case SpvOpSMulExtended: case SpvOpAny:
   case SpvOpAll: case SpvOpIsNan: case SpvOpIsInf: case SpvOpIsFinite: case SpvOpIsNormal:
   case SpvOpSignBitSet: case SpvOpLessOrGreater: case SpvOpOrdered: case SpvOpUnordered:
   case SpvOpLogicalEqual: case SpvOpLogicalNotEqual: case SpvOpLogicalOr: case SpvOpLogicalAnd:
   case SpvOpLogicalNot: case SpvOpIEqual: case SpvOpINotEqual: case SpvOpUGreaterThan:
   case SpvOpSGreaterThan: case SpvOpUGreaterThanEqual: case SpvOpSGreaterThanEqual:
   case SpvOpULessThan: case SpvOpSLessThan: case SpvOpULessThanEqual: case SpvOpSLessThanEqual:
   case SpvOpFOrdEqual: case SpvOpFUnordEqual: case SpvOpFOrdNotEqual: case SpvOpFUnordNotEqual:
   case SpvOpFOrdLessThan: case SpvOpFUnordLessThan: case SpvOpFOrdGreaterThan:
   case SpvOpFUnordGreaterThan: case SpvOpFOrdLessThanEqual: case SpvOpFUnordLessThanEqual:
   case SpvOpFOrdGreaterThanEqual: case SpvOpFUnordGreaterThanEqual: case SpvOpShiftRightLogical:
   case SpvOpShiftRightArithmetic: case SpvOpShiftLeftLogical: case SpvOpBitwiseOr:
   case SpvOpBitwiseXor: case SpvOpBitwiseAnd: case SpvOpNot: case SpvOpBitFieldInsert:
   case SpvOpBitFieldSExtract: case SpvOpBitFieldUExtract: case SpvOpBitReverse:
   case SpvOpBitCount: case SpvOpDPdx: case SpvOpDPdy: case SpvOpFwidth: case SpvOpDPdxFine:
   case SpvOpDPdyFine: case SpvOpFwidthFine: case SpvOpDPdxCoarse: case SpvOpDPdyCoarse:
   case SpvOpFwidthCoarse: case SpvOpGroupNonUniformElect: case SpvOpGroupNonUniformAll:
   case SpvOpGroupNonUniformAny: case SpvOpGroupNonUniformAllEqual:
   case SpvOpGroupNonUniformBroadcast: case SpvOpGroupNonUniformBroadcastFirst:
   case SpvOpGroupNonUniformBallot: case SpvOpGroupNonUniformInverseBallot:
   case SpvOpGroupNonUniformBallotBitExtract: case SpvOpGroupNonUniformBallotBitCount:
   case SpvOpGroupNonUniformBallotFindLSB: case SpvOpGroupNonUniformBallotFindMSB:
   case SpvOpGroupNonUniformShuffle: case SpvOpGroupNonUniformShuffleXor:
   case SpvOpGroupNonUniformShuffleUp: case SpvOpGroupNonUniformShuffleDown:
   case SpvOpGroupNonUniformIAdd: case SpvOpGroupNonUniformFAdd: case SpvOpGroupNonUniformIMul:
   case SpvOpGroupNonUniformFMul: case SpvOpGroupNonUniformSMin: case SpvOpGroupNonUniformUMin:
   case SpvOpGroupNonUniformFMin: case SpvOpGroupNonUniformSMax: case SpvOpGroupNonUniformUMax:
   case SpvOpGroupNonUniformFMax: case SpvOpGroupNonUniformBitwiseAnd:
   case SpvOpGroupNonUniformBitwiseOr: case SpvOpGroupNonUniformBitwiseXor:
   case SpvOpGroupNonUniformLogicalAnd: case SpvOpGroupNonUniformLogicalOr:
   case SpvOpGroupNonUniformLogicalXor: case SpvOpGroupNonUniformQuadBroadcast:
   case SpvOpGroupNonUniformQuadSwap: case SpvOpImageSparseTexelsResident:
   case SpvOpCopyLogical: case SpvOpSubgroupBallotKHR: case SpvOpSubgroupFirstInvocationKHR:
   case SpvOpSubgroupAllKHR: case SpvOpSubgroupAnyKHR: case SpvOpSubgroupAllEqualKHR:
   case SpvOpGroupNonUniformRotateKHR: case SpvOpSubgroupReadInvocationKHR: case SpvOpSDot:
   case SpvOpUDot: case SpvOpSUDot: case SpvOpSDotAccSat: case SpvOpUDotAccSat:
   case SpvOpSUDotAccSat: case SpvOpReadClockKHR: case SpvOpIsHelperInvocationEXT:
   case SpvOpExpectKHR: case SpvOpGroupNonUniformPartitionNV:
      return true;
   default:
      return false;
   }
}

/* Instructions without a result that touch no memory. */
bool
kr_spirv_control_op(uint32_t op)
{
   switch (op) {
   case SpvOpNop:
   case SpvOpLine:
   case SpvOpNoLine:
   case SpvOpControlBarrier:
   case SpvOpMemoryBarrier:
   case SpvOpLoopMerge:
   case SpvOpSelectionMerge:
   case SpvOpBranch:
   case SpvOpBranchConditional:
   case SpvOpSwitch:
   case SpvOpKill:
   case SpvOpReturn:
   case SpvOpReturnValue:
   case SpvOpUnreachable:
   case SpvOpTerminateInvocation:
   case SpvOpDemoteToHelperInvocation:
   case SpvOpAssumeTrueKHR:
   case SpvOpFunction:    /* the module pass read it */
   case SpvOpFunctionEnd:
      return true;
   default:
      return false;
   }
}
