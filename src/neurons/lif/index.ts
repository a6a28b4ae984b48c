// SPDX-License-Identifier: MIT
import { decayKernel, refractoryKernel, resetKernel, thresholdKernel } from '../kernels.js';
import type { NeuronModel } from '../model.js';
import { lifCoefficients, lifFloatStep } from './float.js';
import { lifIntegrateKernel } from './gpu.js';
import { lifSpec } from './spec.js';
import { createLifWasm } from './wasm.js';

export { lifSpec } from './spec.js';
export { LIF_C, lifCoefficients, lifFloatStep, synapticPropagator } from './float.js';
export { lifIntegrateKernel } from './gpu.js';
export { createLifWasm } from './wasm.js';

export const lifModel: NeuronModel = {
  spec: lifSpec,
  coefficients: lifCoefficients,
  step: lifFloatStep,
  createWasm: createLifWasm,
  kernels: { integrate: lifIntegrateKernel, threshold: thresholdKernel, reset: resetKernel, refractory: refractoryKernel, decay: decayKernel },
};
