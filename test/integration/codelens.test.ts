// CodeLens, gate decorations, cursor ↔ equation sync and inline results, in a real VS Code
// on the workspace fixtures: a per-gate LSTM in Python, a fused LSTM step in TypeScript, and
// our notebook fixture opened in the notebook editor. The notebook tests run a second time on
// the seed notebook when it sits beside the repo (../shared/seed/, in CI; absent for users);
// LSTM_LAB_SEED_NOTEBOOK names another path (a missing one runs as a user's checkout would).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/shared/protocol';

const EXTENSION_ID = 'lstm-lab.lstm-lab';

interface LensArgs {
  uri: string;
  cell: string;
  line: number;
  interactive?: boolean;
}
interface SyncState {
  highlight: string | null;
  equations?: { cell: string; title: string; gates: string[] };
  target?: { uri: string; cell: string };
  panelTitle?: string;
}
interface Summary {
  uri: string;
  cell: string;
  line: number;
  text: string;
  hover: string;
  pending: boolean;
}

const workspaceFile = (name: string) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name);

/** A notebook the lens tests open, with the cell index of each thing they look at. */
interface NotebookCase {
  label: string;
  /** Undefined when the notebook is not there: the tests say why and skip. */
  uri: () => vscode.Uri | undefined;
  /** Why it is not there, for the skip message. */
  missing: () => string;
  cells: { lstm: [number, string]; rnn: [number, string]; lstmStep: number; dim: number };
}

function seedNotebookPath(): string {
  if (process.env.LSTM_LAB_SEED_NOTEBOOK) return path.resolve(process.env.LSTM_LAB_SEED_NOTEBOOK);
  // The harness says where the repo is; in development the extension's folder is the repo too.
  const repoRoot = process.env.LSTM_LAB_REPO_ROOT ?? vscode.extensions.getExtension(EXTENSION_ID)!.extensionUri.fsPath;
  return path.resolve(repoRoot, '..', 'shared', 'seed', 'lstm_from_scratch.ipynb');
}

/**
 * The seed notebook, copied (writable) into the workspace's git-ignored `.seed/` folder: opened
 * from its read-only place outside the workspace, the notebook editor left the LSTM Lab panel's
 * webview unable to load in the suites that ran after it (it never posted `ready`).
 */
function seedCopyInWorkspace(): vscode.Uri {
  const copy = workspaceFile('.seed/lstm_from_scratch.ipynb');
  fs.mkdirSync(path.dirname(copy.fsPath), { recursive: true });
  fs.writeFileSync(copy.fsPath, fs.readFileSync(seedNotebookPath()));
  return copy;
}

const NOTEBOOKS: NotebookCase[] = [
  {
    label: 'the fixture notebook',
    uri: () => workspaceFile('lstm_notebook.ipynb'),
    missing: () => 'the fixture notebook is missing',
    cells: { lstm: [9, 'GateByGateLSTM'], rnn: [7, 'ElmanRNN'], lstmStep: 14, dim: 5 },
  },
  {
    label: 'the seed notebook',
    uri: () => (fs.existsSync(seedNotebookPath()) ? seedCopyInWorkspace() : undefined),
    missing: () => `no seed notebook at ${seedNotebookPath()} (it sits beside the repo in CI only)`,
    cells: { lstm: [25, 'NaiveLSTM'], rnn: [47, 'SimpleRNN'], lstmStep: 64, dim: 24 },
  },
];

/** Opens the case's notebook, or skips the test saying why it is not there. */
async function openCase(test: Mocha.Context, notebookCase: NotebookCase): Promise<vscode.NotebookDocument> {
  const uri = notebookCase.uri();
  if (!uri) {
    console.log(`      (skipped: ${notebookCase.missing()})`);
    test.skip();
  }
  return vscode.workspace.openNotebookDocument(uri!);
}

