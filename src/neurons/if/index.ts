// SPDX-License-Identifier: MIT
import { decayKernel, refractoryKernel, resetKernel, thresholdKernel } from '../kernels.js';
import type { NeuronModel } from '../model.js';
import { ifCoefficients, ifFloatStep } from './float.js';
import { ifIntegrateKernel } from './gpu.js';
import { ifSpec } from './spec.js';

export { ifSpec } from './spec.js';
export { IF_C, ifCoefficients, ifFloatStep } from './float.js';
export { ifIntegrateKernel } from './gpu.js';

export const ifModel: NeuronModel = {
  spec: ifSpec,
  coefficients: ifCoefficients,
  step: ifFloatStep,
  kernels: { integrate: ifIntegrateKernel, threshold: thresholdKernel, reset: resetKernel, refractory: refractoryKernel, decay: decayKernel },
};
