// SPDX-License-Identifier: MIT
/**
 * The report page in a real browser: headless Chromium (Debian package `chromium`; .ci/run installs
 * it) must show every plot (each SVG with marks and a non-zero size), log no console error and make
 * no network request. Skipped, with the reason in its title, where the browser is not installed.
 */
import test from 'ava';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { browserMissing, checkPage } from '../../scripts/report-browser.js';
import { capture } from '../helpers/cli.js';
import { tinyRuns } from './tiny-runs.js';

const missing = browserMissing();

if (missing) {
  test.skip(`report page in headless chromium: SKIPPED, ${missing}`, () => {});
} else {
  test('report page in headless chromium: every plot drawn, no console error, no request', async (t) => {
    const { dirs, root } = await tinyRuns(['faust-rate', 'bp-rate', 'faust-lif', 'bp-lif']);
    const page = join(root, 'report.html');
    const r = await capture(['report', ...Object.values(dirs), '--out', page, '--samples', '40', '--probe-samples', '100', '--hw-samples', '3', '--profiles', 'loihi,spinnaker', '--backend', 'cpu']);
    t.is(r.code, 0, r.err);
    const shot = join(root, 'report.png');
    const seen = await checkPage(page, shot);
    // 3 comparison plots + per run rates, similarity, PCA, weights, confusion (+ raster when spiking)
    t.is(seen.plots.length, 3 + 4 * 5 + 2);
    for (const p of seen.plots) {
      t.true(p.width > 50 && p.height > 50, `${p.id}: ${p.width} x ${p.height}`);
      t.true(p.marks > 0, `${p.id} has no marks`);
    }
    t.is(seen.verdicts, 18);
    t.deepEqual(seen.consoleErrors, []);
    t.deepEqual(seen.requests, []);
    t.true(existsSync(shot) && statSync(shot).size > 10_000, 'screenshot saved');
    t.log(`screenshot: ${shot}`);
  });
}
