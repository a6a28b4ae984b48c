// SPDX-License-Identifier: MIT
/**
 * Structurally faulty NIR files, each written with h5wasm from the reference sample
 * (input(3) -> affine1 -> lif1(4) -> affine2 -> lif2(2) -> output), with the message ffsnn's importer
 * gives. Used by test/export/nir-faults.test.ts and bench/interop/nir-faults.ts (which also runs
 * NIR's own reader on them).
 */
import { readNirFile, writeNirFile, type NirArray, type NirFile } from '../../src/export/nir/hdf5.js';

export const SAMPLE = new URL('../fixtures/nir/sample.nir', import.meta.url).pathname;

export interface NirFault {
  name: string;
  /** What is wrong, in words. */
  fault: string;
  mutate(nir: NirFile): void;
  /** ffsnn's one-line refusal. */
  message: RegExp;
}

const f32 = (data: number[], shape = [data.length]): NirArray => ({ data: Float64Array.from(data), shape, dtype: '<f' });

export const NIR_FAULTS: NirFault[] = [
  {
    name: 'scalar-shape',
    fault: "Input 'shape' stored as a scalar (3) instead of [3]",
    mutate: (n) => void (n.graph.nodes!.input.fields.shape = { data: Float64Array.of(3), shape: [], dtype: '<q' }),
    message: /node 'input' \(Input\): 'shape' is stored as a scalar; NIR's reader needs a 1-D array such as \[3\]/,
  },
  {
    name: 'param-lengths',
    fault: "LIF 'r' has 3 values, its other parameters 4",
    mutate: (n) => void (n.graph.nodes!.lif1.fields.r = f32([1, 1, 1])),
    message: /node 'lif1' \(LIF\): parameters disagree in shape: 'tau' has shape \[4\], 'r' has shape \[3\]/,
  },
  {
    name: 'edge-size',
    fault: 'affine2 takes 3 inputs, lif1 sends 4',
    mutate: (n) => void (n.graph.nodes!.affine2.fields.weight = f32([1, 2, 3, 4, 5, 6], [2, 3])),
    message: /edge lif1 -> affine2: node 'lif1' \(LIF\) sends 4 values, node 'affine2' \(Affine\) takes 3/,
  },
  {
    name: 'missing-param',
    fault: "LIF without 'tau'",
    mutate: (n) => void delete n.graph.nodes!.lif1.fields.tau,
    message: /node 'lif1' \(LIF\): missing required parameter 'tau'/,
  },
  {
    name: 'missing-bias',
    fault: "Affine without 'bias'",
    mutate: (n) => void delete n.graph.nodes!.affine1.fields.bias,
    message: /node 'affine1' \(Affine\): missing required parameter 'bias'/,
  },
];

/** Writes the sample with one fault applied; returns the path. */
export async function writeFaulty(fault: NirFault, path: string): Promise<string> {
  const nir = await readNirFile(SAMPLE);
  fault.mutate(nir);
  await writeNirFile(path, nir);
  return path;
}
