// SPDX-License-Identifier: MIT
/**
 * The only file that loads gpu.js (others import its types only), and only through a lazy
 * `await import('gpu.js')`, so the plain-JavaScript path works where gpu.js (or its native `gl`)
 * cannot load.
 *
 * Backend requests (option, else env FFSNN_BACKEND, else 'auto'):
 * - 'cpu'       plain JavaScript ('cpu-js'); never loads gpu.js;
 * - 'webgpu'    gpu.js kernels on WebGPU. gpu.js offers WebGPU only under its Promise contract,
 *               so only the asynchronous ops (`createAsyncOps`) can use it. In Node, where
 *               there is no `navigator.gpu`, it comes from the `webgpu` package (Dawn);
 * - 'gpu'       gpu.js kernels on whatever gpu.js picks in its synchronous chain
 *               (headlessgl -> webgl2 -> webgl -> webasm -> cpu);
 * - 'webasm'    gpu.js kernels on its WebAssembly backend;
 * - 'gpujs-cpu' gpu.js kernels transpiled to JavaScript (gpu.js mode 'cpu'): for tests, so the
 *               kernel bodies run in CI without a GPU;
 * - 'wasm-simd' every batched op as WebAssembly SIMD kernels of our own (../batched/wasm-ops.ts:
 *               the products, Adam, normalisation, and the spiking layer loops of spiking.as.ts);
 *               never loads gpu.js. 'auto' picks it when there is no GPU and the runtime has SIMD;
 * - 'auto'      in this order: WebGPU on a real (not fallback) adapter, for asynchronous callers
 *               only; a GL GPU; else 'wasm-simd' (the products measured 1.4-2x faster per training
 *               epoch than plain JS, bench/train-vs-torch.ts), else plain JS. Without a GPU gpu.js would fall to
 *               webasm, measured 2-35x slower than the plain-JS ops for every product and the
 *               LIF step, and about even on the trace update (bench/batched-ops.ts), so 'auto'
 *               does not pick it.
 *
 * The mode recorded is the one the compiled kernel reports (`kernel.kernel.constructor.mode`),
 * after gpu.js's own fallbacks, not the one requested.
 */
import type { GPU as GpuType, IGPUKernelSettings, IKernelRunShortcut, KernelFunction } from 'gpu.js';
import { BackendUnavailableError, ConfigError } from '../../errors.js';
import { simdAvailable } from '../../neurons/wasm.js';

export const BACKEND_REQUESTS = ['auto', 'cpu', 'webgpu', 'gpu', 'webasm', 'gpujs-cpu', 'wasm-simd'] as const;
export type BackendRequest = (typeof BACKEND_REQUESTS)[number];

/** What gpu.js reports it can use on this platform. */
export interface GpuPlatform {
  headlessgl: boolean;
  webgl2: boolean;
  webgl: boolean;
  webasm: boolean;
  /** A WebGPU adapter answered (probed only for asynchronous callers; false otherwise). */
  webgpu: boolean;
}

export interface BackendInfo {
  requested: BackendRequest;
  /** Where the request came from. */
  source: 'option' | 'env FFSNN_BACKEND' | 'default';
  /** 'cpu-js', 'wasm-simd', or the gpu.js mode kernels compile for (confirmed per kernel on first run). */
  chosen: string;
  /** gpu.js's platform answers; null when gpu.js was not loaded (request 'cpu'). */
  platform: GpuPlatform | null;
  /** One sentence: why this backend. */
  reason: string;
}

/** Resolves the request from an explicit option, else FFSNN_BACKEND, else 'auto'. */
export function resolveBackendRequest(option?: string): { request: BackendRequest; source: BackendInfo['source'] } {
  const env = process.env.FFSNN_BACKEND;
  const [raw, source]: [string | undefined, BackendInfo['source']] =
    option !== undefined ? [option, 'option'] : env !== undefined && env !== '' ? [env, 'env FFSNN_BACKEND'] : ['auto', 'default'];
  if (!(BACKEND_REQUESTS as readonly string[]).includes(raw)) {
    throw new ConfigError(
      `${source === 'option' ? 'backend option' : source}: '${raw}' is not a backend (expected one of ${BACKEND_REQUESTS.join(', ')})`,
      { backend: raw },
    );
  }
  return { request: raw as BackendRequest, source };
}

type GpuModule = typeof import('gpu.js');
let gpuModule: Promise<GpuModule> | null = null;

async function loadGpuJs(): Promise<GpuModule> {
  gpuModule ??= import('gpu.js').catch((e: unknown) => {
    gpuModule = null;
    throw new BackendUnavailableError('gpu.js', `cannot load the gpu.js package: ${(e as Error).message}`);
  });
  return gpuModule;
}

