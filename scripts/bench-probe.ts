// Prints the fast probe's time for the notebook's five series at its size (batch 32,
// 100 steps, E 50, H 125) beside the FLOP floor of the VJPs, and optionally the reference.
// Usage: npx tsx scripts/bench-probe.ts [--reference]
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/engine/backend';
import { measureMatmulGflops, benchConfigOf } from '../src/engine/bench';
import { probeSeriesFast } from '../src/engine/fast/probe-fast';
import { freshEmbedding, probeSeries } from '../src/engine/probe';
import { mulberry32 } from '../src/engine/random';
import { DEFAULT_PROBE_SERIES } from '../src/shared/types';

async function main(): Promise<void> {
  const backend = await initBackend('auto');
  const [B, T, E, H, V] = [32, 100, 50, 125, 60];
  const table = freshEmbedding(V, E, 0);
  const random = mulberry32(1);
  const values = new Float32Array(B * T * E);
  for (let k = 0; k < B * T; k++) {
    const id = 2 + Math.floor(random() * (V - 2));
    values.set(table.subarray(id * E, (id + 1) * E), k * E);
  }
  const x = tf.tensor3d(values, [B, T, E]);
  // VJP FLOPs: Σ_t t step-VJPs, each one [B, G·H]·[G·H, H] product (G = 4 for LSTMs, 1 for the RNN).
  const vjps = (T * (T + 1)) / 2;
  const flopsOf = (gates: number) => vjps * 2 * B * gates * H * H;
  const totalFlops = DEFAULT_PROBE_SERIES.reduce((sum, spec) => sum + flopsOf(spec.cell === 'simple-rnn' ? 1 : 4), 0);
  const gflops = measureMatmulGflops(benchConfigOf({ seqLen: T, batchSize: B, hiddenSize: H, embeddingSize: E }));
  console.log(`backend ${backend}; plain matmul ${gflops.toFixed(1)} GFLOP/s; VJP arithmetic ${(totalFlops / 1e9).toFixed(1)} GFLOP ⇒ floor ${(totalFlops / gflops / 1e9).toFixed(2)} s`);
  const started = performance.now();
  for (const spec of DEFAULT_PROBE_SERIES) {
    const s = await probeSeriesFast(x, spec, { steps: T, hiddenSize: H, seed: 7 });
    console.log(
      `  fast ${spec.name.padEnd(24)} ${s.seconds.toFixed(2)} s (${((performance.now() - started) / 1000).toFixed(2)} s since start)  norms t=1 ${s.norms[0]!.toExponential(2)}, t=100 ${s.norms[T - 1]!.toExponential(2)}`,
    );
  }
  const total = (performance.now() - started) / 1000;
  console.log(`fast probe, five series: ${total.toFixed(2)} s = ${(total / (totalFlops / gflops / 1e9)).toFixed(2)}× the floor`);
  if (process.argv.includes('--reference')) {
    const spec = DEFAULT_PROBE_SERIES[2]!;
    const s = await probeSeries(x, spec, { steps: T, hiddenSize: H, seed: 7 });
    console.log(`reference ${spec.name}: ${s.seconds.toFixed(1)} s`);
  }
  x.dispose();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
