// SPDX-License-Identifier: MIT
/**
 * `exportNetwork`: writes a network to NIR, Lava netx, PyNN or a bundle, plus a JSON manifest
 * beside it (`<out>.manifest.json`, schema src/export/schema/export-manifest.schema.json) that says
 * where and in which number format the weights and parameters are stored, the quantisation applied,
 * the profile used and the core placement. All files are written atomically and all-or-nothing.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { ConfigError, ExportError, HardwareProfileError } from '../errors.js';
import { writeAllAtomic } from '../atomic.js';
import { encodeBundle } from './bundle.js';
import type { NetworkIR, ProjectionIR } from '../ir/ir.js';
import { checkNetwork } from '../ir/simulate.js';
import { writeNetx } from './lava/netx.js';
import { mapNetwork, type MapResult } from '../chips/map.js';
import { writeNirFile } from './nir/hdf5.js';
import { irToNir, NIR_CONVENTIONS } from './nir/from-ir.js';
import { formatAjvErrors, type HardwareProfile } from '../chips/profile.js';
import { pynnData, pynnScript } from './pynn/emit.js';
import { quantizeNetwork, type QuantizedNetwork } from '../chips/quantize.js';

export const TARGETS = ['nir', 'lava', 'pynn', 'bundle'] as const;
export type Target = (typeof TARGETS)[number];
export const MANIFEST_SCHEMA_PATH = fileURLToPath(new URL('./schema/export-manifest.schema.json', import.meta.url));
const VERSION = 'ffsnn 0.1.0';

/** The file an export was made from, recorded in its manifest. */
export interface ExportSource {
  path: string;
  kind: 'checkpoint' | 'bundle' | 'nir';
  /** SHA-256 (hex) of the whole file, as `sha256sum` prints it. */
  sha256: string;
  /** The checksum stored in the file and verified on reading (checkpoint v2, bundle); null when it has none. */
  contentSha256: string | null;
}

export interface ExportOptions {
  profile?: HardwareProfile;
  /** Where the network came from (its checksums go into the manifest). */
  source?: ExportSource;
  /** PyNN: the input presented by the script, frames[t][i]. */
  input?: Float64Array[];
  /** NIR: one Output node per output population (default: only the last). */
  readouts?: boolean;
  /** A network already in the profile's integers (trained on the chip): written as is, not re-quantised. */
  quantized?: QuantizedNetwork;
  /** Extra notes for the manifest's quantisation section. */
  notes?: string[];
}

export interface ExportResult {
  files: string[];
  manifestPath: string;
  manifest: Manifest;
}

type Manifest = Record<string, unknown> & { files: { path: string; role: string; bytes: number; sha256: string }[] };

let manifestValidator: ReturnType<Ajv['compile']> | undefined;
export function manifestFaults(m: unknown): string[] {
  manifestValidator ??= new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(MANIFEST_SCHEMA_PATH, 'utf8')));
  return manifestValidator(m) ? [] : formatAjvErrors(manifestValidator.errors);
}

export function parseTarget(t: string | undefined): Target {
  if (!t || !(TARGETS as readonly string[]).includes(t)) throw new ConfigError(`unknown export target ${JSON.stringify(t ?? '')} (expected one of: ${TARGETS.join(', ')})`);
  return t as Target;
}

/** The network with each projection's weights (and bias) replaced by their quantised values. */
function dequantizedNetwork(net: NetworkIR, q: QuantizedNetwork): NetworkIR {
  const projections: ProjectionIR[] = net.projections.map((pr) => {
    const qp = q.projections.find((x) => x.name === pr.name)!;
    const w = new Float32Array(qp.nPost * qp.nPre);
    const bias = qp.biasColumn ? new Float32Array(qp.nPost) : undefined;
    for (let j = 0; j < qp.nPost; j++) {
      for (let i = 0; i < qp.nPre; i++) w[j * qp.nPre + i] = qp.dequantized[j * qp.cols + i];
      if (bias) bias[j] = qp.dequantized[j * qp.cols + qp.nPre];
    }
    return { ...pr, weights: { format: 'dense', weight: w }, ...(bias ? { bias } : { bias: undefined }) };
  });
  return { ...net, projections, metadata: { ...net.metadata, quantizedFor: q.profile } };
}

const sha = (path: string) => {
  const b = readFileSync(path);
  return { bytes: b.length, sha256: createHash('sha256').update(b).digest('hex') };
};

