// SPDX-License-Identifier: MIT
/**
 * `node --import tsx scripts/report-browser.ts PAGE.html [SHOT.png]`: opens a report page in the system's headless Chromium (Debian package `chromium`, driven by
 * playwright-core; no browser is downloaded) and says what it saw: every plot's SVG size and
 * mark count, console errors, network requests; saves a full-page screenshot at half scale.
 * Used by test/eval/report-browser.test.ts and to make docs/report-screenshot.png.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface PageCheck {
  plots: { id: string; width: number; height: number; marks: number }[];
  consoleErrors: string[];
  /** Requests other than the page itself. */
  requests: string[];
  verdicts: number;
}

export function browserMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} not found (apt-get install -y chromium; .ci/run installs it)`;
}

export async function checkPage(file: string, screenshot?: string): Promise<PageCheck> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
  try {
    // half scale: the whole page fits one readable image
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, deviceScaleFactor: 0.5 });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(file).href;
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => r.url() !== url && requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
    const plots = await page.$$eval('figure.plot', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        // marks: the drawn items of vega's mark groups (paths, rects, circles, lines, text of marks)
        const marks = svg ? svg.querySelectorAll('g[class*="role-mark"] > path, g[class*="role-mark"] > rect, g[class*="role-mark"] > circle, g[class*="role-mark"] > line, g[class*="role-mark"] > text').length : 0;
        return { id: f.getAttribute('data-plot') ?? '?', width: box?.width ?? 0, height: box?.height ?? 0, marks };
      }),
    );
    const verdicts = await page.$$eval('table.claims .verdict', (v) => v.length);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    return { plots, consoleErrors, requests, verdicts };
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [page, shot] = process.argv.slice(2);
  const r = await checkPage(page, shot);
  const empty = r.plots.filter((p) => p.marks === 0 || p.width === 0 || p.height === 0);
  console.log(`${r.plots.length} plots (${empty.length} empty), ${r.verdicts} verdicts, ${r.consoleErrors.length} console errors, ${r.requests.length} requests${shot ? `; screenshot ${shot}` : ''}`);
  process.exitCode = empty.length || r.consoleErrors.length || r.requests.length ? 1 : 0;
}
