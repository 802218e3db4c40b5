// Times `lstm-lab probe` (the notebook's five series at its size: batch 32, 100 steps, E 50,
// H 125, on Brown) as a user runs it: the five series (the sum of the seconds each series
// reports) and the whole command (wall time of the process: start-up, corpus, series, output),
// with the load average beside each run. With --baseline REV it builds REV's tree in a
// temporary folder and alternates runs of both, so both see the same machine load, and prints
// the medians and their ratio. Under load, compare the ratios (and the CPU seconds), not the
// absolute times.
// Usage: node scripts/bench-probe.mjs [--runs N (default 3)] [--baseline REV]
// Needs dist/cli.js built from this tree (npm run build).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const valueOf = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const runs = Number(valueOf('--runs') ?? 3);
const baselineRev = valueOf('--baseline');

/** REV's tree in a temporary folder, built (its node_modules is this checkout's). */
function buildAt(rev) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-probe-'));
  execFileSync('sh', ['-c', `git -C "${root}" archive "${rev}" | tar -x -C "${dir}"`], { stdio: 'inherit' });
  fs.symlinkSync(fs.realpathSync(path.join(root, 'node_modules')), path.join(dir, 'node_modules'));
  execFileSync('node', ['scripts/build.mjs'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

const load = () => os.loadavg()[0].toFixed(1);

const TIME = '/usr/bin/time';

/**
 * One `lstm-lab probe --json` in `dir`: the five series' seconds, the command's wall time and,
 * where /usr/bin/time exists, its CPU time (user + system, every thread: less noisy under load).
 */
function timeProbe(dir) {
  const loadBefore = load();
  const cpuFile = path.join(os.tmpdir(), `bench-probe-cpu-${process.pid}`);
  const command = ['node', path.join(dir, 'dist/cli.js'), 'probe', '--json', '--quiet'];
  const [program, ...rest] = fs.existsSync(TIME) ? [TIME, '-f', '%U %S', '-o', cpuFile, ...command] : command;
  const started = process.hrtime.bigint();
  const child = spawnSync(program, rest, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) throw new Error(`lstm-lab probe in ${dir} failed (${child.status}): ${child.stderr}`);
  const cpu = fs.existsSync(cpuFile)
    ? fs
        .readFileSync(cpuFile, 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number)
        .reduce((sum, s) => sum + s, 0)
    : NaN;
  fs.rmSync(cpuFile, { force: true });
  const series = JSON.parse(child.stdout).series.map((s) => s.seconds);
  return { series, five: series.reduce((sum, s) => sum + s, 0), wall, cpu, load: `${loadBefore}→${load()}` };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function report(label, times) {
  for (const t of times) {
    console.log(
      `  ${label.padEnd(9)} five series ${t.five.toFixed(2)} s (${t.series.map((s) => s.toFixed(2)).join(' + ')}), whole command ${t.wall.toFixed(2)} s (${t.cpu.toFixed(2)} CPU s), load ${t.load}`,
    );
  }
}

function main() {
  if (!fs.existsSync(path.join(root, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run npm run build first.');
  console.log(`lstm-lab probe (five series, batch 32, 100 steps, E 50, H 125), ${runs} run(s) each; ${os.cpus().length} cores, load ${load()}`);
  const baselineDir = baselineRev ? buildAt(baselineRev) : undefined;
  const current = [];
  const baseline = [];
  try {
    for (let k = 0; k < runs; k++) {
      if (baselineDir) baseline.push(timeProbe(baselineDir));
      current.push(timeProbe(root));
    }
  } finally {
    if (baselineDir) fs.rmSync(baselineDir, { recursive: true, force: true });
  }
  if (baselineDir) report(baselineRev, baseline);
  report('this tree', current);
  const five = median(current.map((t) => t.five));
  const wall = median(current.map((t) => t.wall));
  const cpu = median(current.map((t) => t.cpu));
  console.log(`median: five series ${five.toFixed(2)} s, whole command ${wall.toFixed(2)} s, ${cpu.toFixed(2)} CPU s (this tree)`);
  if (baselineDir) {
    const baseFive = median(baseline.map((t) => t.five));
    const baseWall = median(baseline.map((t) => t.wall));
    const baseCpu = median(baseline.map((t) => t.cpu));
    console.log(`median: five series ${baseFive.toFixed(2)} s, whole command ${baseWall.toFixed(2)} s, ${baseCpu.toFixed(2)} CPU s (${baselineRev})`);
    console.log(`ratio this tree / ${baselineRev}: five series ${(five / baseFive).toFixed(2)}×, whole command ${(wall / baseWall).toFixed(2)}×, CPU ${(cpu / baseCpu).toFixed(2)}×`);
  }
}

main();
