// Chooses the TF.js backend: native TensorFlow (tfjs-node) when it loads, else wasm
// (SIMD, one thread in Node; its .wasm binaries load from disk, never the network),
// else the pure-JS cpu backend. The env var LSTM_LAB_BACKEND (auto|native|tensorflow|wasm|cpu)
// takes the place of 'auto', so a user can choose one anywhere; an explicit choice (--backend,
// the lstmLab.backend setting) beats it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName, BackendPreference } from '../shared/types';
import { registerUnsortedSegmentSumWasm } from './kernels/unsorted-segment-sum';
import { registerTransposeMatmulFixWasm } from './kernels/transpose-matmul';
import { registerSliceViewFixWasm } from './kernels/slice-view';

const PREFERENCES: readonly BackendPreference[] = ['auto', 'native', 'wasm', 'cpu'];
export const BACKEND_ENV_VAR = 'LSTM_LAB_BACKEND';

export interface BackendOptions {
  /** Folder holding tfjs-backend-wasm's .wasm files. Default: dist/wasm next to the bundle, else the installed package's dist/. */
  wasmDir?: string;
}

let active: BackendName | undefined;
let pending: Promise<BackendName> | undefined;
let wasmPathsSet = false;

function isPreference(value: string): value is BackendPreference {
  return (PREFERENCES as readonly string[]).includes(value);
}

/** The preference to use: an explicit one as given; 'auto' replaced by the env var when set. Throws on a value it does not know. */
export function resolvePreference(preference: BackendPreference): BackendPreference {
  if (!isPreference(preference)) {
    throw new Error(`Unknown backend preference '${String(preference)}'. Use one of: ${PREFERENCES.join(', ')}.`);
  }
  const raw = process.env[BACKEND_ENV_VAR]?.trim().toLowerCase();
  if (preference !== 'auto' || !raw) return preference;
  // 'tensorflow' is what results call the native backend, so it is accepted here too.
  const fromEnv = raw === 'tensorflow' ? 'native' : raw;
  if (!isPreference(fromEnv)) {
    throw new Error(`${BACKEND_ENV_VAR}=${process.env[BACKEND_ENV_VAR]} is not a backend. Use one of: ${PREFERENCES.join(', ')}, tensorflow (or unset it).`);
  }
  return fromEnv;
}

function hasWasmBinaries(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'tfjs-backend-wasm-simd.wasm')) || fs.existsSync(path.join(dir, 'tfjs-backend-wasm.wasm'));
}

/** Where the .wasm files are: the given folder, the bundle's dist/wasm, or the installed package. */
export function defaultWasmDir(): string {
  const bundled = path.join(__dirname, 'wasm');
  if (hasWasmBinaries(bundled)) return bundled;
  try {
    return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  } catch {
    throw new Error(`Cannot find the TF.js wasm binaries: neither ${bundled} nor an installed @tensorflow/tfjs-backend-wasm. Run the build (node scripts/build.mjs) or npm install.`);
  }
}

async function tryNative(): Promise<boolean> {
  try {
    // Optional dependency: absent where libtensorflow cannot be downloaded. Registers 'tensorflow'.
    // A runtime require on purpose: esbuild must not bundle it (see docs/architecture.md, Build).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
  } catch {
    return false;
  }
  return tf.setBackend('tensorflow');
}

async function tryWasm(options: BackendOptions): Promise<boolean> {
  const dir = options.wasmDir ?? defaultWasmDir();
  if (!hasWasmBinaries(dir)) {
    throw new Error(`No TF.js wasm binaries in ${dir} (expected tfjs-backend-wasm-simd.wasm). Point wasmDir at tfjs-backend-wasm's dist folder.`);
  }
  // setWasmPaths may only be called before the wasm backend initialises.
  if (!wasmPathsSet) {
    setWasmPaths(path.resolve(dir) + path.sep);
    wasmPathsSet = true;
  }
  const ok = await tf.setBackend('wasm');
  if (ok) registerUnsortedSegmentSumWasm();
  // Transposed/batched matmuls through XNNPACK (kernels/transpose-matmul.ts). STOCK_KERNELS_ENV_VAR=1
  // leaves TF.js as shipped: only `lstm-lab bench` sets it, to measure the stock baseline.
  if (ok && process.env[STOCK_KERNELS_ENV_VAR] !== '1') {
    registerTransposeMatmulFixWasm();
    registerSliceViewFixWasm(); // slices and tf.unstack read the heap in place (kernels/slice-view.ts)
  }
  return ok;
}

/** Set to 1 to skip LSTM Lab's matmul kernel fix (a benchmark baseline of TF.js as shipped). */
export const STOCK_KERNELS_ENV_VAR = 'LSTM_LAB_STOCK_KERNELS';

async function select(preference: BackendPreference, options: BackendOptions): Promise<BackendName> {
  // Production mode silences TF.js's console notices, among them the cpu backend's "Hi, looks like
  // you are running TensorFlow.js in Node.js" banner, which would land in our users' output.
  tf.enableProdMode();
  if (preference === 'native') {
    if (await tryNative()) return 'tensorflow';
    throw new Error('The native backend (@tensorflow/tfjs-node) is not installed or does not load here. Use --backend wasm (or auto), or install @tensorflow/tfjs-node.');
  }
  if (preference === 'wasm') {
    if (await tryWasm(options)) return 'wasm';
    throw new Error('The wasm backend failed to initialise. Use --backend cpu, or check that the .wasm files are readable.');
  }
  if (preference === 'cpu') {
    if (await tf.setBackend('cpu')) return 'cpu';
    throw new Error('The cpu backend failed to initialise.');
  }
  if (await tryNative()) return 'tensorflow';
  try {
    if (await tryWasm(options)) return 'wasm';
  } catch {
    // fall through to cpu: auto means "the best that works"
  }
  if (await tf.setBackend('cpu')) return 'cpu';
  throw new Error('No TF.js backend could be initialised (tried tensorflow, wasm, cpu).');
}

function preferenceMatches(preference: BackendPreference, backend: BackendName): boolean {
  return preference === 'auto' || (preference === 'native' ? backend === 'tensorflow' : preference === backend);
}

/**
 * Initialises TF.js on the best (or the requested) backend and returns its name.
 * Calling again returns the active backend; an explicit, different preference
 * (e.g. 'cpu' after 'wasm') switches to it.
 */
export async function initBackend(preference: BackendPreference = 'auto', options: BackendOptions = {}): Promise<BackendName> {
  const wanted = resolvePreference(preference);
  if (pending) {
    const current = await pending.catch(() => undefined);
    if (current && preferenceMatches(wanted, current)) return current;
  }
  const previous = pending;
  const attempt = select(wanted, options).then((name) => {
    active = name;
    return name;
  });
  pending = attempt;
  // A failed switch (e.g. 'native' where tfjs-node is absent) leaves the working backend active.
  attempt.catch(() => {
    if (pending === attempt) pending = previous;
  });
  return attempt;
}

/** The backend initBackend chose. Throws if initBackend has not completed. */
export function activeBackend(): BackendName {
  if (!active) throw new Error('No backend yet: await initBackend() before using the engine.');
  return active;
}
