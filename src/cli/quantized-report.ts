// SPDX-License-Identifier: MIT
/** Printing of the `evaluate --profile` section (computed in src/eval/hardware.ts). */
import type { QuantizedReport } from '../eval/hardware.js';

export { quantizedReport, type QuantizedReport } from '../eval/hardware.js';

export function printQuantized(h: QuantizedReport): void {
  console.log(`quantised for ${h.profile} (${h.samples} samples, same encoded inputs):`);
  console.log(`  accuracy ${(100 * h.accuracy).toFixed(2)}% quantised vs ${(100 * h.float_accuracy).toFixed(2)}% float (agreement ${(100 * h.agreement).toFixed(1)}%)`);
  console.log(`  ${h.fits ? `fits: ${h.cores} cores on ${h.chips} chip(s)` : 'does NOT fit'}; energy per inference ${h.energy_uJ_per_inference === null ? 'unknown' : `${h.energy_uJ_per_inference.toPrecision(3)} uJ`}`);
  for (const n of h.notes) console.log(`  note: ${n}`);
}
