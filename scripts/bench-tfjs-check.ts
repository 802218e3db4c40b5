// Prints how long the check + probe of a user's own TF.js cell take at the notebook's size
// (check over 100 steps at E=10 H=16 B=3; probe of 100 steps at E=50 H=125 B=1), and, as the
// baseline measured in the same run, the probe computed the way it was before: one tf.grad per
// step (T backward passes, O(T²) steps) beside the one-pass probe, with how far their norms
// differ. The machine's load is printed first: on a busy machine wall times are inflated.
// Usage: npx tsx scripts/bench-tfjs-check.ts [--steps N] [--baseline-steps N] [--backend wasm|cpu]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { detectCells } from '../src/detect';
import { initBackend } from '../src/engine/backend';
import { checkTfjsCell } from '../src/tfjs-cell';
import { cellCall, stateOf } from '../src/tfjs-cell/call';
import { loadCell } from '../src/tfjs-cell/load';
import { probeNorms } from '../src/tfjs-cell/probe';
import { HAS_CELL_STATE, WEIGHTED_GATES, type ReferenceKind } from '../src/tfjs-cell/reference';
import { shapeOfName } from '../src/tfjs-cell/weights';

const root = path.resolve(__dirname, '..');
const FIXTURES = ['lstm_class.js', 'lstm_fused.ts', 'gru_class.ts', 'rnn_step.ts'].map((f) => path.join(root, 'test/fixtures/user-cells-tfjs', f));

function arg(name: string, fallback: string): string {
  const k = process.argv.indexOf(`--${name}`);
  return k === -1 ? fallback : process.argv[k + 1]!;
}

/** The probe as it was: for each t, tf.grad of Σ|h_t| through t steps from h0 (T backward passes). */
function perStepNorms(step: (x: tf.Tensor, h: tf.Tensor, c: tf.Tensor) => [tf.Tensor, tf.Tensor], xs: number[][], h0: number[], c0: number[]): number[] {
  const norms: number[] = [];
  for (let t = 1; t <= xs.length; t++) {
    norms.push(
      tf.tidy(() => {
        const loss = (start: tf.Tensor) => {
          let [h, c]: [tf.Tensor, tf.Tensor] = [start, tf.tensor2d([c0])];
          for (let k = 0; k < t; k++) [h, c] = step(tf.tensor2d([xs[k]!]), h, c);
          return tf.sum(tf.abs(h)) as tf.Scalar;
        };
        return tf.norm(tf.grad(loss)(tf.tensor2d([h0]))).dataSync()[0]!;
      }),
    );
  }
  return norms;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

async function main(): Promise<void> {
  const steps = Number(arg('steps', '100'));
  const baselineSteps = Number(arg('baseline-steps', String(steps)));
  const backend = await initBackend(arg('backend', 'auto') as 'auto' | 'wasm' | 'cpu');
  const [load1] = os.loadavg();
  console.log(`TF.js ${tf.version.tfjs} on ${backend}, Node ${process.version}, ${os.cpus().length} cores, load average ${load1!.toFixed(1)} (the last minute)`);
  console.log(`check ${steps} steps at E=10 H=16 B=3; probe ${steps} steps at E=50 H=125 B=1; baseline probe ${baselineSteps} steps\n`);
  console.log('cell              verdict   check+probe (s)  check (s)  probe (s)  | probe at T=' + baselineSteps + ': one pass (s)  per step (s)  ratio  max rel. diff  ‖∂/∂h0‖ t=1, t=T');
  for (const file of FIXTURES) {
    const source = fs.readFileSync(file, 'utf8');
    const cell = detectCells(source, file.endsWith('.js') ? 'javascript' : 'typescript')[0]!;
    checkTfjsCell(file, source, cell, { steps: 5, probeSteps: 5 }); // warm: kernels, transpiler
    let t0 = performance.now();
    const result = checkTfjsCell(file, source, cell, { steps, probeSteps: steps });
    const total = seconds(t0);
    // The probe alone, both ways, through the same instance of the user's cell.
    const kind = cell.kind as ReferenceKind;
    const sizes = { E: 50, H: 125 };
    const loaded = loadCell(file, source, cell.name, cell.gates);
    const call = cellCall(loaded.target, loaded.sourceFile, cell.name, sizes, HAS_CELL_STATE[kind], (n) => shapeOfName(n, sizes, cell.layout === 'fused' ? WEIGHTED_GATES[kind].length : 1));
    for (const w of call.weights) w.set(tf.randomUniform(w.shape, -0.09, 0.09));
    const step = (x: tf.Tensor, h: tf.Tensor, c: tf.Tensor): [tf.Tensor, tf.Tensor] => {
      const [hn, cn] = stateOf(call.step(x, h, c), HAS_CELL_STATE[kind], call.callee);
      return [hn, cn ?? c];
    };
    const xs = Array.from({ length: baselineSteps }, () => Array.from({ length: sizes.E }, () => Math.random() * 2 - 1));
    const zeros = new Array<number>(sizes.H).fill(0);
    t0 = performance.now();
    const onePass = probeNorms(step as never, xs, zeros, zeros);
    const onePassSeconds = seconds(t0);
    t0 = performance.now();
    const perStep = perStepNorms(step, xs, zeros, zeros);
    const perStepSeconds = seconds(t0);
    const diff = Math.max(...perStep.map((n, t) => Math.abs((onePass[t] ?? Number.NaN) - n) / Math.max(n, 1e-12)));
    const t = result.timings;
    console.log(
      `${cell.name.padEnd(18)}${result.verdict.padEnd(10)}${total.toFixed(2).padEnd(17)}${(t['check'] ?? 0).toFixed(2).padEnd(11)}${(t['probe'] ?? 0).toFixed(2).padEnd(11)}| ${onePassSeconds.toFixed(2).padEnd(30)}${perStepSeconds.toFixed(2).padEnd(14)}${(perStepSeconds / onePassSeconds).toFixed(1).padEnd(7)}${diff.toExponential(1).padEnd(15)}${onePass[0]?.toExponential(2)}, ${onePass[onePass.length - 1]?.toExponential(2)}`,
    );
  }
  console.log(`\nload average after: ${os.loadavg()[0]!.toFixed(1)}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exitCode = 1;
});
