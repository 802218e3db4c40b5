// A newcomer's first ten minutes, in a real VS Code: the Getting Started walkthrough is
// contributed with steps whose buttons name commands that exist and whose images ship; the
// tutorial notebook opens (copied into the workspace, never over a file that differs; or
// untitled) with the lenses on each of its four recurrent cells; each step is ticked by the real
// event; and the charts open in an editor tab that gets the runs, and comes back after a reload
// through the same restore path VS Code's serializer calls.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import * as vscode from 'vscode';
import type { ChartsEditor } from '../../src/host/charts-editor';
import type { ChartExport, PanelProvider } from '../../src/host/panel';
import type { OpenedTutorial } from '../../src/host/tutorial';
import { WALKTHROUGH_CONTEXT, type WalkthroughMilestone } from '../../src/host/walkthrough';
import type { RunRecord } from '../../src/shared/protocol';

const EXTENSION_ID = 'lstm-lab.lstm-lab';
const TINY = { preset: 'quick', corpus: { kind: 'brown' }, seqLen: 30, hiddenSize: 24, embeddingSize: 12, batchSize: 8, maxBatches: 3 } as const;

interface Api {
  panel: PanelProvider;
  chartsEditor: ChartsEditor;
  walkthrough: () => WalkthroughMilestone[];
}
interface Step {
  id: string;
  title: string;
  description: string;
  media: { image?: Record<string, string>; markdown?: string; altText?: string };
  completionEvents?: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const workspaceFile = (name: string) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name);

