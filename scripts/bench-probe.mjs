// Times `lstm-lab probe` (the notebook's five series at its size: batch 32, 100 steps, E 50,
// H 125, on Brown) as a user runs it: the five series (the sum of the seconds each series
// reports) and the whole command (wall time of the process: start-up, corpus, series, output),
// with the load average beside each run. Where /usr/bin/time exists it also gives CPU seconds
// (every thread) and, from a probe of one tiny series run alongside (an RNN with 4 units: the
// same start-up, corpus and threads, next to no sweep), the five series' own CPU seconds: on two free cores their wall time is about half that. With
// --baseline REV it builds REV's tree in a temporary folder and alternates runs of both, so both
// see the same machine load, and prints the medians and their ratio. Under load, compare the
// ratios (and the CPU seconds), not the absolute times.
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
 * One `lstm-lab probe --json` in `dir` (with `extra` arguments): the five series' seconds, the
 * command's wall time and, where /usr/bin/time exists, its CPU time (user + system, every thread).
 */
function timeProbe(dir, extra = []) {
  const loadBefore = load();
  const cpuFile = path.join(os.tmpdir(), `bench-probe-cpu-${process.pid}`);
  const command = ['node', path.join(dir, 'dist/cli.js'), 'probe', '--json', '--quiet', ...extra];
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

/** A full probe and a tiny one (its start-up) in `dir`: the full one's times, and the series' own CPU seconds. */
function timeRound(dir) {
  const full = timeProbe(dir);
  const startup = timeProbe(dir, ['--cell', 'simple-rnn', '--hidden', '4']);
  return { ...full, startupCpu: startup.cpu, seriesCpu: full.cpu - startup.cpu };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function report(label, times) {
  for (const t of times) {
    console.log(
      `  ${label.padEnd(9)} five series ${t.five.toFixed(2)} s (${t.series.map((s) => s.toFixed(2)).join(' + ')}), whole command ${t.wall.toFixed(2)} s (${t.cpu.toFixed(2)} CPU s, of which the five series ${t.seriesCpu.toFixed(2)}), load ${t.load}`,
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
      if (baselineDir) baseline.push(timeRound(baselineDir));
      current.push(timeRound(root));
    }
  } finally {
    if (baselineDir) fs.rmSync(baselineDir, { recursive: true, force: true });
  }
  if (baselineDir) report(baselineRev, baseline);
  report('this tree', current);
  const summary = (times) => ({
    five: median(times.map((t) => t.five)),
    wall: median(times.map((t) => t.wall)),
    cpu: median(times.map((t) => t.cpu)),
    seriesCpu: median(times.map((t) => t.seriesCpu)),
  });
  const line = (m, label) =>
    console.log(
      `median: five series ${m.five.toFixed(2)} s, whole command ${m.wall.toFixed(2)} s; CPU ${m.cpu.toFixed(2)} s, the five series ${m.seriesCpu.toFixed(2)} CPU s (≈ ${(m.seriesCpu / 2).toFixed(2)} s on two free cores) (${label})`,
    );
  const now = summary(current);
  line(now, 'this tree');
  if (baselineDir) {
    const before = summary(baseline);
    line(before, baselineRev);
    const ratio = (key) => (now[key] / before[key]).toFixed(2);
    console.log(`ratio this tree / ${baselineRev}: five series ${ratio('five')}×, whole command ${ratio('wall')}×; CPU ${ratio('cpu')}×, the five series' CPU ${ratio('seriesCpu')}×`);
  }
}

main();
