// Times fast-lstm's language-model kernel (src/engine/kernels/c/lstm_lm.c + simd.h) at a git
// revision against the working tree, in one process, alternating runs so that both see the
// same machine load: CPU ms per batch (one thread, the notebook's size) and per phase, and the ratio.
// Usage: node scripts/kernel-ab.mjs [REV (default HEAD)] [--batches N (default 4)] [--batch B (default 32)]
// Needs clang + lld (scripts/vscode/ensure-deps.sh). Built with -DLM_PROFILE: the kernel calls
// env.mark(phase) between phases.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLANG_FLAGS } from './build-kernels.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const rev = args[0] && !args[0].startsWith('--') ? args[0] : 'HEAD';
const batches = option('--batches', 4);
const [B, T, E, H, V] = [option('--batch', 32), 500, 50, 125, 60];
const PHASES = ['', 'embedding + input product', 'forward steps', 'logits', 'softmax', 'output layer back', 'backward steps', 'd W_hh', 'd W_ih', 'd embedding'];

/** Compiles lstm_lm.c with the sources in `dir` (lstm_lm.c, simd.h when it exists). */
function compile(dir) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-ab-')), 'kernel.wasm');
  execFileSync('clang', [...CLANG_FLAGS.filter((f) => f !== '-Werror'), '-DLM_PROFILE', '-o', out, path.join(dir, 'lstm_lm.c')], { stdio: ['ignore', 'inherit', 'inherit'] });
  return fs.readFileSync(out);
}

function sourcesAt(revision) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-ab-'));
  for (const file of ['lstm_lm.c', 'simd.h']) {
    try {
      fs.writeFileSync(path.join(dir, file), execFileSync('git', ['-C', root, 'show', `${revision}:src/engine/kernels/c/${file}`], { stdio: ['ignore', 'pipe', 'ignore'] }));
    } catch {
      if (file === 'lstm_lm.c') throw new Error(`no src/engine/kernels/c/lstm_lm.c at ${revision}`);
    }
  }
  return dir;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function instance(label, wasm) {
  let last = 0;
  const phases = new Float64Array(PHASES.length);
  const mark = (phase) => {
    const now = cpuMs();
    phases[phase] += now - last;
    last = now;
  };
  const x = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { log: Math.log, mark } }).exports;
  if (x.lm_configure(B, T, E, H, V, 1) !== 0) throw new Error('out of memory');
  const count = V * E + E * 4 * H + H * 4 * H + 4 * H + H * V + V;
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const params = new Float32Array(x.memory.buffer, x.lm_params(), count);
  for (let k = 0; k < count; k++) params[k] = (random() - 0.5) * 0.2;
  const ids = new Int32Array(x.memory.buffer, x.lm_ids(), B * T);
  const targets = new Int32Array(x.memory.buffer, x.lm_targets(), B * T);
  for (let k = 0; k < B * T; k++) [ids[k], targets[k]] = [1 + Math.floor(random() * (V - 1)), 1 + Math.floor(random() * (V - 1))];
  const state = { label, phases, cpu: 0, wall: 0, loss: 0 };
  state.run = () => {
    const wall = performance.now();
    last = cpuMs();
    const start = last;
    state.loss = x.lm_run(1 / (B * T), 1);
    state.cpu += cpuMs() - start;
    state.wall += performance.now() - wall;
  };
  return state;
}

const kernels = [instance(`${rev}`, compile(sourcesAt(rev))), instance('working tree', compile(path.join(root, 'src/engine/kernels/c')))];
for (const k of kernels) k.run(); // V8 runs a wasm function's optimised code from its next call on
for (const k of kernels) (Object.assign(k, { cpu: 0, wall: 0 }), k.phases.fill(0));
for (let n = 0; n < batches; n++) for (const k of kernels) k.run();
console.log(`fast-lstm kernel, one thread, B=${B} T=${T} E=${E} H=${H} V=${V}, ${batches} batches each, alternating; load ${os.loadavg()[0].toFixed(1)}`);
for (const k of kernels) {
  console.log(`  ${k.label}: ${(k.cpu / batches).toFixed(0)} CPU ms/batch (${(k.wall / batches).toFixed(0)} ms wall), loss ${k.loss.toFixed(4)}`);
  console.log(
    `    ${PHASES.map((name, p) => (name ? `${name} ${(k.phases[p] / batches).toFixed(0)}` : ''))
      .filter(Boolean)
      .join(' · ')}`,
  );
}
console.log(`working tree vs ${rev}: ${(kernels[1].cpu / kernels[0].cpu).toFixed(2)}× the CPU time`);