async function until<T>(what: string, read: () => Thenable<T> | T, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(value)?.slice(0, 300)} after ${timeoutMs} ms`);
    await sleep(100);
    value = await read();
  }
  return value;
}

/**
 * Runs a command, failing with its name when it does not settle in time (rather than at the suite's timeout).
 * Why 120 s: in code-server + headless Chromium, showing a notebook a second or more after the last
 * notebook editor closed takes 28–31 s whatever the notebook (measured: showNotebookDocument alone,
 * the extension host idle throughout, the file copy and detection a few ms). The workbench creates
 * the notebook's webview anew, and 30 s is its webview service worker's resource timeout: most
 * likely a lost resource request waited out. Not LSTM Lab's work; on a loaded machine it reached 60 s.
 */
async function run<T>(id: string, ...args: unknown[]): Promise<T> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${id} ${JSON.stringify(args)} did not settle within 120 s`)), 120_000)));
  try {
    return await Promise.race([vscode.commands.executeCommand<T>(id, ...args), hung]);
  } finally {
    clearTimeout(timer);
    if (Date.now() - t0 > 5000) console.log(`      (${id} took ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

/** LSTM Lab's lenses on one notebook cell, polled briefly (the provider registers on activation). */
async function lensTitles(notebook: vscode.NotebookDocument, cell: vscode.NotebookCell): Promise<string[]> {
  // The provider command needs the cell's editor: the notebook editor creates it when the cell is shown.
  const editor = await vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(cell.index, cell.index + 1)] });
  editor.revealRange(new vscode.NotebookRange(cell.index, cell.index + 1), vscode.NotebookEditorRevealType.InCenter);
  const uri = cell.document.uri;
  await vscode.workspace.openTextDocument(uri);
  for (let attempt = 0; ; attempt++) {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const ours = lenses.filter((l) => l.command?.command.startsWith('lstmLab.')).map((l) => l.command!.title);
    if (ours.length || attempt >= 10) return ours;
    await sleep(200);
  }
}

/** What the command did to the folder (whether the notebook editor had appeared yet is the workbench's business). */
const fileResult = ({ uri, created }: OpenedTutorial) => ({ uri, created });

const isChartsTab = (tab: vscode.Tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('lstmLab.charts');

function removeTutorialCopies(): void {
  for (const name of fs.readdirSync(vscode.workspace.workspaceFolders![0].uri.fsPath)) {
    if (/^lstm-lab-tutorial(-\d+)?\.ipynb$/.test(name)) fs.rmSync(workspaceFile(name).fsPath);
  }
}

describe('first run: walkthrough, tutorial notebook, charts in the editor', function () {
  this.timeout(240_000);
  let extension: vscode.Extension<Api>;
  let api: Api;
  let trained: RunRecord;

  before(async () => {
    const found = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(found, 'extension not found');
    extension = found;
    api = await extension.activate();
    removeTutorialCopies();
  });

  after(async () => {
    await run('workbench.action.closeAllEditors');
    removeTutorialCopies();
  });

  it('contributes a walkthrough whose buttons run commands that exist, with images that ship and real completion events', async () => {
    const walkthroughs = extension.packageJSON.contributes.walkthroughs as { id: string; steps: Step[] }[];
    assert.equal(walkthroughs.length, 1);
    const steps = walkthroughs[0]!.steps;
    assert.ok(steps.length >= 4 && steps.length <= 6, `${steps.length} steps`);
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const step of steps) {
      const buttons = [...step.description.matchAll(/\]\(command:([\w.]+)/g)].map((m) => m[1]!);
      assert.equal(buttons.length, 1, `${step.id}: one button`);
      for (const id of buttons) assert.ok(commands.has(id), `${step.id}: its button runs ${id}, which is not registered`);
      const images = Object.values(step.media.image ?? {});
      assert.ok(images.length > 0 || step.media.markdown, `${step.id}: an image or text`);
      for (const image of images) assert.ok(fs.existsSync(vscode.Uri.joinPath(extension.extensionUri, image).fsPath), `${step.id}: ${image} is not in the extension`);
      assert.ok(step.media.altText, `${step.id}: alt text`);
      assert.ok(step.completionEvents?.length, `${step.id}: completion events`);
      for (const event of step.completionEvents!) {
        const [kind, name] = event.split(':') as [string, string];
        if (kind === 'onCommand') assert.ok(commands.has(name), `${step.id}: completes on ${name}, not registered`);
        else assert.ok(kind === 'onContext' && (Object.values(WALKTHROUGH_CONTEXT) as string[]).includes(name), `${step.id}: ${event} is no context key the extension sets`);
      }
    }
    // The workbench opens it (an unknown id would fail or open nothing).
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#${walkthroughs[0]!.id}`, false);
    await until(
      'a Welcome tab',
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label),
      (labels) => labels.some((l) => /welcome|walkthrough|LSTM Lab/i.test(l)),
    );
    await run('workbench.action.closeAllEditors');
  });

  it('Open Tutorial Notebook writes a copy into the workspace and opens it with lenses on all four recurrent cells', async () => {
    const opened = await run<OpenedTutorial>('lstmLab.openTutorial', {});
    assert.equal(opened.created, true);
    assert.equal(opened.uri, workspaceFile('lstm-lab-tutorial.ipynb').toString());
    assert.ok(api.walkthrough().includes('tutorialOpened'), 'the first step is ticked');
    const shipped = fs.readFileSync(vscode.Uri.joinPath(extension.extensionUri, 'media/tutorial/lstm-lab-tutorial.ipynb').fsPath);
    assert.deepEqual(fs.readFileSync(workspaceFile('lstm-lab-tutorial.ipynb').fsPath), shipped, 'the copy is the shipped notebook');
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    assert.equal(notebook?.uri.toString(), opened.uri, 'the notebook editor shows it');
    const withLenses: string[] = [];
    for (const cell of notebook!.getCells()) {
      if (cell.kind !== vscode.NotebookCellKind.Code) continue;
      const titles = await lensTitles(notebook!, cell);
      if (titles.length === 0) continue;
      assert.equal(titles.length, 3, titles.join(' | '));
      assert.match(titles[1]!, /Train/);
      assert.match(titles[2]!, /Equations/);
      // "Probe … — <what will run>": the part after the dash says what LSTM Lab recognised.
      withLenses.push(titles[0]!.replace(/^.*— /, ''));
    }
    assert.deepEqual(withLenses, ['LSTM, per-gate weights', 'LSTM, fused weights', 'simple RNN', 'LSTM, per-gate weights, optional forget gate']);
  });

  it('never overwrites: the same file is reopened; a changed one is kept, opened or copied beside it', async () => {
    const again = await run<OpenedTutorial>('lstmLab.openTutorial', {});
    assert.deepEqual(fileResult(again), { uri: workspaceFile('lstm-lab-tutorial.ipynb').toString(), created: false });
    await run('workbench.action.closeAllEditors');
    const mine = fs.readFileSync(workspaceFile('lstm-lab-tutorial.ipynb').fsPath, 'utf8').replace('four recurrent cells', 'MY OWN NOTES');
    fs.writeFileSync(workspaceFile('lstm-lab-tutorial.ipynb').fsPath, mine);
    const kept = await run<OpenedTutorial>('lstmLab.openTutorial', { ifExists: 'open' });
    assert.deepEqual(fileResult(kept), { uri: workspaceFile('lstm-lab-tutorial.ipynb').toString(), created: false });
    const copy = await run<OpenedTutorial>('lstmLab.openTutorial', { ifExists: 'copy' });
    assert.deepEqual(fileResult(copy), { uri: workspaceFile('lstm-lab-tutorial-2.ipynb').toString(), created: true });
    assert.equal(fs.readFileSync(workspaceFile('lstm-lab-tutorial.ipynb').fsPath, 'utf8'), mine, 'the edited file is untouched');
    // The copy stays open: in code-server a notebook shown again a second or more after the last
    // notebook editor closed waits ~30 s for its webview (see \`run\`), which the next test would pay.
  });

  it("the probe and equations steps' buttons open the tutorial at their class, the cursor on its time loop; equations shown", async () => {
    const steps = (extension.packageJSON.contributes.walkthroughs as { steps: Step[] }[])[0]!.steps;
    for (const id of ['probeFromLens', 'equations']) {
      const link = /\]\(command:lstmLab\.openTutorial\?([^)]+)\)/.exec(steps.find((s) => s.id === id)!.description);
      assert.ok(link, `${id}: its button opens the tutorial at a cell`);
      const args = JSON.parse(decodeURIComponent(link[1]!)) as { cell: string; equations?: boolean; interactive?: boolean };
      // As the button does, minus the questions (the file is there and may differ: keep and open it).
      const opened = await run<OpenedTutorial>('lstmLab.openTutorial', { ...args, interactive: false });
      assert.ok(opened.cellUri, `${id}: found ${args.cell}`);
      const editor = await until(
        'the cell editor active',
        () => vscode.window.activeTextEditor,
        (e) => e?.document.uri.toString() === opened.cellUri,
      );
      assert.match(editor!.document.getText(), new RegExp(`^class ${args.cell}\\b`, 'm'));
      assert.match(editor!.document.lineAt(editor!.selection.active.line).text, /^\s*for t in\b/);
      if (args.equations) {
        const sync = await vscode.commands.executeCommand<{ equations?: { title: string } }>('lstmLab._gateSync');
        assert.match(sync?.equations?.title ?? '', new RegExp(args.cell), 'the panel shows its equations');
      }
    }
    await run('workbench.action.closeAllEditors');
  });

  it('without a folder it opens an untitled notebook with the same cells and lenses, writing nothing', async () => {
    const before = fs.readdirSync(vscode.workspace.workspaceFolders![0].uri.fsPath).sort();
    const opened = await run<OpenedTutorial>('lstmLab.openTutorial', { folder: null });
    assert.equal(opened.created, false);
    assert.equal(vscode.Uri.parse(opened.uri).scheme, 'untitled');
    const notebook = vscode.window.activeNotebookEditor!.notebook;
    const shipped = JSON.parse(fs.readFileSync(vscode.Uri.joinPath(extension.extensionUri, 'media/tutorial/lstm-lab-tutorial.ipynb').fsPath, 'utf8'));
    assert.equal(notebook.cellCount, shipped.cells.length);
    const rnnCell = notebook.getCells().find((c) => c.document.getText().includes('class TanhRNN'))!;
    assert.equal(rnnCell.document.languageId, 'python');
    assert.match((await lensTitles(notebook, rnnCell))[0] ?? '', /Probe.* — simple RNN$/);
    assert.deepEqual(fs.readdirSync(vscode.workspace.workspaceFolders![0].uri.fsPath).sort(), before);
    await run('workbench.action.revertAndCloseActiveEditor');
  });

  it('the charts open in an editor tab that receives a run as it trains', async () => {
    await vscode.commands.executeCommand('lstmLab.openChartsInEditor');
    assert.ok(api.chartsEditor.isOpen);
    const tabs = await until(
      'a webview tab of type lstmLab.charts',
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs),
      (all) => all.some(isChartsTab),
    );
    const tab = tabs.find(isChartsTab)!;
    assert.equal(tab.label, 'LSTM Lab Charts');
    trained = await vscode.commands.executeCommand<RunRecord>('lstmLab.train', { ...TINY, cell: 'fused-lstm' });
    assert.equal(trained.status, 'done', trained.reason);
    // 120 s, not 30: in one full CI run the tab's webview was not ready within 30 s (1.8 s in every
    // other run). Not reproduced; most likely code-server's slow webview loading noted at run() above.
    const exported: ChartExport = await api.panel.requestChartExport(trained.id, 120_000, 'editor');
    assert.deepEqual(
      exported.images.map((i) => i.name).filter((n) => n === 'loss.png'),
      ['loss.png'],
      'the editor tab draws the run it was sent',
    );
  });

  it('a charts tab restored after a reload (the serializer path) shows the runs again', async () => {
    await run('workbench.action.closeAllEditors');
    await until(
      'the tab closed',
      () => api.chartsEditor.isOpen,
      (open) => !open,
    );
    // What VS Code does on a reload: a fresh webview panel of the type, handed to the serializer.
    const panel = vscode.window.createWebviewPanel('lstmLab.charts', 'restored', vscode.ViewColumn.One, {});
    api.chartsEditor.restore(panel);
    assert.equal(panel.title, 'LSTM Lab Charts');
    const exported = await api.panel.requestChartExport(trained.id, 30_000, 'editor');
    assert.ok(
      exported.images.some((i) => i.name === 'loss.png'),
      'the restored tab has the run',
    );
    // Opening again reveals the same tab rather than a second one.
    await vscode.commands.executeCommand('lstmLab.openChartsInEditor');
    assert.equal(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter(isChartsTab).length, 1);
  });

  it("each walkthrough step is ticked by the real event: a finished training run, a finished probe, a lit gate, an inspection, a check of the user's own code", async () => {
    assert.ok(api.walkthrough().includes('trained'), `after the training run: ${api.walkthrough().join(', ')}`);
    assert.ok(!api.walkthrough().includes('inspected'), 'nothing was inspected yet');
    const probe = await vscode.commands.executeCommand<RunRecord>('lstmLab.probe', { steps: 5, series: [{ name: 'rnn', cell: 'simple-rnn', forgetGate: false, forgetBias: 0 }] });
    assert.equal(probe.status, 'done', probe.reason);
    assert.ok(api.walkthrough().includes('probed'));

    await run('lstmLab.openTutorial', {});
    const notebook = vscode.window.activeNotebookEditor!.notebook;
    const index = notebook.getCells().findIndex((c) => c.document.getText().includes('class GateByGateLSTM'));
    const cell = notebook.cellAt(index);
    const fLine =
      cell.document
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('f_t = torch.sigmoid')) + 1;
    const editorOf = () => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === cell.document.uri.toString());
    await vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(index, index + 1)] });
    const editor = await until('the cell editor', editorOf, (e) => e !== undefined);
    editor!.selection = new vscode.Selection(fLine - 1, 8, fLine - 1, 8);
    await until(
      'the lit gate',
      () => api.walkthrough(),
      (done) => done.includes('gateHighlighted'),
    );

    await vscode.commands.executeCommand('lstmLab.inspectSelection', { text: 'the forget gate', runId: trained.id });
    assert.ok(api.walkthrough().includes('inspected'));

    // The last step: a check of the tutorial's TanhRNN as shipped (Debian's Python with torch, as in the user-code suite) ticks only the probe step; changed to sigmoid, its check ticks "Check your own cell".
    assert.ok(!api.walkthrough().includes('checked'), 'nothing was checked yet');
    const rnnCell = notebook.getCells().find((c) => c.document.getText().includes('class TanhRNN'))!;
    const check = () => run<{ result: { verdict: string } }>('lstmLab.checkCell', { uri: rnnCell.document.uri.toString(), cell: 'TanhRNN', line: 1, interactive: false });
    await vscode.workspace.getConfiguration('lstmLab').update('pythonPath', '/usr/bin/python3', vscode.ConfigurationTarget.Global);
    try {
      assert.equal((await check()).result.verdict, 'matches');
      await sleep(1500);
      assert.ok(!api.walkthrough().includes('checked'), `the tutorial's own TanhRNN is not the user's cell: ${api.walkthrough().join(', ')}`);
      const tanhLine = rnnCell.document
        .getText()
        .split('\n')
        .findIndex((l) => l.includes('h = torch.tanh('));
      const column = rnnCell.document.lineAt(tanhLine).text.indexOf('tanh');
      const edit = new vscode.WorkspaceEdit();
      edit.replace(rnnCell.document.uri, new vscode.Range(tanhLine, column, tanhLine, column + 'tanh'.length), 'sigmoid');
      assert.ok(await vscode.workspace.applyEdit(edit));
      await notebook.save();
      assert.equal((await check()).result.verdict, 'differs');
    } finally {
      await vscode.workspace.getConfiguration('lstmLab').update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    }
    await until(
      'the last step ticked',
      () => api.walkthrough(),
      (done) => done.includes('checked'),
    );
    assert.ok(api.walkthrough().includes('checked'), `after the check: ${api.walkthrough().join(', ')}`);
  });
});
