// Prints plain vs transposed matmul speed on the wasm backend, before and after the
// transposed-matmul fix (src/engine/kernels/transpose-matmul.ts).
// Usage: npx tsx scripts/bench-matmul.ts
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend';
import { registerTransposeMatmulFixWasm } from '../src/engine/kernels/transpose-matmul';

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => tf.Tensor, repeats: number): number {
  for (let k = 0; k < 2; k++) fn().dispose();
  const samples: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const start = performance.now();
    const out = fn();
    out.dataSync();
    samples.push(performance.now() - start);
    out.dispose();
  }
  return median(samples);
}

interface Case {
  name: string;
  m: number;
  k: number;
  n: number;
  batch?: number;
}
const cases: Case[] = [
  { name: 'recurrent step [32×125]@[125×500]', m: 32, k: 125, n: 500 },
  { name: 'dW_hh [125×16000]@[16000×500]', m: 125, k: 16000, n: 500 },
  { name: 'input proj [16000×50]@[50×500]', m: 16000, k: 50, n: 500 },
  { name: 'batched [32,100,125]@[125,60]', m: 100, k: 125, n: 60, batch: 32 },
];

function measure(label: string): void {
  console.log(`\n${label}`);
  console.log('case'.padEnd(40) + ['plain', 'tA', 'tB', 'tA+tB'].map((s) => s.padStart(16)).join(''));
  for (const c of cases) {
    const batchShape = c.batch ? [c.batch] : [];
    const a = tf.randomNormal([...batchShape, c.m, c.k]);
    const aT = tf.randomNormal([...batchShape, c.k, c.m]);
    const b = tf.randomNormal([c.k, c.n]);
    const bT = tf.randomNormal([c.n, c.k]);
    const flops = 2 * (c.batch ?? 1) * c.m * c.k * c.n;
    const repeats = flops > 1e9 ? 3 : 10;
    const cells = [
      time(() => tf.matMul(a, b), repeats),
      time(() => tf.matMul(aT, b, true, false), repeats),
      time(() => tf.matMul(a, bT, false, true), repeats),
      time(() => tf.matMul(aT, bT, true, true), repeats),
    ].map((ms) => `${ms.toFixed(2)}ms ${(flops / ms / 1e6).toFixed(1)}GF`.padStart(16));
    console.log(c.name.padEnd(40) + cells.join(''));
    tf.dispose([a, aT, b, bT]);
  }
}

async function main(): Promise<void> {
  process.env['LSTM_LAB_BACKEND'] = 'wasm';
  await initBackend('wasm');
  // initBackend may already install the fix; measure stock by restoring? Not possible
  // once wrapped, so run stock first only when it is not installed yet.
  const { transposeMatmulFixInstalled } = await import('../src/engine/kernels/transpose-matmul');
  if (!transposeMatmulFixInstalled()) measure('stock wasm kernels');
  registerTransposeMatmulFixWasm();
  measure('with the transposed-matmul fix');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