async function ourLenses(uri: vscode.Uri): Promise<{ line: number; title: string; command: string; args: LensArgs }[]> {
  // The provider command needs the document's model: open it first (a no-op when it is open).
  await vscode.workspace.openTextDocument(uri);
  // executeCodeLensProvider resolves lenses; poll briefly since providers register on activation.
  for (let attempt = 0; ; attempt++) {
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const ours = lenses
      .filter((l) => l.command?.command.startsWith('lstmLab.'))
      .map((l) => ({ line: l.range.start.line, title: l.command!.title, command: l.command!.command, args: l.command!.arguments![0] as LensArgs }));
    if (ours.length || attempt >= 10) return ours;
    await sleep(200);
  }
}

/** Runs the file's Train lens as its button does, minus the questions: a Quick run of a tiny network on a short made-up text. */
async function trainFromLens(uri: vscode.Uri, maxBatches: number): Promise<RunRecord> {
  const train = (await ourLenses(uri)).find((l) => l.command === 'lstmLab.trainCell')!;
  const text = 'the quick brown fox jumps over the lazy dog while the cat sleeps in the sun. '.repeat(40);
  return vscode.commands.executeCommand<RunRecord>(train.command, {
    ...train.args,
    interactive: false,
    preset: 'quick',
    corpus: { kind: 'text', text, name: 'fox.txt' },
    hiddenSize: 8,
    embeddingSize: 4,
    batchSize: 4,
    seqLen: 20,
    maxBatches,
  });
}

/** Scrolls the notebook editor to a cell (its editor is created only when it is rendered). */
async function revealCell(notebook: vscode.NotebookDocument, index: number): Promise<vscode.Uri> {
  const editor = await vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(index, index + 1)] });
  editor.revealRange(new vscode.NotebookRange(index, index + 1), vscode.NotebookEditorRevealType.InCenter);
  return notebook.cellAt(index).document.uri;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, read: () => Thenable<T> | T, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(50);
    value = await read();
  }
  return value;
}

const gateSync = () => vscode.commands.executeCommand<SyncState>('lstmLab._gateSync');
const summaries = () => vscode.commands.executeCommand<Summary[]>('lstmLab._inlineSummaries');

async function placeCursor(editor: vscode.TextEditor, line: number): Promise<void> {
  editor.selection = new vscode.Selection(line - 1, 4, line - 1, 4);
}

