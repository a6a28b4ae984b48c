// SPDX-License-Identifier: MIT
/**
 * The only module that loads the HDF5 library (h5wasm). Reads and writes the generic NIR tree:
 * one group per node with a `type` dataset (vlen UTF-8 string), one dataset per field, nested
 * graphs as `nodes/<name>` groups, `edges` as an (E, 2) string dataset and free `metadata` groups
 * (layout: shared/reference/nir-format.md §2). HDF5 errors are turned into exceptions
 * (`activate_throwing_error_handler`), so nothing is skipped silently.
 */
import { ExportError, FileFormatError } from '../../errors.js';

/** A numeric field: row-major values with their shape ([] for a scalar). */
export interface NirArray {
  data: Float64Array;
  shape: number[];
  /** h5wasm dtype on disk ('<f' float32, '<d' float64, '<q' int64, ...). */
  dtype: string;
}

export type NirMeta = { [key: string]: number | string | boolean | NirMeta };

export interface NirNode {
  type: string;
  /** Numeric (or string) fields of the node, as stored. */
  fields: Record<string, NirArray | string>;
  metadata: NirMeta;
  /** NIRGraph only. */
  nodes?: Record<string, NirNode>;
  edges?: [string, string][];
}

export interface NirFile {
  version: string | null;
  graph: NirNode;
}

type H5 = typeof import('h5wasm');
let h5: H5 | undefined;

async function lib(): Promise<H5> {
  if (!h5) {
    const mod = (await import('h5wasm/node')) as unknown as { default: H5 } & H5;
    const m = mod.default ?? mod;
    const module = await m.ready;
    (module as unknown as { activate_throwing_error_handler(): void }).activate_throwing_error_handler();
    h5 = m;
  }
  return h5;
}

/** First line of an HDF5 error (its stack of DIAG lines is not useful to a user). */
export function hdf5Message(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const m = /H5\w+\(\): ([^\n]+)/.exec(msg);
  return (m ? m[1] : msg.split('\n')[0]).trim();
}

// ---------------------------------------------------------------- reading

type H5Group = { type: string; keys(): string[]; get(name: string): unknown };
type H5Dataset = { type: string; shape: number[] | null; dtype: string; value: unknown };

function isGroup(x: unknown): x is H5Group {
  return !!x && (x as H5Group).type === 'Group';
}
function isDataset(x: unknown): x is H5Dataset {
  return !!x && (x as H5Dataset).type === 'Dataset';
}

function readString(d: H5Dataset, file: string, path: string): string {
  const v = d.value;
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  throw new FileFormatError(file, `${path}: expected a string dataset, found ${d.dtype}`);
}

function readArray(d: H5Dataset): NirArray | string {
  const v = d.value;
  const shape = d.shape ?? [];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return { data: Float64Array.of(v), shape, dtype: d.dtype };
  if (typeof v === 'bigint') return { data: Float64Array.of(Number(v)), shape, dtype: d.dtype };
  if (typeof v === 'boolean') return { data: Float64Array.of(v ? 1 : 0), shape, dtype: d.dtype };
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return (v as string[]).join(',');
  if (ArrayBuffer.isView(v)) {
    const src = v as unknown as ArrayLike<number | bigint>;
    const data = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) data[i] = Number(src[i]);
    return { data, shape, dtype: d.dtype };
  }
  if (Array.isArray(v)) return { data: Float64Array.from(v.flat(Infinity) as number[], Number), shape, dtype: d.dtype };
  return String(v);
}

function readMeta(g: H5Group): NirMeta {
  const out: NirMeta = {};
  for (const k of g.keys()) {
    const o = g.get(k);
    if (isGroup(o)) out[k] = readMeta(o);
    else if (isDataset(o)) {
      const a = readArray(o);
      out[k] = typeof a === 'string' ? a : a.data.length === 1 ? a.data[0] : Array.from(a.data).join(',');
    }
  }
  return out;
}

function readNode(g: H5Group, file: string, path: string): NirNode {
  const t = g.get('type');
  if (!isDataset(t)) throw new FileFormatError(file, `${path}: node has no 'type' dataset`);
  const node: NirNode = { type: readString(t, file, `${path}/type`), fields: {}, metadata: {} };
  for (const k of g.keys()) {
    if (k === 'type') continue;
    const o = g.get(k);
    if (k === 'metadata' && isGroup(o)) node.metadata = readMeta(o);
    else if (node.type === 'NIRGraph' && k === 'nodes' && isGroup(o)) {
      node.nodes = {};
      for (const name of o.keys()) {
        const c = o.get(name);
        if (!isGroup(c)) throw new FileFormatError(file, `${path}/nodes/${name}: expected a node group`);
        node.nodes[name] = readNode(c, file, `${path}/nodes/${name}`);
      }
    } else if (node.type === 'NIRGraph' && k === 'edges' && isDataset(o)) {
      const v = o.value;
      const flat = Array.isArray(v) ? (v.flat(Infinity) as unknown[]) : ArrayBuffer.isView(v) ? [] : [];
      if (flat.some((x) => typeof x !== 'string') || flat.length % 2)
        throw new FileFormatError(file, `${path}/edges: expected (E, 2) strings`);
      node.edges = [];
      for (let i = 0; i < flat.length; i += 2) node.edges.push([flat[i] as string, flat[i + 1] as string]);
    } else if (isDataset(o)) node.fields[k] = readArray(o);
    else if (isGroup(o)) throw new FileFormatError(file, `${path}/${k}: unexpected group in a '${node.type}' node`);
  }
  if (node.type === 'NIRGraph') {
    node.nodes ??= {};
    node.edges ??= [];
  }
  return node;
}