function platformOf(G: GpuModule['GPU']): Omit<GpuPlatform, 'webgpu'> {
  return {
    headlessgl: G.isHeadlessGLSupported,
    webgl2: G.isWebGL2Supported,
    webgl: G.isWebGLSupported,
    webasm: G.isWebAssemblySupported,
  };
}

const loggedFallbacks = new Set<string>();
/** Logs a fallback once per process (with how to silence it), to stderr. */
function logOnce(message: string): void {
  if (loggedFallbacks.has(message)) return;
  loggedFallbacks.add(message);
  process.stderr.write(`ffsnn: ${message} (set FFSNN_BACKEND to choose explicitly and silence this)\n`);
}

/** Why WebGPU is or is not usable here; installs `navigator.gpu` from Dawn in Node. */
let webGpuProbe: Promise<{ ok: boolean; fallbackAdapter: boolean; reason: string }> | null = null;

function probeWebGpu(): Promise<{ ok: boolean; fallbackAdapter: boolean; reason: string }> {
  webGpuProbe ??= (async () => {
    const g = globalThis as unknown as { navigator?: { gpu?: unknown } };
    if (!g.navigator?.gpu) {
      let dawn: { create(o: string[]): DawnGpu; globals: Record<string, unknown> };
      try {
        const name = 'webgpu'; // a variable specifier: the package's types need @webgpu/types
        dawn = (await import(name)) as typeof dawn;
      } catch (e) {
        return { ok: false, fallbackAdapter: false, reason: `the webgpu package (Dawn) did not load: ${firstLine(e)}` };
      }
      for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
      const gpu = patchedGpu(dawn.create([]));
      if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
      else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    }
    const adapter = await (g.navigator!.gpu as DawnGpu).requestAdapter().catch(() => null);
    if (!adapter) return { ok: false, fallbackAdapter: false, reason: 'no WebGPU adapter answered' };
    const fallbackAdapter = Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter);
    return { ok: true, fallbackAdapter, reason: fallbackAdapter ? 'WebGPU adapter is a software fallback' : 'WebGPU adapter found' };
  })();
  return webGpuProbe;
}