export async function exportNetwork(net: NetworkIR, target: Target, out: string, opts: ExportOptions = {}): Promise<ExportResult> {
  const pops = checkNetwork(net);
  const profile = opts.profile;
  if (target === 'lava' && !profile) throw new ConfigError('export --target lava needs a Loihi profile (--profile loihi2)');
  if (target === 'lava' && profile!.family !== 'loihi') throw new ConfigError(`export --target lava needs a Loihi profile, not '${profile!.name}'`);
  if (target === 'pynn' && profile && profile.family !== 'spinnaker') throw new ConfigError(`export --target pynn quantises for SpiNNaker profiles, not '${profile.name}'`);
  if (target === 'pynn' && !out.endsWith('.py')) throw new ConfigError(`export --target pynn: --out must name the script (*.py), got ${out}`);
  let map: MapResult | undefined;
  let q: QuantizedNetwork | undefined;
  if (profile) {
    map = mapNetwork(net, profile);
    if (!map.fits) throw new HardwareProfileError(`does not fit ${profile.name}: ${map.refused!.message}`, { ...map.refused });
    q = opts.quantized ?? quantizeNetwork(net, profile);
  }
  const dir = dirname(out);
  const manifestPath = `${out}.manifest.json`;
  const notes: string[] = [...(map?.notes ?? []), ...(opts.notes ?? [])];
  /** What the target cannot express (manifest `unsupported`, and stderr through the CLI). */
  const unsupported: string[] = [];
  let conventions: Record<string, { value: string; why: string }> | undefined;
  const weights = new Map<string, { file: string; location: string; numberFormat: string; unit: string }>();
  const files: { path: string; role: 'network' | 'data' | 'script'; write: (tmp: string) => Promise<void> | void }[] = [];
  const fileName = basename(out);
  switch (target) {
    case 'bundle': {
      files.push({ path: out, role: 'network', write: (tmp) => writeFileSync(tmp, encodeBundle(net)) });
      net.projections.forEach((pr, k) =>
        weights.set(pr.name, { file: fileName, location: `network.projections[${k}].weights.weight`, numberFormat: `float32 (${pr.weights.format})`, unit: 'mV (voltage-equivalent)' }),
      );
      if (q) notes.push('bundle keeps the float weights (lossless); quantisation figures are in this manifest only');
      break;
    }
    case 'nir': {
      const src = q ? dequantizedNetwork(net, q) : net;
      const { nir, unsupported: cannot } = irToNir(src, { readouts: opts.readouts });
      unsupported.push(...cannot);
      conventions = NIR_CONVENTIONS;
      files.push({ path: out, role: 'network', write: (tmp) => writeNirFile(tmp, nir) });
      const names = Object.entries(nir.graph.nodes!).filter(([, n]) => n.type === 'Affine');
      for (const [node, n] of names)
        weights.set(String(n.metadata.ffsnn_projection), {
          file: fileName,
          location: `/node/nodes/${node}/weight`,
          numberFormat: q ? `float32 holding ${q.format} values` : 'float32',
          unit: 'mV (voltage-equivalent); spike = one unit of input in its step',
        });
      break;
    }
    case 'lava': {
      let layout: Awaited<ReturnType<typeof writeNetx>> | undefined;
      files.push({ path: out, role: 'network', write: async (tmp) => void (layout = await writeNetx(net, q!, tmp)) });
      // Paths are fixed by the chain order; filled below after the write.
      for (const [k, pr] of net.projections.entries())
        weights.set(pr.name, { file: fileName, location: `/layer/${k + 1}/weight`, numberFormat: 'integer-valued float32: mantissa * 2^weight_exp (netx adds w << 6)', unit: 'Loihi current units' });
      files.push({
        path: manifestPath,
        role: 'data',
        write: (tmp) => {
          for (const [name, p] of Object.entries(layout!.weightPaths)) weights.get(name)!.location = p;
          notes.push(...layout!.notes);
          writeManifest(tmp);
        },
      });
      break;
    }
    case 'pynn': {
      const input = opts.input;
      if (!input?.length) throw new ConfigError('export --target pynn needs an input to present');
      const data = pynnData(net, input, q);
      const sidecar = out.replace(/\.py$/, '.json');
      files.push({ path: sidecar, role: 'data', write: (tmp) => writeFileSync(tmp, JSON.stringify(data)) });
      files.push({ path: out, role: 'script', write: (tmp) => writeFileSync(tmp, pynnScript(basename(sidecar)), { mode: 0o755 }) });
      for (const pr of net.projections)
        weights.set(pr.name, {
          file: basename(sidecar),
          location: `/projections[label^="${pr.name}:"]/connections (rows: pre, post, weight, delay)`,
          numberFormat: q ? 'float64 holding uint16 << shift / 2^15 values' : 'float64',
          unit: 'nA (IF_curr_exp current); delay in ms',
        });
      break;
    }
  }
  const buildManifest = (): Manifest => ({
    format: 'ffsnn-export-manifest',
    version: 1,
    target,
    createdBy: VERSION,
    ...(opts.source ? { source: { ...opts.source, path: basename(opts.source.path) } } : {}),
    files: files.filter((f) => f.path !== manifestPath).map((f) => ({ path: basename(f.path), role: f.role, ...sha(f.path) })),
    network: {
      name: net.name,
      dt: net.dt,
      timeUnit: 'ms',
      inputs: net.inputs,
      outputs: net.outputs,
      ...(net.learning ? { learning: net.learning as unknown as Record<string, unknown> } : {}),
      ...(net.encoding ? { encoding: net.encoding as unknown as Record<string, unknown> } : {}),
    },
    ...(conventions ? { conventions } : {}),
    unsupported,
    profile: profile ? { name: profile.name, title: profile.title, weightFormat: profile.weights.format, cores: map!.cores, chips: map!.chips } : null,
    quantization: { applied: !!q && target !== 'bundle', ...(q ? { weightFormat: q.format } : {}), notes },
    populations: net.populations.map((p) => {
      const qp = q?.populations.find((x) => x.name === p.name);
      const hardware = qp?.loihi
        ? { du: qp.loihi.du, dv: qp.loihi.dv, vthMant: qp.loihi.vth, scalePerMv: qp.loihi.scale }
        : qp?.spinnaker
          ? { IF_curr_exp: qp.spinnaker.params, kappaNaPerMv: qp.spinnaker.kappa }
          : undefined;
      return {
        name: p.name,
        size: p.size,
        model: p.model,
        parameters: Object.fromEntries(Object.entries(p.params).map(([k, v]) => [k, { value: v, unit: p.units[k] ?? '' }])),
        ...(hardware ? { hardware } : {}),
        placement: (map?.placements ?? []).filter((c) => c.population === p.name).map((c) => ({ core: c.core, chip: c.chip, first: c.first, neurons: c.neurons })),
      };
    }),
    projections: net.projections.map((pr) => {
      const nPre = pops.get(pr.pre)!.size;
      const nPost = pops.get(pr.post)!.size;
      const qp = q?.projections.find((x) => x.name === pr.name);
      const synapses = pr.weights.format === 'dense' ? pr.weights.weight.reduce((a, w) => a + (w !== 0 ? 1 : 0), 0) : pr.weights.col.length;
      return {
        name: pr.name,
        pre: pr.pre,
        post: pr.post,
        receptor: pr.receptor,
        delaySteps: pr.delaySteps,
        synapses,
        bias: !!pr.bias,
        weights: { ...weights.get(pr.name)!, shape: [nPost, nPre], order: 'row-major [post][pre]' },
        quantization: qp
          ? {
              relRmsError: qp.relRmsError,
              maxAbsError: qp.maxAbsError,
              ...(qp.loihi ? { weightExp: qp.loihi.weightExp, signMode: qp.loihi.signMode } : {}),
              ...(qp.spinnaker ? { shiftExc: qp.spinnaker.shiftExc, shiftInh: qp.spinnaker.shiftInh } : {}),
              ...(qp.approximate ? { approximate: true } : {}),
            }
          : null,
      };
    }),
  });
  let manifest: Manifest | undefined;
  const writeManifest = (tmp: string) => {
    manifest = buildManifest();
    const faults = manifestFaults(manifest);
    if (faults.length) throw new ExportError(`manifest does not validate against its schema: ${faults.join('; ')}`);
    writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
  };
  if (!files.some((f) => f.path === manifestPath)) files.push({ path: manifestPath, role: 'data', write: writeManifest });
  await writeAllAtomic(files.map((f) => ({ path: f.path, write: f.write })));
  return { files: files.map((f) => f.path).filter((p) => p !== manifestPath).map((p) => join(dir, basename(p))), manifestPath, manifest: manifest! };
}
