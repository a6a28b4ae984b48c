// SPDX-License-Identifier: MIT
/**
 * The quantised form (QuantizedNetwork) of a network trained on the chip: its integer weights and
 * compartment exactly as learned, so exporters write them without re-quantising.
 */
import type { NetworkIR } from '../../../ir/ir.js';
import { linearDynamics } from '../../dynamics.js';
import type { LoihiOnChipSettings, OnChipState } from '../../on-chip.js';
import type { QuantizedNetwork } from '../../quantized.js';
import { LAVA_WIDTHS } from '../dense-lif.js';

/** `net` is the checkpoint's IR (its projections, in chain order, carry the integers times the weight unit). */
export function onChipQuantized(net: NetworkIR, s: LoihiOnChipSettings, state: OnChipState, profile: string): QuantizedNetwork {
  const hidden = net.populations.filter((p) => p.model !== 'Input');
  const { du, dv, vth } = s.compartment;
  const scale = (vth * 64) / 1; // integer units per unit of the float threshold (vTh)
  return {
    profile,
    format: 'loihi-mant-exp',
    loihiWidths: LAVA_WIDTHS,
    populations: hidden.map((p) => ({
      name: p.name,
      model: p.model,
      dynamics: linearDynamics(p, net.dt),
      loihi: { du, dv, vth, biasMant: new Int32Array(p.size), biasExp: 0, scale },
      notes: ['trained on the chip: compartment and weights as learned'],
    })),
    projections: net.projections.map((pr, l) => {
      const nPre = net.populations.find((p) => p.name === pr.pre)!.size;
      const nPost = net.populations.find((p) => p.name === pr.post)!.size;
      const w = state.weights[l];
      const bias = state.biases?.[l];
      // row-major [nPost][cols]; the bias neuron's learned row, if any, is the last column
      const cols = nPre + (bias ? 1 : 0);
      const mantissas = new Int32Array(nPost * cols);
      const dequantized = new Float32Array(nPost * cols);
      for (let j = 0; j < nPost; j++) {
        for (let i = 0; i < nPre; i++) mantissas[j * cols + i] = w[i * nPost + j];
        if (bias) mantissas[j * cols + nPre] = bias[j];
        for (let k = 0; k < cols; k++) dequantized[j * cols + k] = mantissas[j * cols + k] * s.weightUnit;
      }
      return {
        name: pr.name, pre: pr.pre, post: pr.post, nPre, nPost, cols, biasColumn: !!bias, delaySteps: pr.delaySteps,
        unit: s.weightUnit, dequantized, relRmsError: 0, maxAbsError: 0,
        loihi: { signMode: 'MIXED' as const, weightExp: 0, numWeightBits: 8, mantissas },
      };
    }),
  };
}