interface DawnAdapter {
  limits: unknown;
  features: unknown;
  info?: { isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  requestDevice(d?: unknown): Promise<Record<string, unknown>>;
}
interface DawnGpu {
  requestAdapter(o?: unknown): Promise<DawnAdapter | null>;
}

/**
 * Dawn's Node binding refuses a plain function for `device.onuncapturederror`, which gpu.js
 * assigns (measured on an H100, webgpu 0.2.9): give gpu.js devices where it is a JS property.
 */
function patchedGpu(real: DawnGpu): DawnGpu {
  return {
    requestAdapter: async (o?: unknown) => {
      const a = await real.requestAdapter(o);
      if (!a) return a;
      return {
        get limits() { return a.limits; },
        get features() { return a.features; },
        get info() { return a.info; },
        get isFallbackAdapter() { return a.isFallbackAdapter; },
        requestDevice: async (d?: unknown) => {
          const device = await a.requestDevice(d);
          Object.defineProperty(device, 'onuncapturederror', { value: null, writable: true, configurable: true });
          return device;
        },
      };
    },
  };
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

/**
 * Decides which backend a request resolves to, loading gpu.js only when the request needs it.
 * `async: true` is for callers that await every kernel (`createAsyncOps`): only they can use
 * WebGPU.
 * @throws ConfigError for an unknown request, or 'webgpu' from a synchronous caller;
 *   BackendUnavailableError when gpu.js cannot load or the forced backend is not supported here.
 */
/** 'auto' without a GPU: our WebAssembly SIMD kernels where the runtime has SIMD, else plain JS. */
function cpuFallback(request: BackendRequest, source: BackendInfo['source'], platform: GpuPlatform | null, why: string): BackendInfo {
  const chosen = simdAvailable() ? 'wasm-simd' : 'cpu-js';
  const reason = `${why}, so using ${chosen === 'wasm-simd' ? 'WebAssembly SIMD kernels' : 'plain JavaScript'}`;
  logOnce(reason);
  return { requested: request, source, chosen, platform, reason };
}

export async function backendInfo(option?: string, opts: { async?: boolean } = {}): Promise<BackendInfo> {
  const { request, source } = resolveBackendRequest(option);
  if (request === 'cpu') {
    return { requested: request, source, chosen: 'cpu-js', platform: null, reason: 'plain JavaScript requested' };
  }
  if (request === 'wasm-simd') {
    if (!simdAvailable()) throw new BackendUnavailableError('wasm-simd', 'this runtime does not validate WebAssembly fixed-width SIMD');
    return { requested: request, source, chosen: 'wasm-simd', platform: null, reason: 'WebAssembly SIMD kernels requested' };
  }
  if (request === 'webgpu' && !opts.async) {
    throw new ConfigError("backend 'webgpu' is asynchronous in gpu.js: use createAsyncOps (or pick cpu, gpu, webasm)", { backend: request });
  }
  let mod: GpuModule;
  try {
    mod = await loadGpuJs();
  } catch (e) {
    if (request !== 'auto') throw e;
    return cpuFallback(request, source, null, `gpu.js did not load (${(e as Error).message})`);
  }
  const web = opts.async && (request === 'webgpu' || request === 'auto') ? await probeWebGpu() : null;
  const platform = { ...platformOf(mod.GPU), webgpu: Boolean(web?.ok) };
  const gl = platform.headlessgl ? 'headlessgl' : platform.webgl2 ? 'webgl2' : platform.webgl ? 'webgl' : null;
  switch (request) {
    case 'webgpu':
      if (!web!.ok) throw new BackendUnavailableError('webgpu', web!.reason);
      return { requested: request, source, chosen: 'webgpu', platform, reason: web!.reason };
    case 'gpujs-cpu':
      return { requested: request, source, chosen: 'cpu', platform, reason: 'gpu.js kernels transpiled to JavaScript requested' };
    case 'webasm':
      if (!platform.webasm) throw new BackendUnavailableError('webasm', 'gpu.js reports no WebAssembly support');
      return { requested: request, source, chosen: 'webasm', platform, reason: 'gpu.js WebAssembly backend requested' };
    case 'gpu': {
      const chosen = gl ?? (platform.webasm ? 'webasm' : 'cpu');
      return { requested: request, source, chosen, platform, reason: `gpu.js picked ${chosen} in its chain headlessgl -> webgl2 -> webgl -> webasm -> cpu` };
    }
    default: {
      if (web?.ok && !web.fallbackAdapter) return { requested: request, source, chosen: 'webgpu', platform, reason: web.reason };
      if (gl) return { requested: request, source, chosen: gl, platform, reason: `gpu.js found a GL GPU (${gl})` };
      const why = web ? `no usable WebGPU (${web.reason}), ` : '';
      return cpuFallback(request, source, platform, `${why}no GL GPU for gpu.js; its webasm backend is slower than the plain-JS ops here`);
    }
  }
}

/**
 * A gpu.js instance with a kernel cache. Kernels are compiled once per key (the caller puts in
 * the key everything the kernel's constants and output size depend on).
 */
export class GpuKernels {
  /** The gpu.js mode requested of this instance ('cpu', 'webasm', 'gpu', or a GL mode). */
  readonly requestedMode: string;
  private readonly gpu: GpuType;
  private readonly cache = new Map<string, IKernelRunShortcut>();

  private constructor(gpu: GpuType, requestedMode: string) {
    this.gpu = gpu;
    this.requestedMode = requestedMode;
  }

  /** Opens gpu.js in the mode `backendInfo` chose (anything but 'cpu-js'). */
  static async open(chosen: string): Promise<GpuKernels> {
    if (chosen === 'cpu-js') throw new ConfigError("GpuKernels.open: 'cpu-js' is the plain-JavaScript path, not a gpu.js mode");
    const { GPU } = await loadGpuJs();
    return new GpuKernels(new GPU({ mode: chosen as 'gpu' }), chosen);
  }

  /** Returns the cached kernel for `key`, compiling it on first use (precision forced to single). */
  kernel(key: string, fn: KernelFunction, settings: IGPUKernelSettings): IKernelRunShortcut {
    let k = this.cache.get(key);
    if (!k) {
      k = this.gpu.createKernel(fn, { ...settings, precision: 'single', tactic: 'precision' });
      this.cache.set(key, k);
    }
    return k;
  }

  /**
   * The mode a kernel actually runs on, after gpu.js's fallbacks (read it after the first call;
   * a webasm kernel that cannot be built degrades to 'cpu'). Logs a fallback once.
   */
  static modeOf(k: IKernelRunShortcut): string {
    const inner = (k as unknown as { kernel?: { constructor: { mode?: string }; fallbackReason?: string | null } }).kernel;
    const mode = inner?.constructor.mode ?? 'unknown';
    if (inner?.fallbackReason) logOnce(`gpu.js kernel fell back to ${mode}: ${inner.fallbackReason}`);
    return mode;
  }

  /** Releases every kernel and the gpu.js instance. */
  async dispose(): Promise<void> {
    this.cache.clear();
    await this.gpu.destroy();
  }
}
