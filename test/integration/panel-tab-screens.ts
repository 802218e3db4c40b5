// Driver for scripts/vscode/panel-tab-screenshots.mjs (not a suite: no ".test" in its name).
// Inside a real VS Code it makes the runs a newcomer had when the charts tab's Runs table could
// not tell two checks apart: a Quick training run (its losses and gate saturation) and a shorter
// one of the same lens-named cell (Inspect's run dropdown must tell them apart), two checks
// of one Python cell, and a built-in stand-in probe of a plain-JS lstmStep (three forget
// biases) whose summary sits after the function's header line. Then it opens the charts
// editor tab and, on the script's word (files in $LSTM_LAB_SCREENS_DIR), brings the JS file or
// the tab to the front, hides or shows the side bar and switches the colour theme.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/shared/protocol';

/** The newcomer's hand-written step: plain JS, no TF.js, so the lens runs the built-in stand-in. */
const PLAIN_JS_STEP = `// My first RNN step, written by hand
function sigmoid(x) { return 1 / (1 + Math.exp(-x)); }

export function lstmStep(x, h, c, W) {
  const i = sigmoid(x * W.xi + h * W.hi + W.bi);
  const f = sigmoid(x * W.xf + h * W.hf + W.bf);
  const g = Math.tanh(x * W.xg + h * W.hg + W.bg);
  const o = sigmoid(x * W.xo + h * W.ho + W.bo);
  const cNext = f * c + i * g;
  const hNext = o * Math.tanh(cNext);
  return [hNext, cNext];
}
`;

export async function run(): Promise<void> {
  const dir = process.env.LSTM_LAB_SCREENS_DIR;
  if (!dir) throw new Error('LSTM_LAB_SCREENS_DIR is not set: run scripts/vscode/panel-tab-screenshots.mjs, not this file.');
  const signal = (name: string) => path.join(dir, name);
  const log = (line: string) => fs.appendFileSync(signal('driver.log'), `${new Date().toISOString()} ${line}\n`);
  const folder = vscode.workspace.workspaceFolders![0].uri;
  try {
    const extension = vscode.extensions.getExtension('lstm-lab.lstm-lab');
    if (!extension) throw new Error('LSTM Lab is not loaded');
    await extension.activate();
    await vscode.workspace.getConfiguration('lstmLab').update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('lstmLab.showPanel');

    // Named as a Train lens names its run: the longest names the legend and the cards must fit.
    const trainAsLens = (maxBatches: number) =>
      vscode.commands.executeCommand<RunRecord>('lstmLab.train', {
        preset: 'quick',
        corpus: { kind: 'brown' },
        cell: 'naive-lstm',
        maxBatches,
        name: 'GateByGateLSTM, trained as NaiveLSTM',
        codeCell: { name: 'GateByGateLSTM', role: 'trained-as' },
      });
    const trained = await trainAsLens(12);
    log(`trained ${trained.title}: ${trained.status} ${trained.reason ?? ''}`);
    // The same lens run again, shorter: two runs of one cell that Inspect's run dropdown and the legends must tell apart.
    const again = await trainAsLens(4);
    log(`trained ${again.title} again: ${again.status} ${again.reason ?? ''}`);

    // Two checks of one cell: the same name; the Runs table must still tell them apart.
    const py = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'lstm_cell.py'));
    await vscode.window.showTextDocument(py);
    const classLine =
      py
        .getText()
        .split('\n')
        .findIndex((line) => line.startsWith('class NaiveLSTM')) + 1;
    for (let k = 0; k < 2; k++) {
      const check = await vscode.commands.executeCommand<{ result: { message: string } }>('lstmLab.checkCell', { uri: py.uri.toString(), cell: 'NaiveLSTM', line: classLine, interactive: false });
      log(`checked lstm_cell.py: ${check.result.message}`);
    }

    // The stand-in probe of the plain-JS step (in the workspace's git-ignored .seed folder).
    const jsUri = vscode.Uri.joinPath(folder, '.seed', 'my-rnn.js');
    await vscode.workspace.fs.writeFile(jsUri, new TextEncoder().encode(PLAIN_JS_STEP));
    const js = await vscode.workspace.openTextDocument(jsUri);
    await vscode.window.showTextDocument(js);
    const lenses = await waitForLenses(jsUri);
    const lens = lenses.find((l) => l.command?.command === 'lstmLab.probeCell' || l.command?.command === 'lstmLab.checkCell');
    if (!lens?.command) throw new Error(`no probe lens on my-rnn.js: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    log(`lens: ${lens.command.title}`);
    const [args] = (lens.command.arguments ?? [{}]) as Record<string, unknown>[];
    const probe = await vscode.commands.executeCommand<RunRecord>('lstmLab.probeCell', { ...args, interactive: false, forgetBiases: [1, 0, -1] });
    log(`stand-in probe: ${probe.title}: ${probe.status} ${probe.reason ?? ''}`);
    const summaries = await vscode.commands.executeCommand<{ uri: string; text: string }[]>('lstmLab._inlineSummaries');
    log(`inline: ${summaries.find((s) => s.uri === jsUri.toString())?.text}`);

    await vscode.commands.executeCommand('lstmLab.openChartsInEditor');
    await vscode.window.showTextDocument(js, { viewColumn: vscode.ViewColumn.One });
    fs.writeFileSync(signal('ready'), '');

    // The script's requests, until it is done.
    const until = Date.now() + 20 * 60_000;
    while (!fs.existsSync(signal('done')) && Date.now() < until) {
      for (const request of fs.readdirSync(dir).filter((f) => f.startsWith('do-'))) {
        const what = request.slice(3);
        if (what === 'charts') await vscode.commands.executeCommand('lstmLab.openChartsInEditor');
        else if (what === 'js') await vscode.window.showTextDocument(js, { viewColumn: vscode.ViewColumn.One });
        else if (what === 'toggle-sidebar') await vscode.commands.executeCommand('workbench.action.toggleSidebarVisibility');
        else if (what.startsWith('theme-')) await vscode.workspace.getConfiguration('workbench').update('colorTheme', fs.readFileSync(signal(request), 'utf8'), vscode.ConfigurationTarget.Global);
        log(`did ${what}`);
        fs.unlinkSync(signal(request));
        fs.writeFileSync(signal(`did-${what}`), '');
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } catch (error) {
    log(`failed: ${(error as Error).stack ?? error}`);
    fs.writeFileSync(signal('failed'), String((error as Error).message));
    throw error;
  }
}

async function waitForLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  for (let tries = 0; tries < 40; tries++) {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
    if (lenses.some((l) => l.command?.command.startsWith('lstmLab.'))) return lenses;
    await new Promise((r) => setTimeout(r, 250));
  }
  return [];
}
