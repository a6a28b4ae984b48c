// SPDX-License-Identifier: MIT
import { existsSync } from 'node:fs';
import { parseOptions } from '../args.js';
import { ConfigError } from '../../errors.js';
import { checkLava, readGoldenFile, type Difference } from '../../chips/loihi/check-lava.js';

export const summary = 'replay golden traces recorded from Lava and compare them bit for bit';
export const help = `usage: ffsnn check-lava FILE.json [--json] [--random log|seed]

Replays every case of a golden-trace file recorded from Lava and compares every recorded per-step
variable bit for bit. Two formats are recognised (see test/fixtures/lava/README.md):
  - loihi_lif_golden.json: Dense -> LIF (PyDenseModelBitAcc, PyLifModelBitAcc), replayed with
    ffsnn's bit-accurate Loihi Dense + LIF;
  - loihi_learning_golden.json: LearningDense (PyLearningDenseModelBitApproximate) -> LIF, replayed
    with ffsnn's Loihi 2 learning engine. Random numbers: --random log (default when the case has
    a "random" block) uses the numbers Lava logged per step; --random seed regenerates Lava's numpy
    streams (SeedSequence + PCG64) from rule.rng_seed, so a case needs no random log.
Prints per case whether it is equal and the first difference (step, variable, index, expected,
actual); --json prints {"cases":[{"name","equal","first_difference"}],"equal","total"}.
Exit code: 0 all cases equal, 1 some differ, 2 unreadable or malformed file (one line naming the
case and field).`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' }, random: { type: 'string' } }, true);
  if (values.random !== undefined && values.random !== 'log' && values.random !== 'seed')
    throw new ConfigError(`option --random = ${JSON.stringify(values.random)} is invalid (expected log or seed)`);
  if (positionals.length !== 1) throw new ConfigError('check-lava: expected exactly one FILE.json');
  const file = positionals[0];
  if (!existsSync(file)) throw new ConfigError(`check-lava: ${file}: no such file`);
  const report = checkLava(readGoldenFile(file), file, { random: values.random as 'log' | 'seed' | undefined });
  if (values.json) {
    console.log(JSON.stringify({ cases: report.cases, equal: report.equal, total: report.total }, null, 2));
  } else {
    const rows = report.cases.map((c) => [c.name, c.equal ? 'equal' : 'DIFFERS', c.first_difference ? describe(c.first_difference) : '']);
    const header = ['case', 'result', 'first difference'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
    console.log(`${report.equal}/${report.total} cases equal (${report.format === 'lif' ? 'Loihi Dense + LIF' : 'Loihi 2 learning engine'}, ${file})`);
  }
  return report.equal === report.total ? 0 : 1;
}

function describe(d: Difference): string {
  const where = d.t === null ? 'initial' : `t=${d.t}`;
  return `${where} ${d.field}${d.index.map((k) => `[${k}]`).join('')}: expected ${d.expected}, got ${d.actual}`;
}
