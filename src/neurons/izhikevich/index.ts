// SPDX-License-Identifier: MIT
import { decayKernel, resetKernel } from '../kernels.js';
import type { NeuronModel } from '../model.js';
import { izhikevichCoefficients, izhikevichFloatStep } from './float.js';
import { izhRecoveryKernel, izhRecoveryResetKernel, izhSpikeKernel, izhVoltageKernel } from './gpu.js';
import { izhikevichSpec } from './spec.js';

export { izhikevichSpec } from './spec.js';
export { IZH_C, izhikevichCoefficients, izhikevichFloatStep } from './float.js';
export { izhRecoveryKernel, izhRecoveryResetKernel, izhSpikeKernel, izhVoltageKernel } from './gpu.js';

export const izhikevichModel: NeuronModel = {
  spec: izhikevichSpec,
  coefficients: izhikevichCoefficients,
  step: izhikevichFloatStep,
  kernels: {
    voltage: izhVoltageKernel,
    recovery: izhRecoveryKernel,
    spike: izhSpikeKernel,
    reset: resetKernel,
    recoveryReset: izhRecoveryResetKernel,
    decay: decayKernel,
  },
};
