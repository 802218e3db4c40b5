#!/usr/bin/env node
// A window reload in the middle of a training run, in a real VS Code (code-server in headless
// Chromium), the way a user does it: LSTM Lab: Train Model (first cell, Brown, Quick) from
// the command palette, wait until it trains, Developer: Reload Window, open the panel. Then
// the run file the extension stored must say `interrupted`, with the batches trained before
// the reload. The integration suites cannot do this themselves: the reload ends the
// extension host they run in. Exits 0 when the run came back interrupted with its batches.
//
// Usage: node scripts/vscode/reload-check.mjs [--shot FILE]   (screenshot of the panel after the reload)
// Prerequisites: node scripts/build.mjs; node scripts/vscode/install-code-server.mjs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.mjs';

const shotIndex = process.argv.indexOf('--shot');
const shot = shotIndex > 0 ? path.resolve(process.argv[shotIndex + 1]) : path.join(fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'reload-check-')), 'after-reload.png');

const steps = [
  '--command',
  'LSTM Lab: Train Model',
  '--keys',
  'Enter', // the first cell kind
  '--keys',
  'Enter', // Brown
  '--keys',
  'Enter', // Quick
  '--wait',
  '9000', // a few batches on one wasm thread
  '--command',
  'Developer: Reload Window',
  '--wait',
  '20000', // the workbench and the extension come back
  '--command',
  'LSTM Lab: Show Panel',
  '--wait',
  '4000',
  '--shot',
  shot,
];
const result = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/vscode/screenshot.mjs'), '--keep', ...steps], { encoding: 'utf8', timeout: 300_000 });
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
const kept = /kept run folder (\S+)/.exec(result.stdout + result.stderr)?.[1];
let ok = false;
try {
  if (result.status !== 0 || !kept) throw new Error(`the VS Code session failed (exit ${result.status})`);
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/lstm-lab\.lstm-lab[\\/]runs[\\/][^\\/]+\.json$/.test(full)) files.push(full);
    }
  };
  walk(path.join(kept, 'user-data'));
  if (files.length !== 1) throw new Error(`expected one stored run, found ${files.length}`);
  const run = JSON.parse(fs.readFileSync(files[0], 'utf8'));
  console.log(`reload-check: after the reload the run is "${run.status}" with ${run.batches.length} batches: ${run.reason ?? ''}`);
  if (run.status !== 'interrupted') throw new Error(`the run came back ${run.status}, not interrupted`);
  if (run.batches.length < 1) throw new Error('the batches trained before the reload were lost');
  ok = true;
} catch (error) {
  console.error(`reload-check: FAILED: ${error.message}`);
} finally {
  if (kept) fs.rmSync(kept, { recursive: true, force: true });
}
console.log(`reload-check: ${ok ? 'passed' : 'failed'} (panel screenshot: ${shot})`);
process.exitCode = ok ? 0 : 1;
