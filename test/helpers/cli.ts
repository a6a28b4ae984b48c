// SPDX-License-Identifier: MIT
/** Runs the CLI in-process, capturing what it prints to stdout and stderr, and its exit code. */
import { main } from '../../src/cli/main.js';

/** The capture running now: captures patch the process-wide console, so concurrent tests take turns. */
let turn: Promise<unknown> = Promise.resolve();

export function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const mine = turn.then(() => captureNow(argv));
  turn = mine.catch(() => undefined);
  return mine;
}

async function captureNow(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  const write = process.stdout.write.bind(process.stdout);
  const ewrite = process.stderr.write.bind(process.stderr);
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
    process.stdout.write = write;
    process.stderr.write = ewrite;
  }
}
