// SPDX-License-Identifier: MIT
/**
 * Strict option parsing on top of node:util parseArgs: unknown options and malformed numbers are
 * ConfigErrors that name the option, never silently ignored.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;

export function parseOptions<T extends OptionSpec>(argv: string[], options: T, allowPositionals = false) {
  // parseArgs takes '--epochs -1' for two options; join a negative number to its option so that the
  // value is validated (and refused with its name) like any other.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : '';
    if (options[name]?.type === 'string' && /^-\d|^-\.\d/.test(argv[i + 1] ?? '')) args.push(`${argv[i]}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new ConfigError((err as Error).message.split('\n')[0]);
  }
}

/** Parses a numeric option; `undefined` stays undefined. */
export function numberOption(
  name: string,
  raw: string | undefined,
  check: { integer?: boolean; min?: number; max?: number; exclusiveMin?: number } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const bad =
    raw.trim() === '' ||
    !Number.isFinite(v) ||
    (check.integer && !Number.isInteger(v)) ||
    (check.min !== undefined && v < check.min) ||
    (check.max !== undefined && v > check.max) ||
    (check.exclusiveMin !== undefined && v <= check.exclusiveMin);
  if (bad) {
    const parts = [check.integer ? 'an integer' : 'a number'];
    if (check.min !== undefined) parts.push(`>= ${check.min}`);
    if (check.exclusiveMin !== undefined) parts.push(`> ${check.exclusiveMin}`);
    if (check.max !== undefined) parts.push(`<= ${check.max}`);
    throw new ConfigError(`option --${name} = ${JSON.stringify(raw)} is invalid (expected ${parts.join(' ')})`);
  }
  return v;
}
