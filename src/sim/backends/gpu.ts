// SPDX-License-Identifier: MIT
/**
 * The only file that touches gpu.js, and only through a lazy `await import('gpu.js')`, so the
 * plain-JavaScript path works where gpu.js (or its native `gl`) cannot load.
 *
 * Backend requests (option, else env FFSNN_BACKEND, else 'auto'):
 * - 'cpu'       plain JavaScript ('cpu-js'); never loads gpu.js;
 * - 'gpu'       gpu.js kernels on whatever gpu.js picks in its synchronous chain
 *               (headlessgl -> webgl2 -> webgl -> webasm -> cpu);
 * - 'webasm'    gpu.js kernels on its WebAssembly backend;
 * - 'gpujs-cpu' gpu.js kernels transpiled to JavaScript (gpu.js mode 'cpu'): for tests, so the
 *               kernel bodies run in CI without a GPU;
 * - 'auto'      gpu.js kernels when gpu.js finds a GL GPU, else plain JavaScript. On a machine
 *               without GPU gpu.js would fall to webasm, measured slower than the plain-JS ops
 *               for every op and size in bench/batched-ops.ts, so 'auto' does not pick it.
 *
 * WebGPU: gpu.js 2.24 offers it only under its Promise contract ('async'/'webgpu' modes), while
 * the batched ops are synchronous, so it is reported by `backendInfo` but not used.
 *
 * The mode recorded is the one the compiled kernel reports (`kernel.kernel.constructor.mode`),
 * after gpu.js's own fallbacks, not the one requested.
 */
import type { GPU as GpuType, IGPUKernelSettings, IKernelRunShortcut, KernelFunction } from 'gpu.js';
import { BackendUnavailableError, ConfigError } from '../../errors.js';

export const BACKEND_REQUESTS = ['auto', 'cpu', 'gpu', 'webasm', 'gpujs-cpu'] as const;
export type BackendRequest = (typeof BACKEND_REQUESTS)[number];

/** What gpu.js reports it can use on this platform. */
export interface GpuPlatform {
  headlessgl: boolean;
  webgl2: boolean;
  webgl: boolean;
  webasm: boolean;
  /** navigator.gpu exists (gpu.js's synchronous answer); not used by the synchronous ops. */
  webgpu: boolean;
}

export interface BackendInfo {
  requested: BackendRequest;
  /** Where the request came from. */
  source: 'option' | 'env FFSNN_BACKEND' | 'default';
  /** 'cpu-js' or the gpu.js mode kernels compile for (confirmed per kernel on first run). */
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

function platformOf(G: GpuModule['GPU']): GpuPlatform {
  return {
    headlessgl: G.isHeadlessGLSupported,
    webgl2: G.isWebGL2Supported,
    webgl: G.isWebGLSupported,
    webasm: G.isWebAssemblySupported,
    webgpu: G.isWebGPUSupported,
  };
}

const loggedFallbacks = new Set<string>();
/** Logs a fallback once per process (with how to silence it), to stderr. */
function logOnce(message: string): void {
  if (loggedFallbacks.has(message)) return;
  loggedFallbacks.add(message);
  process.stderr.write(`ffsnn: ${message} (set FFSNN_BACKEND to choose explicitly and silence this)\n`);
}

/**
 * Decides which backend a request resolves to, loading gpu.js only when the request needs it.
 * @throws ConfigError for an unknown request; BackendUnavailableError when gpu.js cannot load
 *   or the forced backend is not supported here.
 */
export async function backendInfo(option?: string): Promise<BackendInfo> {
  const { request, source } = resolveBackendRequest(option);
  if (request === 'cpu') {
    return { requested: request, source, chosen: 'cpu-js', platform: null, reason: 'plain JavaScript requested' };
  }
  let mod: GpuModule;
  try {
    mod = await loadGpuJs();
  } catch (e) {
    if (request !== 'auto') throw e;
    const reason = `gpu.js did not load (${(e as Error).message}); using plain JavaScript`;
    logOnce(reason);
    return { requested: request, source, chosen: 'cpu-js', platform: null, reason };
  }
  const platform = platformOf(mod.GPU);
  const gl = platform.headlessgl ? 'headlessgl' : platform.webgl2 ? 'webgl2' : platform.webgl ? 'webgl' : null;
  switch (request) {
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
      if (gl) return { requested: request, source, chosen: gl, platform, reason: `gpu.js found a GL GPU (${gl})` };
      const reason = `no GL GPU for gpu.js${platform.webgpu ? ' (WebGPU exists but is async-only in gpu.js 2.24)' : ''}; its webasm backend is slower than the plain-JS ops here, so using plain JavaScript`;
      logOnce(reason);
      return { requested: request, source, chosen: 'cpu-js', platform, reason };
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
