// SPDX-License-Identifier: MIT
/**
 * FAUST beside FF and BP on the same architecture (784-500-500; BP adds a 10-unit output layer),
 * on the embedded MNIST split: final test accuracy, epochs to reach 95% of the final accuracy (the
 * paper's convergence claim) and the accuracy with 10% of the training data (its sample-efficiency
 * claim). Each row is exactly `ffsnn train --rule R --neuron N [--train-fraction 0.1]` with the
 * defaults; the run directories land in runs/compare/.
 *
 * usage: node --import tsx bench/train-compare.ts [--neuron rate|lif|both] [--rules faust,ff,bp]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { main } from '../src/cli/main.js';

const { values } = parseArgs({ options: { neuron: { type: 'string', default: 'rate' }, rules: { type: 'string', default: 'faust,ff,bp' } } });
const neurons = values.neuron === 'both' ? ['rate', 'lif'] : [values.neuron!];
const rules = values.rules!.split(',');
const rows: string[] = [];
for (const neuron of neurons) {
  for (const rule of rules) {
    const cells: string[] = [];
    for (const fraction of ['1', '0.1']) {
      const out = join('runs', 'compare', `${rule}-${neuron}-f${fraction}`);
      const t0 = performance.now();
      const code = await main(['train', '--rule', rule, '--neuron', neuron, '--train-fraction', fraction, '--out', out, '--json']);
      if (code !== 0) throw new Error(`ffsnn train failed for ${out}`);
      const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
      const min = ((performance.now() - t0) / 60000).toFixed(1);
      cells.push(
        fraction === '1'
          ? `${(100 * m.test_accuracy).toFixed(2)}% | ${m.epochs_to_95pct_of_final} | ${min} min`
          : `${(100 * m.test_accuracy).toFixed(2)}%`,
      );
    }
    rows.push(`| ${rule} | ${neuron} | ${cells.join(' | ')} |`);
  }
}
console.log('| rule | neuron | test accuracy | epochs to 95% of final | wall time | test accuracy, 10% data |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
