// SPDX-License-Identifier: MIT
/**
 * Delay ring buffers shared by the event-driven and the batched engine: input delayed by d steps is
 * written into slot (t + d) % slots and added to the target state variable when the clock reaches
 * that slot.
 */
import type { Projection } from './network.js';

export interface DelayRing<A extends Float32Array | Float64Array> {
  /** The state variable the delayed input is added to (length = buffer slot length). */
  target: A;
  slots: number;
  /** [slot][target index] */
  buf: A;
}

/** Adds the slot of step t into the target and clears it. */
export function flushRing(ring: DelayRing<Float32Array> | DelayRing<Float64Array>, t: number): void {
  const len = ring.target.length;
  const base = (t % ring.slots) * len;
  const buf = ring.buf;
  const dst = ring.target;
  for (let j = 0; j < len; j++) {
    const x = buf[base + j];
    if (x !== 0) {
      dst[j] += x;
      buf[base + j] = 0;
    }
  }
}

/** The largest delay in steps of a projection (per-synapse delays or its uniform delay). */
export function maxDelaySteps(proj: Projection): number {
  if (proj.format === 'csr' && proj.delay) {
    let m = 0;
    const a = proj.delay;
    for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
    return m;
  }
  return proj.delaySteps;
}
