// SPDX-License-Identifier: MIT
/**
 * Quantisation of a network's weights and neuron parameters to a hardware profile's formats; each
 * chip family's mapping is documented in its own folder (loihi/, spinnaker/, truenorth/quantize.ts).
 */
import { HardwareProfileError } from '../errors.js';
import type { NetworkIR } from '../ir/ir.js';
import { checkNetwork } from '../ir/simulate.js';
import { quantizeLoihi } from './loihi/quantize.js';
import type { HardwareProfile } from './profile.js';
import type { QuantizedNetwork } from './quantized.js';
import { quantizeSpinnaker } from './spinnaker/quantize.js';
import { quantizeTrueNorth } from './truenorth/quantize.js';

export type { QuantizedNetwork, QuantizedPopulation, QuantizedProjection, LoihiProjectionQ, SpinnakerProjectionQ, LoihiPopulationQ } from './quantized.js';
export { augmentedWeights } from './quantized.js';
export { linearDynamics, type LinearDynamics } from './dynamics.js';
export { spinnakerCell } from './spinnaker/quantize.js';

/** Quantises every projection and population to the profile's number formats. */
export function quantizeNetwork(net: NetworkIR, profile: HardwareProfile): QuantizedNetwork {
  const pops = checkNetwork(net);
  if (!(net.dt > 0)) throw new HardwareProfileError(`network '${net.name}' is a rate network (dt = 0); only spiking networks map onto ${profile.name}`);
  switch (profile.weights.format) {
    case 'loihi-mant-exp':
      return quantizeLoihi(net, profile, pops);
    case 'spinnaker-u16-shift':
      return quantizeSpinnaker(net, profile, pops);
    case 'truenorth-axon-types':
      return quantizeTrueNorth(net, profile, pops);
  }
}

