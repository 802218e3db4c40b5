// Prints how long `check` + probe of the user's own cell takes at the notebook's size
// (probe H=125, E=50, 100 steps; check over 100 steps) once the Python child is warm, beside
// the first (cold) call of the same run, which also starts Python and imports torch.
// Usage: npx tsx scripts/bench-check.ts [--python PATH] [--repeat N]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { planNotebook, planPythonFile, type CellPlan } from '../src/python/check';
import { PythonClient } from '../src/python/client';
import { findPython } from '../src/python/interpreter';

const root = path.resolve(__dirname, '..');
const seed = path.resolve(root, '../shared/seed/lstm_from_scratch.ipynb');
const fixture = path.join(root, 'test/fixtures/user-cells/torch_modules.py');

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k === -1 ? undefined : process.argv[k + 1];
}

function plans(): CellPlan[] {
  const options = { steps: 100, probeSteps: 100, probe: true, probeSize: { E: 50, H: 125, B: 1 } };
  if (fs.existsSync(seed)) return planNotebook(fs.readFileSync(seed, 'utf8'), options).filter((p) => ['NaiveLSTM', 'OptimizedLSTM', 'SimpleRNN', 'lstm_step'].includes(p.cell.name));
  return planPythonFile(fixture, fs.readFileSync(fixture, 'utf8'), options).filter((p) => ['PerGateLSTM', 'FusedLSTM', 'TanhRNN'].includes(p.cell.name));
}

async function main(): Promise<void> {
  const explicit = arg('python');
  const python = await findPython(explicit ? { explicit: { path: explicit, source: 'cli' } } : {});
  if (!python.torch) throw new Error(`${python.path} cannot import torch: install python3-torch or pass --python.`);
  const repeat = Number(arg('repeat') ?? 3);
  const client = new PythonClient({ python: python.path });
  const cells = plans();
  console.log(`Python ${python.version} (${python.path}), torch ${python.torch}; check 100 steps at E=10 H=16, probe 100 steps at E=50 H=125 B=1`);
  let t0 = performance.now();
  await client.check(cells[0].input);
  const cold = (performance.now() - t0) / 1000;
  console.log(`cold first call (${cells[0].cell.name}, starts Python and imports torch): ${cold.toFixed(2)} s`);
  console.log('\ncell            series  warm median (s)  check (s)  probe (s)  verdict');
  for (const plan of cells) {
    const times: number[] = [];
    let last;
    for (let k = 0; k < repeat; k++) {
      t0 = performance.now();
      last = await client.check(plan.input);
      times.push((performance.now() - t0) / 1000);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const series = last?.probe && 'series' in last.probe ? last.probe.series.length : 0;
    const check = (last?.timings['check'] ?? 0) + (last?.timings['checkNoForget'] ?? 0);
    console.log(
      `${plan.cell.name.padEnd(16)}${String(series).padEnd(8)}${median.toFixed(2).padEnd(17)}${check.toFixed(2).padEnd(11)}${(last?.timings['probe'] ?? 0).toFixed(2).padEnd(11)}${last?.verdict}`,
    );
  }
  client.dispose();
  console.log(`\nwarm vs cold: the warm child saves the ${cold.toFixed(1)} s start of each call.`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
