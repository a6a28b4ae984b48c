// SPDX-License-Identifier: MIT
import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { capture } from '../../helpers/cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/lava/${name}`, import.meta.url));
const LEARNING = fixture('loihi_learning_golden.json');
const LIF = fixture('loihi_lif_golden.json');
const dir = mkdtempSync(join(tmpdir(), 'ffsnn-check-lava-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => capture(['check-lava', ...args]);

/** Writes a modified copy of a golden file and returns its path. */
function variant(src: string, name: string, edit: (json: { cases: Record<string, any>[] }) => void): string {
  const json = JSON.parse(readFileSync(src, 'utf8'));
  edit(json);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

test.serial('check-lava: the learning golden file replays 12/12 bit for bit (--json)', async (t) => {
  const r = await cli(LEARNING, '--json');
  t.is(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  t.deepEqual(Object.keys(out), ['cases', 'equal', 'total']);
  t.is(out.total, 12);
  t.is(out.equal, 12);
  for (const c of out.cases) t.deepEqual(Object.keys(c), ['name', 'equal', 'first_difference']);
});

test.serial('check-lava --random seed: Lava\'s numpy streams from rng_seed replay 12/12 without the logged numbers', async (t) => {
  const noLog = variant(LEARNING, 'no-random-log.json', (j) => {
    for (const c of j.cases) delete c.random;
  });
  const r = await cli(noLog, '--json');
  t.is(r.code, 0, r.err);
  t.is(JSON.parse(r.out).equal, 12);
  const wrongSeed = variant(LEARNING, 'wrong-seed.json', (j) => {
    j.cases[0].rule.rng_seed += 1;
  });
  const w = await cli(wrongSeed, '--random', 'seed', '--json');
  t.is(w.code, 1);
  t.false(JSON.parse(w.out).cases[0].equal);
  t.is((await cli(LEARNING, '--random', 'numpy')).code, 2);
});

test.serial('check-lava: the LIF golden file replays 15/15; the table ends with the count', async (t) => {
  const r = await cli(LIF);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /15\/15 cases equal \(Loihi Dense \+ LIF/);
  t.regex(r.out, /h_random_4x3\s+equal/);
});

test.serial('check-lava: a changed recorded value gives exit 1 and names the first difference', async (t) => {
  const learning = variant(LEARNING, 'learning-changed.json', (j) => {
    j.cases[3].trace.x1[20][1] += 1;
  });
  const r = await cli(learning, '--json');
  t.is(r.code, 1);
  const out = JSON.parse(r.out);
  t.is(out.equal, 11);
  t.false(out.cases[3].equal);
  t.like(out.cases[3].first_difference, { t: 20, field: 'x1', index: [1] });
  const lif = variant(LIF, 'lif-changed.json', (j) => {
    j.cases[1].v[30][0] -= 1;
  });
  const table = await cli(lif);
  t.is(table.code, 1);
  t.regex(table.out, /b_mixed_inhibition\s+DIFFERS\s+t=30 v\[0\]: expected -?\d+, got -?\d+/);
  t.regex(table.out, /14\/15 cases equal/);
});

const malformed: [string, string, (j: { cases: Record<string, any>[] }) => void, RegExp][] = [
  ['missing field', LEARNING, (j) => void delete j.cases[2].random.conn, /case 'c_asym_tau_x2_y2_fractional_impulse': field 'random\.conn' is missing/],
  ['wrong length', LEARNING, (j) => void j.cases[0].inputs.pre_spikes.pop(), /case 'a_pair_stdp_raster': field 'inputs\.pre_spikes' has length 63, expected 64/],
  ['wrong type', LEARNING, (j) => void (j.cases[4].trace.weights[3][0][1] = 'x'), /case 'e_tepoch2_u2_decimation_lif_loop': field 'trace\.weights\[3\]\[0\]\[1\]' must be an integer/],
  ['bad rule', LEARNING, (j) => void (j.cases[5].rule.dw = 'x0*(-x1)'), /case 'f_constant_terms': dw = "x0\*\(-x1\)": at character 5/],
  ['null random at a learning step', LEARNING, (j) => void (j.cases[0].random.conn[7] = null), /case 'a_pair_stdp_raster': field 'random\.conn\[7\]' is null, but step 7 runs a learning phase/],
  ['LIF missing field', LIF, (j) => void delete j.cases[6].lif.vth, /case 'e2_vth_boundary_initial_v': field 'lif\.vth' is missing/],
  ['LIF wrong length', LIF, (j) => void j.cases[0].u[10].push(0), /case 'a_plain_excitatory': field 'u\[10\]' has length 2, expected 1/],
  ['neither format', LIF, (j) => void (j.cases = [{ name: 'q' }]), /neither a Lava LIF golden case/],
];

for (const [what, src, edit, message] of malformed) {
  test.serial(`check-lava: malformed file (${what}) -> one line naming case and field, exit 2`, async (t) => {
    const r = await cli(variant(src, `${what.replace(/ /g, '-')}.json`, edit));
    t.is(r.code, 2);
    t.is(r.err.split('\n').length, 1, r.err);
    t.regex(r.err, message);
  });
}

test.serial('check-lava: not JSON, no file, no argument', async (t) => {
  const path = join(dir, 'not.json');
  writeFileSync(path, '{"cases": [\n');
  for (const args of [[path], [join(dir, 'absent.json')], []]) {
    const r = await cli(...args);
    t.is(r.code, 2);
    t.is(r.err.split('\n').length, 1, r.err);
  }
});