describe('codelens', function () {
  this.timeout(240_000);

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    await extension.activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  // First in the suite, so that in a full run (and alone) it is the session's first reveal of
  // the panel: the one that creates the view, which used to take the focus.
  it('a lens reveals the panel without taking the keyboard: the next keystroke still types in the editor', async () => {
    const source = fs.readFileSync(workspaceFile('lstm_cell.py').fsPath, 'utf8');
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: source });
    try {
      const editor = await vscode.window.showTextDocument(document, { preserveFocus: false });
      editor.selection = new vscode.Selection(0, 0, 0, 0);
      const equations = (await ourLenses(document.uri)).find((l) => l.command === 'lstmLab.showEquations');
      assert.ok(equations, 'no Equations lens on the untitled copy of lstm_cell.py');
      await vscode.commands.executeCommand(equations.command, equations.args);
      const api = vscode.extensions.getExtension(EXTENSION_ID)!.exports as { panel: { isReady: boolean } };
      await until(
        'the panel webview ready',
        () => api.panel.isReady,
        (ready) => ready,
        30_000,
      );
      // `type` types into the editor that has the keyboard focus, and into nothing when a webview has it.
      await vscode.commands.executeCommand('type', { text: '#typed\n' });
      assert.equal(document.lineAt(0).text, '#typed', 'the keystroke after the lens click did not reach the editor: the panel took the focus');
      assert.equal(vscode.window.activeTextEditor?.document, document);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('puts Probe & check your code / Train / Equations above the LSTM class of a .py file, saying what will run', async () => {
    const lenses = await ourLenses(workspaceFile('lstm_cell.py'));
    assert.deepEqual(
      lenses.map((l) => [l.line, l.title, l.command]),
      [
        [7, '$(pulse) Probe & check your code — LSTM, per-gate weights', 'lstmLab.checkCell'],
        [7, '$(play) Train', 'lstmLab.trainCell'],
        [7, '$(symbol-numeric) Equations', 'lstmLab.showEquations'],
      ],
    );
    assert.deepEqual({ cell: lenses[0].args.cell, line: lenses[0].args.line }, { cell: 'NaiveLSTM', line: 8 });
  });

  it('finds the fused LSTM step of a .ts file, and nothing on its ordinary class', async () => {
    const lenses = await ourLenses(workspaceFile('fused_lstm.ts'));
    assert.deepEqual(
      lenses.map((l) => [l.line, l.title]),
      [
        [3, '$(pulse) Probe & check your code — LSTM, fused weights'],
        [3, '$(play) Train'],
        [3, '$(symbol-numeric) Equations'],
      ],
    );
  });

  for (const notebookCase of NOTEBOOKS) {
    const { lstm, rnn, lstmStep, dim } = notebookCase.cells;

    it(`puts lenses on the code cells of ${notebookCase.label} when it is open in the notebook editor`, async function () {
      const notebook = await openCase(this, notebookCase);
      await vscode.window.showNotebookDocument(notebook);
      assert.equal(notebook.notebookType, 'jupyter-notebook');
      const probeTitle = async (index: number) => {
        const uri = await revealCell(notebook, index);
        assert.equal(uri.scheme, 'vscode-notebook-cell');
        return (await ourLenses(uri)).filter((l) => l.command === 'lstmLab.checkCell').map((l) => [l.line, l.args.cell, l.title]);
      };
      assert.deepEqual(await probeTitle(lstm[0]), [[0, lstm[1], '$(pulse) Probe & check your code — LSTM, per-gate weights']]);
      assert.deepEqual(await probeTitle(rnn[0]), [[0, rnn[1], '$(pulse) Probe & check your code — simple RNN']]);
      assert.deepEqual(await probeTitle(lstmStep), [[0, 'lstm_step', '$(pulse) Probe & check your code — LSTM, per-gate weights, optional forget gate']]);
      assert.equal(notebook.cellAt(dim).kind, vscode.NotebookCellKind.Code);
      assert.match(notebook.cellAt(dim).document.getText(), /class Dim\(IntEnum\)/);
      assert.deepEqual(await ourLenses(await revealCell(notebook, dim)), [], 'a code cell without a recurrent cell (class Dim(IntEnum)) gets none');
    });

    it(`the built-in stand-in probe of lstm_step (use_forget_gate) in ${notebookCase.label} runs with and without the forget gate in the worker`, async function () {
      const notebook = await openCase(this, notebookCase);
      const uri = await revealCell(notebook, lstmStep);
      const probe = (await ourLenses(uri)).find((l) => l.command === 'lstmLab.checkCell')!;
      const run = await vscode.commands.executeCommand<RunRecord>('lstmLab.probeCell', { ...probe.args, interactive: false, steps: 2 });
      assert.equal(run.status, 'done', run.reason);
      assert.deepEqual(
        run.probeSeries.map((s) => [s.cell, s.forgetGate, s.forgetBias, s.norms.length]),
        [
          ['naive-lstm', true, 0, 2],
          ['naive-lstm', false, 0, 2],
        ],
      );
      const summary = (await summaries()).find((s) => s.uri === uri.toString());
      assert.ok(summary, 'an inline summary on the notebook cell');
      assert.match(summary.text, /^stand-in · gradient to h0: (\S+ → \S+ \(b_f 0\)|b_f 0 \S+ → \S+) · (\S+ \(no forget gate\)|no forget gate \S+ → \S+|\+1 more)$/);
      assert.match(run.title, /^NaiveLSTM, built-in stand-in for lstm_step · gradient probe/, "the run says the built-in cell ran, not the user's code");
      assert.deepEqual(run.codeCell, { name: 'lstm_step', role: 'stand-in' });
      assert.ok(
        run.probeSeries.every((s) => s.name.startsWith('built-in stand-in for lstm_step: ')),
        'the chart legend says so too',
      );
    });

    it(`the Equations lens on the RNN of ${notebookCase.label} sends the panel the simple RNN's equation`, async function () {
      const notebook = await openCase(this, notebookCase);
      const lens = (await ourLenses(await revealCell(notebook, rnn[0]))).find((l) => l.command === 'lstmLab.showEquations')!;
      const message = await vscode.commands.executeCommand<{ type: string; cell: string; lines: { gate: string; latex: string }[] }>(lens.command, { ...lens.args, interactive: false });
      assert.equal(message.type, 'equations');
      assert.equal(message.cell, 'simple-rnn');
      assert.deepEqual(
        message.lines.map((l) => l.latex),
        ['h_t = \\tanh(x_t W_{ih} + h_{t-1} W_{hh} + b)'],
      );
      assert.equal((await gateSync()).equations?.cell, 'simple-rnn');
    });
  }

  it('the built-in stand-in probe of the .py file runs in the worker and shows its summary on the class line until the class is edited', async () => {
    const uri = workspaceFile('lstm_cell.py');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const probe = (await ourLenses(uri)).find((l) => l.command === 'lstmLab.checkCell')!;
    const run = await vscode.commands.executeCommand<RunRecord>('lstmLab.probeCell', { ...probe.args, interactive: false, steps: 3 });
    assert.equal(run.status, 'done', run.reason);
    assert.equal(run.probeSeries.length, 1);
    const [series] = run.probeSeries;
    assert.deepEqual([series.cell, series.forgetGate, series.forgetBias], ['naive-lstm', true, 0]);
    assert.equal(series.norms.length, 3);
    assert.ok(
      series.norms.every((n) => Number.isFinite(n) && n > 0),
      `norms ${series.norms}`,
    );
    assert.ok(typeof (await vscode.commands.executeCommand<number | undefined>('lstmLab._workerPid')) === 'number', 'the worker process ran it');

    const mine = (await summaries()).filter((s) => s.uri === uri.toString());
    assert.equal(mine.length, 1);
    assert.equal(mine[0].line, 8);
    assert.equal(mine[0].pending, false);
    const fmt = (v: number) => (v >= 1e-3 && v < 1e4 ? String(Number(v.toPrecision(3))) : v.toExponential(1).replace('e+', 'e').replace('.0e', 'e'));
    assert.equal(mine[0].text, `stand-in · gradient to h0: ${fmt(series.norms[0])} → ${fmt(series.norms[2])} over 3 steps`);
    assert.match(mine[0].hover, /!\[[^\]]*\]\(data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+\)/, 'a sparkline image in the hover');
    const svg = Buffer.from(/base64,([A-Za-z0-9+/=]+)\)/.exec(mine[0].hover)![1], 'base64').toString('utf8');
    assert.match(svg, /^<svg [^>]*><path d="M[^"]+L[^"]+"/);

    // An edit above the class moves the summary with it…
    const editor = vscode.window.activeTextEditor!;
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(0, 0), '# moved\n')));
    const moved = await until('summary after an edit above the class', summaries, (list) => list.some((s) => s.uri === uri.toString() && s.line === 9));
    assert.equal(moved.filter((s) => s.uri === uri.toString()).length, 1);
    // …an edit inside it removes it: it no longer describes the code.
    assert.ok(await editor.edit((e) => e.insert(new vscode.Position(47, 0), '            # changed\n')));
    await until('summaries after editing the class', summaries, (list) => !list.some((s) => s.uri === uri.toString()));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(document.isDirty, false);
  });

  it('the Train lens of the .ts file trains the fused LSTM in the worker and shows val loss · epochs · time on its line', async () => {
    const uri = workspaceFile('fused_lstm.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const run = await trainFromLens(uri, 3);
    assert.equal(run.status, 'done', run.reason);
    assert.deepEqual([run.config?.cell, run.config?.forgetGate, run.config?.forgetBias], ['fused-lstm', true, 0]);
    assert.equal(run.title, 'lstmStep, trained as OptimizedLSTM · quick · fox.txt', "the run is named after the user's cell and the built-in cell that trains its structure");
    assert.deepEqual(run.codeCell, { name: 'lstmStep', role: 'trained-as' });
    assert.equal(run.epochs.length, 1);
    const summary = (await summaries()).find((s) => s.uri === uri.toString());
    assert.ok(summary, 'an inline summary on the lstmStep line');
    assert.equal(summary.line, 4);
    const valLoss = run.epochs[0].valLoss;
    assert.match(summary.text, new RegExp(`^val loss ${String(Number(valLoss.toPrecision(3))).replace('.', '\\.')} · 1 epoch · \\S+$`));
    assert.match(summary.hover, /training loss per batch \(3 batches/);
  });

  it("a run ending leaves the equations of the cell under the cursor in the panel, not the trained cell's", async () => {
    await vscode.commands.executeCommand('lstmLab.showPanel');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceFile('lstm_cell.py')));
    await placeCursor(editor, 47); // f_t = torch.sigmoid(...): the per-gate LSTM
    const onCursor = await until('the per-gate equations, f lit', gateSync, (s) => s.highlight === 'f' && s.equations?.cell === 'naive-lstm');
    assert.equal(onCursor.panelTitle, onCursor.equations?.title);
    // A run of another cell (the fused LSTM of fused_lstm.ts) starts and ends while the cursor stays.
    const uri = workspaceFile('fused_lstm.ts');
    const run = await trainFromLens(uri, 2);
    assert.equal(run.status, 'done', run.reason);
    assert.equal(run.config?.cell, 'fused-lstm');
    const after = await gateSync();
    assert.equal(after.panelTitle, onCursor.equations?.title, "the run replaced the cursor's equations in the panel");
    assert.equal(after.highlight, 'f');
  });

  it('the cursor on a gate line highlights that gate in the panel, and nothing off gate lines', async () => {
    await vscode.commands.executeCommand('lstmLab.showPanel');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceFile('lstm_cell.py')));
    await placeCursor(editor, 47); // f_t = torch.sigmoid(...)
    let state = await until('highlight on the f_t line', gateSync, (s) => s.highlight === 'f');
    assert.deepEqual(state.equations?.gates, ['i', 'f', 'g', 'o', 'c', 'h']);
    assert.equal(state.equations?.cell, 'naive-lstm');
    await placeCursor(editor, 50); // c_t = f_t * c_t + i_t * g_t
    await until('highlight on the c_t line', gateSync, (s) => s.highlight === 'c');
    await placeCursor(editor, 42); // for t in range(...): inside the cell, no gate
    await until('no highlight off gate lines', gateSync, (s) => s.highlight === null);

    const ts = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceFile('fused_lstm.ts')));
    await placeCursor(ts, 9); // const f = tf.sigmoid(zf)
    state = await until('highlight on the TS f line', gateSync, (s) => s.highlight === 'f');
    assert.equal(state.equations?.cell, 'fused-lstm');
    await placeCursor(ts, 13); // hNext
    await until('highlight on the TS h line', gateSync, (s) => s.highlight === 'h');
    await placeCursor(ts, 20); // the ordinary class
    await until('no highlight outside a cell', gateSync, (s) => s.highlight === null);
  });

  it('clicking an equation (revealGate) selects the code line(s) computing it', async () => {
    const ts = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceFile('fused_lstm.ts')));
    await placeCursor(ts, 12);
    await until('target is the TS cell', gateSync, (s) => s.target?.cell === 'lstmStep');
    // The candidate g comes out of the fused product (line 6), its split (7) and its tanh (10).
    const revealed = await vscode.commands.executeCommand<{ lines: number[] }>('lstmLab._revealGate', 'g');
    assert.deepEqual(revealed?.lines, [6, 7, 10]);
    const active = vscode.window.activeTextEditor!;
    assert.equal(active.document.uri.toString(), workspaceFile('fused_lstm.ts').toString());
    assert.deepEqual(
      active.selections.map((s) => [s.start.line + 1, active.document.getText(s)]),
      [
        [6, 'const z = tf.add(tf.add(tf.matMul(x, kernel), tf.matMul(h, recurrent)), bias);'],
        [7, 'const [zi, zf, zg, zo] = tf.split(z, 4, 1);'],
        [10, 'const g = tf.tanh(zg);'],
      ],
    );
  });

  it('gate lines carry their after-text and an equation hover; lstmLab.gateDecorations turns both off', async () => {
    const uri = workspaceFile('lstm_cell.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const decorations = await until(
      'decorations of lstm_cell.py',
      () => vscode.commands.executeCommand<{ line: number; text: string }[]>('lstmLab._gateDecorations', uri.toString()),
      (d) => d.length === 6,
    );
    assert.deepEqual(decorations, [
      { line: 46, text: 'input gate i_t' },
      { line: 47, text: 'forget gate f_t' },
      { line: 48, text: 'candidate g_t' },
      { line: 49, text: 'output gate o_t' },
      { line: 50, text: 'cell state c_t' },
      { line: 51, text: 'hidden state h_t' },
    ]);
    const ts = workspaceFile('fused_lstm.ts');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(ts), vscode.ViewColumn.Beside);
    const tsDecorations = await until(
      'decorations of fused_lstm.ts',
      () => vscode.commands.executeCommand<{ line: number; text: string }[]>('lstmLab._gateDecorations', ts.toString()),
      (d) => d.length > 0,
    );
    assert.deepEqual(tsDecorations.slice(0, 2), [
      { line: 6, text: 'gates i_t f_t g_t o_t' },
      { line: 7, text: 'gates i_t f_t g_t o_t' },
    ]);

    const hoverText = async () => {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(46, 12))) ?? [];
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    };
    const text = await hoverText();
    assert.match(text, /forget gate f_t/);
    assert.ok(text.includes('fₜ = σ(xₜ W_if + hₜ₋₁ W_hf + b_f)'), text);

    const config = vscode.workspace.getConfiguration('lstmLab');
    await config.update('gateDecorations', false, vscode.ConfigurationTarget.Global);
    try {
      await until(
        'decorations off',
        () => vscode.commands.executeCommand<unknown[]>('lstmLab._gateDecorations', uri.toString()),
        (d) => d.length === 0,
      );
      assert.doesNotMatch(await hoverText(), /forget gate f_t/);
    } finally {
      await config.update('gateDecorations', undefined, vscode.ConfigurationTarget.Global);
    }
    await until(
      'decorations back on',
      () => vscode.commands.executeCommand<unknown[]>('lstmLab._gateDecorations', uri.toString()),
      (d) => d.length === 6,
    );
  });

  it('runs the stand-in probe of a GRU on the engine GRU cell, and costs nothing on a file over 1 MB', async () => {
    const gru = await vscode.workspace.openTextDocument({
      language: 'python',
      content: [
        'import torch',
        'def gru_step(x, h, W_r, U_r, W_z, U_z, W_n, U_n):',
        '    r = torch.sigmoid(x @ W_r + h @ U_r)',
        '    z = torch.sigmoid(x @ W_z + h @ U_z)',
        '    n = torch.tanh(x @ W_n + r * (h @ U_n))',
        '    h_new = (1 - z) * n + z * h',
        '    return h_new',
        '',
      ].join('\n'),
    });
    const lenses = await ourLenses(gru.uri);
    // The user's GRU runs in Python; the engine's stand-in probe runs the engine's GRU.
    assert.match(lenses[0]?.title ?? '', /Probe & check your code — GRU/);
    const probed = await vscode.commands.executeCommand<RunRecord>('lstmLab.probeCell', { ...lenses[0].args, interactive: false, steps: 2 });
    assert.equal(probed?.status, 'done', probed?.reason);
    assert.deepEqual(
      probed.probeSeries.map((s) => s.cell),
      ['gru'],
    );

    const cell = (await vscode.workspace.openTextDocument(workspaceFile('lstm_cell.py'))).getText();
    const big = await vscode.workspace.openTextDocument({ language: 'python', content: cell + '\n' + '# padding\n'.repeat(110_000) });
    assert.ok(big.getText().length > 1_000_000);
    const started = Date.now();
    const none = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', big.uri)) ?? [];
    assert.deepEqual(
      none.filter((l) => l.command?.command.startsWith('lstmLab.')),
      [],
    );
    console.log(`      (lenses of a ${(big.getText().length / 1e6).toFixed(2)} MB file: ${Date.now() - started} ms)`);
  });
});
