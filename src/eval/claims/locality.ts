// SPDX-License-Identifier: MIT
/**
 * Locality of a rule, derived from the signals it was RECORDED reading during training (the audit
 * of src/plasticity/signals.ts, stored in the checkpoint) and from the run's configuration, never
 * from the rule's name:
 *  - weight transport: it read 'syn.w.transposed' (other layers' weights, backwards);
 *  - non-local error: it read 'other.layers' (activity or errors of layers other than its own);
 *  - backward locking: layer l cannot update before the layers above it have computed, which is
 *    the case exactly when its update reads other layers' signals ('other.layers');
 *  - phases per sample: 1 forward pass, +1 for a second (negative) phase when it read 'global.phase',
 *    +1 for a backward pass when it read 'other.layers';
 *  - storage: values a synapse and a neuron must hold for learning beyond the weight and the
 *    neuron's own dynamics (see `storage`).
 */
import type { Checkpoint } from '../../io/checkpoint.js';
import { ruleSpec } from '../../plasticity/rules.js';
import { isLocal, type Signal } from '../../plasticity/signals.js';

export interface Locality {
  recorded_reads: string[];
  declared_local: boolean;
  weight_transport: boolean;
  non_local_error: boolean;
  backward_locking: boolean;
  phases_per_sample: number;
  /** Learning state per synapse (values), with what they are. */
  storage_per_synapse: number;
  storage_per_neuron: number;
  storage_notes: string[];
}

export function locality(ck: Checkpoint): Locality {
  const reads = new Set(ck.signalsRead as Signal[]);
  const spec = ruleSpec(ck.config);
  const c = ck.config;
  const T = c.neuron === 'lif' ? c.steps : 1;
  const notes: string[] = [];
  // per synapse: an eligibility trace where the rule writes one (three-factor, spiking)
  let perSynapse = 0;
  if (spec.writes.includes('syn.eligibility')) {
    perSynapse += 1;
    notes.push('synapse: 1 eligibility trace e_ij (accumulated over the presentation)');
  }
  let perNeuron = 0;
  if (reads.has('pre.trace') || reads.has('pre.spike')) {
    perNeuron += 1;
    notes.push('neuron: 1 presynaptic trace');
  }
  if (reads.has('post.trace')) {
    perNeuron += 1;
    notes.push('neuron: 1 activity accumulator (post.trace)');
  }
  if (reads.has('layer.local') && ck.state.prototypes.length > 0) {
    perNeuron += c.classes;
    notes.push(`neuron: ${c.classes} class-prototype components (layer.local)`);
  } else if (reads.has('layer.local')) notes.push('layer: 1 goodness value per layer (layer.local), not per neuron');
  if (reads.has('other.layers')) {
    // the backward pass needs every layer's forward record of the presentation
    const kept = c.neuron === 'lif' ? 2 * T : 2;
    perNeuron += kept;
    notes.push(`neuron: ${kept} values kept for the backward pass (${c.neuron === 'lif' ? `spikes and surrogate derivative at each of ${T} steps` : 'activation and pre-activation'})`);
  }
  const phases = 1 + (reads.has('global.phase') ? 1 : 0) + (reads.has('other.layers') ? 1 : 0);
  return {
    recorded_reads: [...reads].sort(),
    declared_local: isLocal(spec),
    weight_transport: reads.has('syn.w.transposed'),
    non_local_error: reads.has('other.layers'),
    backward_locking: reads.has('other.layers'),
    phases_per_sample: phases,
    storage_per_synapse: perSynapse,
    storage_per_neuron: perNeuron,
    storage_notes: notes,
  };
}
