// Run only by the packaging check (`node scripts/vscode/run-tests.mjs --vsix FILE`, which
// sets LSTM_LAB_TEST_FILES=activation,vsix): the extension VS Code loaded is the one the
// VSIX installed, and it carries what it needs at runtime (nothing is fetched).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/shared/protocol';

const EXTENSION_ID = 'lstm-lab.lstm-lab';

describe('vsix', () => {
  it('the extension comes from the installed VSIX, not the source tree', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `extension ${EXTENSION_ID} is not installed`);
    const extensionsDir = process.env.LSTM_LAB_EXPECT_EXTENSIONS_DIR;
    assert.ok(extensionsDir, 'LSTM_LAB_EXPECT_EXTENSIONS_DIR is not set: run this suite through run-tests.mjs --vsix');
    const relative = path.relative(fs.realpathSync(extensionsDir), fs.realpathSync(extension.extensionPath));
    assert.ok(!relative.startsWith('..') && !path.isAbsolute(relative), `extension loaded from ${extension.extensionPath}, outside ${extensionsDir}`);
  });

  it('carries its runtime files and nothing from the source tree', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const root = extension.extensionPath;
    const has = (p: string) => fs.existsSync(path.join(root, p));
    // vsce stores the licence as LICENSE.txt.
    assert.ok(has('LICENSE') || has('LICENSE.txt'), 'no LICENSE in the installed VSIX');
    const required = ['package.json', 'dist/extension.js', 'dist/corpus/brown.tagged.txt', 'dist/webview/katex.min.css'];
    // Bundles whose sources exist in the repository must be in the VSIX too.
    const repoRoot = process.env.LSTM_LAB_REPO_ROOT;
    const bundleSources: Record<string, string> = { 'dist/worker.js': 'src/worker/main.ts', 'dist/cli.js': 'src/cli/main.ts', 'dist/webview/webview.js': 'webview/main.ts' };
    for (const [bundle, source] of Object.entries(bundleSources)) {
      if (repoRoot && fs.existsSync(path.join(repoRoot, source))) required.push(bundle);
    }
    const missing = required.filter((p) => !has(p));
    assert.deepEqual(missing, [], `missing from the installed VSIX: ${missing.join(', ')}`);
    const wasm = fs.readdirSync(path.join(root, 'dist/wasm')).filter((n) => n.endsWith('.wasm'));
    assert.ok(wasm.length >= 1, 'no TF.js wasm binaries in dist/wasm');
    for (const unwanted of ['src', 'test', 'node_modules', 'scripts']) assert.ok(!has(unwanted), `the VSIX carries ${unwanted}/, which it should not`);
  });

  it('a Quick probe runs in the worker the VSIX carries', async function () {
    this.timeout(180_000);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const run = await vscode.commands.executeCommand<RunRecord>('lstmLab.probe', { steps: 4 });
    assert.equal(run.status, 'done', `probe ${run.status}: ${run.reason ?? ''}`);
    assert.equal(run.probeSeries.length, 5, "the notebook's five series");
    for (const series of run.probeSeries) {
      assert.equal(series.norms.length, 4, series.name);
      assert.ok(
        series.norms.every((n) => Number.isFinite(n) && n >= 0),
        `${series.name}: ${series.norms.join(', ')}`,
      );
    }
    // The process that computed it is the installed copy's worker, not the source tree's.
    const pid = await vscode.commands.executeCommand<number | undefined>('lstmLab._workerPid');
    assert.ok(typeof pid === 'number', 'no worker process');
    const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const workerScript = commandLine.find((arg) => arg.endsWith('worker.js'));
    assert.ok(workerScript, `worker command line has no worker.js: ${commandLine.join(' ')}`);
    assert.equal(fs.realpathSync(path.dirname(workerScript)), fs.realpathSync(path.join(extension.extensionPath, 'dist')));
  });
});