/**
 * Opens `file` for reading, runs `read` on it and closes it. Not HDF5: "cannot be read"; any other
 * failure than a FileFormatError of `read` itself: "damaged HDF5 content".
 */
async function withReadFile<T>(file: string, read: (f: InstanceType<H5['File']>) => T): Promise<T> {
  const m = await lib();
  let f: InstanceType<H5['File']>;
  try {
    f = new m.File(file, 'r');
  } catch (err) {
    throw new FileFormatError(file, `cannot be read as HDF5 (${hdf5Message(err)})`);
  }
  try {
    return read(f);
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    throw new FileFormatError(file, `damaged HDF5 content (${hdf5Message(err)})`);
  } finally {
    closeRead(f, file);
  }
}

/** Reads a NIR graph file; a missing, truncated or non-HDF5 file is a FileFormatError. */
export function readNirFile(file: string): Promise<NirFile> {
  return withReadFile(file, (f) => {
    const root = f.get('node');
    if (!isGroup(root)) throw new FileFormatError(file, "no '/node' group: not a NIR graph file");
    const v = f.get('version');
    const version = isDataset(v) ? readString(v, file, '/version') : null;
    return { version, graph: readNode(root, file, '/node') };
  });
}

/** Closes a file opened for reading; closing a damaged file can make the HDF5 library abort (found by fuzzing NIR): still a damaged file. */
function closeRead(f: { close(): unknown }, file: string): void {
  try {
    f.close();
  } catch (err) {
    throw new FileFormatError(file, `damaged HDF5 content (the HDF5 library failed while closing it: ${hdf5Message(err)})`);
  }
}

/** A plain tree of an HDF5 file: groups become objects, datasets their values (netx reader). */
export interface H5Tree {
  [name: string]: H5Tree | NirArray | string;
}

function readTree(g: H5Group): H5Tree {
  const out: H5Tree = {};
  for (const k of g.keys()) {
    const o = g.get(k);
    if (isGroup(o)) out[k] = readTree(o);
    else if (isDataset(o)) out[k] = readArray(o);
  }
  return out;
}

/** Reads every group and dataset of an HDF5 file; a non-HDF5 or damaged file is a FileFormatError. */
export function readHdf5Tree(file: string): Promise<H5Tree> {
  return withReadFile(file, (f) => readTree(f as unknown as H5Group));
}

/** Names at the root of an HDF5 file (tells a NIR graph, `/node`, from a netx file, `/layer`). */
export function hdf5RootKeys(file: string): Promise<string[]> {
  return withReadFile(file, (f) => (f as unknown as H5Group).keys());
}

// ---------------------------------------------------------------- writing

type H5WGroup = {
  create_group(name: string): H5WGroup;
  create_dataset(args: { name: string; data: unknown; shape?: number[]; dtype?: string }): unknown;
};

function writeMeta(g: H5WGroup, meta: NirMeta): void {
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v === 'string') g.create_dataset({ name: k, data: v });
    else if (typeof v === 'number') g.create_dataset({ name: k, data: Float64Array.of(v), shape: [], dtype: '<d' });
    else if (typeof v === 'boolean') g.create_dataset({ name: k, data: Uint8Array.of(v ? 1 : 0), shape: [], dtype: '<B' });
    else writeMeta(g.create_group(k), v);
  }
}

function writeNode(g: H5WGroup, node: NirNode): void {
  g.create_dataset({ name: 'type', data: node.type });
  for (const [k, a] of Object.entries(node.fields)) {
    if (typeof a === 'string') g.create_dataset({ name: k, data: a });
    else if (a.dtype === '<q') g.create_dataset({ name: k, data: BigInt64Array.from(a.data, (x) => BigInt(Math.round(x))), shape: a.shape, dtype: '<q' });
    else if (a.dtype === '<d') g.create_dataset({ name: k, data: Float64Array.from(a.data), shape: a.shape, dtype: '<d' });
    else g.create_dataset({ name: k, data: Float32Array.from(a.data), shape: a.shape, dtype: '<f' });
  }
  if (node.type === 'NIRGraph') {
    const nodes = g.create_group('nodes');
    for (const [name, child] of Object.entries(node.nodes ?? {})) writeNode(nodes.create_group(name), child);
    const edges = node.edges ?? [];
    g.create_dataset({ name: 'edges', data: edges.flat(), shape: [edges.length, 2] });
  }
  if (Object.keys(node.metadata).length) writeMeta(g.create_group('metadata'), node.metadata);
}

/** Writes a NIR graph file at `file` (the caller handles atomic rename). */
export async function writeNirFile(file: string, nir: NirFile): Promise<void> {
  await writeHdf5(file, (root) => {
    if (nir.version) root.create_dataset({ name: 'version', data: nir.version });
    writeNode(root.create_group('node'), nir.graph);
  });
}

/** A group being written (h5wasm's API, narrowed to what the writers use). */
export type { H5WGroup };

/** Opens `file` for writing and hands its root group to `fill` (used by the Lava netx writer). */
export async function writeHdf5(file: string, fill: (root: H5WGroup) => void): Promise<void> {
  const m = await lib();
  let f: InstanceType<H5['File']>;
  try {
    f = new m.File(file, 'w');
  } catch (err) {
    throw new ExportError(`cannot create HDF5 file ${file} (${hdf5Message(err)})`);
  }
  try {
    fill(f as unknown as H5WGroup);
  } catch (err) {
    if (err instanceof ExportError) throw err;
    throw new ExportError(`HDF5 write failed for ${file} (${hdf5Message(err)})`);
  } finally {
    f.close();
  }
}
