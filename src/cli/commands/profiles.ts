// SPDX-License-Identifier: MIT
import { existsSync, readFileSync } from 'node:fs';
import { parseOptions } from '../args.js';
import { ConfigError } from '../../errors.js';
import { listProfileNames, loadProfile, profileFaults, profileQuantities } from '../../chips/profile.js';

export const summary = 'list the hardware profiles, or validate a profile file';
export const help = `usage: ffsnn profiles [--json]
       ffsnn profiles validate FILE [--json]

Lists the shipped hardware profiles (cores per chip, neurons per core, weight format, whether the
chip learns on chip and with which engine, and how many of their numbers are confirmed in code or
documents), or checks a profile against the JSON Schema
(hardware-profiles/schema/hardware-profile.schema.json), printing every fault with its JSON path.
Exit code: 0 valid, 1 invalid, 2 unreadable file or bad usage.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' } }, true);
  if (positionals[0] === 'validate') {
    const file = positionals[1];
    if (!file || positionals.length > 2) throw new ConfigError('profiles validate: expected exactly one FILE');
    return validate(file, !!values.json);
  }
  if (positionals.length) throw new ConfigError(`profiles: unknown argument '${positionals[0]}' (expected 'validate FILE' or nothing)`);
  const rows = listProfileNames().map((name) => {
    const p = loadProfile(name);
    const qs = profileQuantities(p);
    const count = (c: string) => qs.filter((q) => q.confidence === c).length;
    return {
      name,
      title: p.title,
      coresPerChip: p.chip.coresPerChip.value,
      neuronsPerCore: p.core.maxNeurons.value,
      weightFormat: p.weights.format,
      learnsOnChip: p.learning.learnsOnChip,
      learningEngine: p.learning.engine ?? null,
      numbers: qs.length,
      confirmed: count('code') + count('doc'),
      secondary: count('secondary'),
      unconfirmed: count('unconfirmed') + count('assumed'),
    };
  });
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const header = ['name', 'cores/chip', 'neurons/core', 'weights', 'learns on chip', 'numbers (confirmed/secondary/unconfirmed)', 'title'];
  const table = rows.map((r) => [
    r.name,
    String(r.coresPerChip),
    String(r.neuronsPerCore),
    r.weightFormat,
    r.learnsOnChip ? `yes (${r.learningEngine})` : 'no',
    `${r.numbers} (${r.confirmed}/${r.secondary}/${r.unconfirmed})`,
    r.title,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  for (const r of [header, ...table]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  return 0;
}

function validate(file: string, json: boolean): number {
  if (!existsSync(file)) throw new ConfigError(`profiles validate: ${file}: no such file`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const faults = [`/: not valid JSON (${(err as Error).message.replace(/\s+/g, ' ')})`];
    report(file, faults, json);
    return 1;
  }
  const faults = profileFaults(parsed);
  report(file, faults, json);
  return faults.length ? 1 : 0;
}

function report(file: string, faults: string[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ file, valid: faults.length === 0, faults }, null, 2));
    return;
  }
  if (!faults.length) console.log(`${file}: valid`);
  for (const f of faults) console.error(`${file}: ${f}`);
}
