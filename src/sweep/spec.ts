// SPDX-License-Identifier: MIT
/**
 * Sweep specifications: a JSON file naming a grid of `ffsnn train` runs.
 *
 *   {
 *     "name": "paper-table",                      optional, used in job names
 *     "flags": { "epochs": 10 },                  train flags every cell gets
 *     "grid":  { "rule": ["faust", "bp"],         train flags to vary: every combination is a cell
 *                "seed": [1, 2, 3] },
 *     "where": [ { "if": { "dataset": "folder:/data/cifar10" },   flags for the cells that match
 *                  "flags": { "hidden": "2000,2000" } } ]
 *   }
 *
 * Keys are `ffsnn train` option names without the dashes; values are strings, numbers or `true`.
 * Cells are ordered as the grid's keys vary, the last fastest. A cell's id is readable and
 * stable (rule, neuron, dataset, seed, then a hash of all its flags), so re-running a changed
 * spec into the same folder reuses exactly the cells that did not change.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ConfigError, FileFormatError } from '../errors.js';

export type FlagValue = string | number | boolean;
export type Flags = Record<string, FlagValue>;

export interface SweepSpec {
  name: string;
  flags: Flags;
  grid: Record<string, FlagValue[]>;
  where: { if: Flags; flags: Flags }[];
}

export interface Cell {
  /** Position in the grid (what `--index` and a Slurm array task select). */
  index: number;
  /** Folder name of the run under the sweep's output directory. */
  id: string;
  flags: Flags;
  /** The `ffsnn train` arguments, without --out. */
  argv: string[];
}

/** Most cells a spec may name: a few hundred bytes of grid can name 10^7 runs, which would hang the expansion (found by fuzzing). */
export const MAX_CELLS = 10_000;

/** Flags a sweep sets itself. */
const RESERVED = new Set(['out', 'resume', 'json', 'help']);

const isScalar = (v: unknown): v is FlagValue => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || v === true;

function checkFlags(file: string, where: string, v: unknown): Flags {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FileFormatError(file, `${where} must be an object of train flags`);
  for (const [k, x] of Object.entries(v)) {
    if (RESERVED.has(k)) throw new FileFormatError(file, `${where}.${k}: --${k} is set by the sweep, not by the spec`);
    if (!isScalar(x)) throw new FileFormatError(file, `${where}.${k} = ${JSON.stringify(x)} is invalid (expected a string, a finite number or true)`);
  }
  return v as Flags;
}

/** Reads and checks a spec's form (each cell's flags are checked by the caller against `train`). */
export function readSpec(file: string): SweepSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new ConfigError(`sweep spec ${file} does not exist`);
    throw new FileFormatError(file, `not valid JSON (${e.message.split('\n')[0]})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FileFormatError(file, 'a sweep spec must be a JSON object with "grid"');
  const o = raw as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !['name', 'flags', 'grid', 'where', 'comment', 'architectures'].includes(k));
  if (unknown.length > 0) throw new FileFormatError(file, `unknown field "${unknown[0]}" (expected name, flags, grid, where, and free-text comment, architectures)`);
  if (o.name !== undefined && (typeof o.name !== 'string' || !/^[\w.-]+$/.test(o.name))) {
    throw new FileFormatError(file, `"name" = ${JSON.stringify(o.name)} is invalid (expected letters, digits, '.', '_' or '-')`);
  }
  const flags = o.flags === undefined ? {} : checkFlags(file, 'flags', o.flags);
  if (typeof o.grid !== 'object' || o.grid === null || Array.isArray(o.grid)) throw new FileFormatError(file, '"grid" must be an object of train flag -> list of values');
  const grid: Record<string, FlagValue[]> = {};
  for (const [k, vs] of Object.entries(o.grid)) {
    if (!Array.isArray(vs) || vs.length === 0) throw new FileFormatError(file, `grid.${k} must be a non-empty list of values`);
    if (k in flags) throw new FileFormatError(file, `grid.${k} is also in "flags" (a flag is either fixed or varied)`);
    grid[k] = vs.map((v, i) => checkFlags(file, `grid.${k}[${i}]`, { [k]: v })[k]);
  }
  const cells = Object.values(grid).reduce((n, vs) => n * vs.length, 1);
  if (cells > MAX_CELLS) throw new FileFormatError(file, `"grid" names ${cells} cells (${Object.values(grid).map((vs) => vs.length).join(' x ')}); at most ${MAX_CELLS}`);
  const where: SweepSpec['where'] = [];
  if (o.where !== undefined) {
    if (!Array.isArray(o.where)) throw new FileFormatError(file, '"where" must be a list of {"if": {...}, "flags": {...}}');
    o.where.forEach((w, i) => {
      if (typeof w !== 'object' || w === null) throw new FileFormatError(file, `where[${i}] must be an object with "if" and "flags"`);
      const ww = w as Record<string, unknown>;
      where.push({ if: checkFlags(file, `where[${i}].if`, ww.if), flags: checkFlags(file, `where[${i}].flags`, ww.flags) });
    });
  }
  return { name: (o.name as string | undefined) ?? basename(file).replace(/\.json$/, ''), flags, grid, where };
}

function argvOf(flags: Flags): string[] {
  const argv: string[] = [];
  for (const [k, v] of Object.entries(flags)) {
    if (v === true) argv.push(`--${k}`);
    else argv.push(`--${k}`, String(v));
  }
  return argv;
}

/** A short readable name for a dataset spec: `idx:/a/fashion-mnist` -> `fashion-mnist`. */
function datasetLabel(spec: FlagValue | undefined): string {
  if (spec === undefined) return 'mnist-embedded';
  const s = String(spec);
  const i = s.indexOf(':');
  return (i < 0 ? s : basename(s.slice(i + 1)) || s.slice(0, i)).replace(/[^\w.-]+/g, '_');
}

/** Every cell of the grid, in order. */
export function expandCells(spec: SweepSpec): Cell[] {
  const keys = Object.keys(spec.grid);
  const cells: Cell[] = [];
  const total = keys.reduce((n, k) => n * spec.grid[k].length, 1);
  for (let index = 0; index < total; index++) {
    let rest = index;
    const varied: Flags = {};
    for (let j = keys.length - 1; j >= 0; j--) {
      const vs = spec.grid[keys[j]];
      varied[keys[j]] = vs[rest % vs.length];
      rest = Math.floor(rest / vs.length);
    }
    let flags: Flags = { ...spec.flags };
    for (const k of keys) flags[k] = varied[k];
    for (const w of spec.where) {
      if (Object.entries(w.if).every(([k, v]) => flags[k] === v)) flags = { ...flags, ...w.flags };
    }
    // the id hashes the flags in sorted order, so reordering the spec's keys keeps the ids
    const canonical = JSON.stringify(Object.keys(flags).sort().map((k) => [k, flags[k]]));
    const hash = createHash('sha256').update(canonical).digest('hex').slice(0, 8);
    const f = (k: string, d: string) => String(flags[k] ?? d);
    const frac = flags['train-fraction'] !== undefined ? `-f${flags['train-fraction']}` : '';
    const id = `${f('rule', 'faust')}-${f('neuron', 'lif')}-${datasetLabel(flags.dataset)}${frac}-s${f('seed', '1')}-${hash}`;
    cells.push({ index, id, flags, argv: argvOf(flags) });
  }
  const ids = new Set(cells.map((c) => c.id));
  if (ids.size !== cells.length) throw new ConfigError(`sweep ${spec.name}: two cells have the same flags (a value repeated in the grid?)`);
  return cells;
}
