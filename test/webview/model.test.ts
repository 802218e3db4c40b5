// The panel's logic that needs no browser: the runs model, the saved state, the table's
// formatting, and the HTML/CSP it is served with.
// Run: npx mocha --no-config -r tsx/cjs test/webview/model.test.ts
import assert from 'node:assert/strict';
import { contentSecurityPolicy, renderPanelHtml } from '../../src/host/core/panel-html';
import type { RunRecord } from '../../src/shared/protocol';
import { describeConfig, formatDuration, formatStarted, panelSummary, runRow } from '../../webview/run-rows';
import { applyMessage, applyProbeSeries, applyProgress, defaultState, mergeRun, probeRunToShow, restoreState, stateForSaving, SAVED_BATCHES_PER_RUN } from '../../webview/state';
import { EQUATION_SETS } from '../../webview/equations';
import { compareRuns, ownCodeProbes, probeRun, probeSeries, runningRun } from './fixtures';

describe('panel model', () => {
  it('appends progress in step order, ignoring stale or repeated steps, and creates a run it has not seen', () => {
    const run = runningRun();
    const last = run.batches[run.batches.length - 1];
    let runs: RunRecord[] = [run];
    runs = applyProgress(runs, run.id, { ...last, step: last.step + 1, loss: 1 });
    runs = applyProgress(runs, run.id, { ...last, step: last.step - 3, loss: 99 });
    runs = applyProgress(runs, run.id, { ...last, step: last.step + 1, loss: 99 });
    assert.deepEqual(
      runs[0].batches.slice(-2).map((b) => [b.step, b.loss]),
      [
        [last.step, last.loss],
        [last.step + 1, 1],
      ],
    );
    runs = applyProgress(runs, 'unknown', { ...last, step: 1 });
    assert.equal(runs.length, 2);
    assert.equal(runs[1].kind, 'train');
    assert.equal(runs[1].status, 'running');
  });

  it('keeps batches that arrived after the host took its snapshot of a run', () => {
    const run = runningRun();
    const newer = { ...run.batches[run.batches.length - 1], step: 11, batch: 11 };
    const local = { ...run, batches: [...run.batches, newer] };
    const merged = mergeRun(local, { ...run, title: 'renamed' });
    assert.equal(merged.title, 'renamed');
    assert.deepEqual(
      merged.batches.map((b) => b.step),
      [...run.batches.map((b) => b.step), 11],
    );
    // A fresh record that already has those batches wins as it is.
    assert.equal(mergeRun(local, local).batches.length, 11);
  });

  it('replaces a probe series of the same name instead of adding it twice', () => {
    const [rnn, noForget] = probeSeries(5);
    let runs = applyProbeSeries([], 'p', rnn);
    runs = applyProbeSeries(runs, 'p', noForget);
    runs = applyProbeSeries(runs, 'p', { ...rnn, norms: [1, 2, 3] });
    assert.deepEqual(
      runs[0].probeSeries.map((s) => [s.name, s.norms.length]),
      [
        ['SimpleRNN', 3],
        ['LSTM, no forget gate', 5],
      ],
    );
  });

  it('shows the chosen probe run on the gradient chart, else the latest with series', () => {
    const state = defaultState();
    const older = { ...probeRun(), id: 'old', createdAt: 1 };
    const empty = { ...probeRun(false), id: 'empty', createdAt: 3 };
    state.runs = [older, { ...probeRun(), createdAt: 2 }, empty];
    assert.equal(probeRunToShow(state)?.id, 'probe-1');
    state.selectedProbeRunId = 'old';
    assert.equal(probeRunToShow(state)?.id, 'old');
  });

  it('maps an equations message to the matching default set for the selector', () => {
    const state = defaultState();
    applyMessage(state, { type: 'equations', cell: 'fused-lstm', title: 'OptimizedLSTM', lines: EQUATION_SETS.lstm.lines });
    assert.equal(state.equations.set, 'lstm');
    applyMessage(state, { type: 'equations', cell: 'simple-rnn', title: 'SimpleRNN', lines: EQUATION_SETS['simple-rnn'].lines });
    assert.equal(state.equations.set, 'simple-rnn');
  });
});

describe('saved panel state', () => {
  it('round-trips through JSON (what setState stores)', () => {
    const state = defaultState();
    state.runs = [...compareRuns(), probeRun()];
    state.xAxis = 'time';
    state.logScale = false;
    state.hiddenRunIds = ['compare-simple-rnn'];
    state.highlightedGate = 'f';
    state.openSections.runs = false;
    assert.deepEqual(restoreState(JSON.parse(JSON.stringify(stateForSaving(state)))), state);
  });

  it('falls back to defaults, field by field, for anything missing or malformed', () => {
    assert.deepEqual(restoreState(undefined), defaultState());
    assert.deepEqual(restoreState({ version: 2, xAxis: 'time' }), defaultState());
    const restored = restoreState({
      version: 1,
      xAxis: 'sideways',
      logScale: 'yes',
      runs: [{ id: 'broken' }, probeRun()],
      equations: { cell: 'x', set: 'nope', title: 't', lines: [] },
      highlightedGate: 'q',
    });
    assert.equal(restored.xAxis, 'step');
    assert.equal(restored.logScale, true);
    assert.deepEqual(
      restored.runs.map((r) => r.id),
      ['probe-1'],
    );
    assert.equal(restored.equations.set, 'lstm');
    assert.equal(restored.highlightedGate, null);
  });

  it('thins long runs before saving, keeping the latest batch', () => {
    const run = runningRun();
    const long = { ...run, batches: Array.from({ length: 10_000 }, (_, k) => ({ ...run.batches[0], step: k + 1 })) };
    const saved = stateForSaving({ ...defaultState(), runs: [long] });
    assert.equal(saved.runs[0].batches.length, SAVED_BATCHES_PER_RUN);
    assert.equal(saved.runs[0].batches[SAVED_BATCHES_PER_RUN - 1].step, 10_000);
  });
});

describe('runs table rows', () => {
  it("puts the last run's final losses in the summary line, or how it ended, short; the details on hover", () => {
    const runs = compareRuns();
    const last = runs[runs.length - 1].epochs[0];
    assert.deepEqual(panelSummary(runs), {
      text: `OptimizedLSTM done: val loss ${last.valLoss.toFixed(3)} · ${last.bitsPerChar.toFixed(2)} bits/char`,
      detail: `4 runs · last: OptimizedLSTM on wasm — done — val loss ${last.valLoss.toFixed(3)} (${last.bitsPerChar.toFixed(2)} bits/char), train loss ${last.trainLoss.toFixed(3)} (average over the epoch)`,
    });
    const failed: RunRecord = { ...runs[0], status: 'failed', reason: 'batchSize 32 is larger than the 17 training instances', epochs: [] };
    assert.equal(panelSummary([failed]).text, 'NaiveLSTM failed: batchSize 32 is larger than the 17 training instances');
    assert.equal(panelSummary([failed]).detail, '1 run · last: NaiveLSTM on wasm — failed: batchSize 32 is larger than the 17 training instances');
    assert.match(panelSummary([]).text, /^Ready\./);
    // A probe's outcome does not repeat the series count its title already gives.
    assert.deepEqual(panelSummary([probeRun()]), { text: 'Gradient probe done: 5 series', detail: '1 run · last: Gradient probe (notebook) on wasm — done — 5 series' });
    assert.equal(panelSummary([{ ...probeRun(), title: 'gradient probe · 5 series · 100 steps' }]).detail, '1 run · last: gradient probe · 5 series · 100 steps on wasm — done');
    // A lens run is named after the user's cell; a stand-in probe says it was one.
    assert.equal(
      panelSummary([{ ...runs[0], codeCell: { name: 'MyLSTM', role: 'trained-as' } }]).text,
      `MyLSTM done: val loss ${runs[0].epochs[0].valLoss.toFixed(3)} · ${runs[0].epochs[0].bitsPerChar.toFixed(2)} bits/char`,
    );
    assert.equal(panelSummary([{ ...probeRun(), codeCell: { name: 'lstmStep', role: 'stand-in' } }]).text, 'Stand-in probe for lstmStep done: 5 series');
  });

  it("keeps the last trained model's validation loss in the summary after a probe or a failed run, beside that run's result", () => {
    const runs = compareRuns();
    const trained = runs[runs.length - 1].epochs[0];
    const losses = `val loss ${trained.valLoss.toFixed(3)} · ${trained.bitsPerChar.toFixed(2)} bits/char`;
    const afterProbe = panelSummary([...runs, probeRun()]);
    assert.equal(afterProbe.text, `Gradient probe done: 5 series · OptimizedLSTM ${losses}`);
    assert.equal(
      afterProbe.detail,
      `5 runs · last: Gradient probe (notebook) on wasm — done — 5 series · last trained: OptimizedLSTM — done — val loss ${trained.valLoss.toFixed(3)} (${trained.bitsPerChar.toFixed(2)} bits/char), train loss ${trained.trainLoss.toFixed(3)} (average over the epoch)`,
    );
    // A run that ended without losses leaves the one before it; a lens run is named after the user's cell.
    const cancelled: RunRecord = { ...runs[0], id: 'cancelled', status: 'cancelled', epochs: [] };
    const lens: RunRecord = { ...runs[runs.length - 1], codeCell: { name: 'GateByGateLSTM', role: 'trained-as' } };
    assert.equal(panelSummary([...runs.slice(0, -1), lens, cancelled]).text, `NaiveLSTM cancelled · GateByGateLSTM ${losses}`);
    // With no finished training, a probe's line is its own result only.
    assert.equal(panelSummary([probeRun()]).text, 'Gradient probe done: 5 series');
  });

  it('says what is running, how far, and how many wait, in a line short enough for a side bar', () => {
    const run = runningRun();
    const last = run.batches[run.batches.length - 1];
    const queued: RunRecord = { ...compareRuns()[1], id: 'next', status: 'queued', epochs: [], batches: [] };
    const summary = panelSummary([...compareRuns(), run, queued]);
    assert.equal(summary.text, `Training NaiveLSTM: batch 10 of 50, loss ${last.loss.toFixed(3)} (+1 queued)`);
    assert.ok(summary.text.length <= 60, `${summary.text.length} characters`);
    assert.match(summary.detail, /^Running Quick: NaiveLSTM b_f \+1 · backend wasm · epoch 1, batch 10\/50 · loss \d\.\d{3} · \d+ chars\/s · 1 more queued$/);
    const probing = { ...probeRun(false), probeSeries: probeRun().probeSeries.slice(0, 2) };
    assert.equal(panelSummary([probing]).text, 'Probing the gradient: 2 of 5 series done');
  });

  it('tells two runs of one name apart by when they started: the time today, the date another day', () => {
    const today = new Date(2026, 10, 30, 22, 41, 5).getTime();
    assert.equal(formatStarted(today, today + 3_600_000), '22:41:05');
    assert.equal(formatStarted(new Date(2026, 10, 29, 7, 6, 40).getTime(), today), 'Nov 29, 07:06');
    const [first, second] = ownCodeProbes();
    assert.notEqual(runRow(first).started, runRow({ ...second, title: first.title }).started);
  });

  it("formats a finished run like the notebook's table", () => {
    const row = runRow(compareRuns()[0]);
    assert.equal(row.cell, 'NaiveLSTM');
    assert.equal(row.epochTime, '17:04');
    assert.equal(row.trainLoss, '2.693');
    assert.equal(row.valLoss, '2.320');
    assert.equal(row.bitsPerChar, '3.347'); // 2.32 / ln 2
    assert.equal(row.charsPerSecond, String(Math.round((338 * 32 * 500) / 1024)));
    assert.equal(row.status, 'done');
  });

  it('shows a running run with its latest loss and progress, and a failure with its reason', () => {
    const running = runRow(runningRun());
    assert.match(running.trainLoss, / \(last batch\)$/);
    assert.match(running.epochTime, / so far$/);
    assert.equal(running.status, 'running — epoch 1, 10/50');
    const failed = runRow({ ...compareRuns()[1], status: 'failed', reason: 'the worker ran out of memory' });
    assert.equal(failed.status, 'failed: the worker ran out of memory');
  });

  it('describes a configuration compactly, with the forget gate or its bias', () => {
    const config = compareRuns()[0].config!;
    assert.equal(describeConfig(config), 'brown · E50 H125 B32 T500 · lr 0.001 · b_f 0 · 1 ep');
    assert.match(describeConfig({ ...config, forgetBias: -1 }), /b_f −1/);
    assert.match(describeConfig({ ...config, forgetGate: false, maxBatches: 50 }), /no forget gate · 1 ep × ≤50 batches/);
    assert.doesNotMatch(describeConfig({ ...config, cell: 'simple-rnn' }), /b_f|forget/);
  });

  it('formats durations as m:ss and h:mm:ss', () => {
    assert.deepEqual([formatDuration(0), formatDuration(59.6), formatDuration(1024), formatDuration(3600 + 62), formatDuration(Number.NaN)], ['0:00', '1:00', '17:04', '1:01:02', '—']);
  });
});

describe('panel HTML', () => {
  const options = {
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'abcdefghijklmnop0123',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/webview.js',
    styleUris: ['https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/katex.min.css'],
  };

  it('declares a CSP that allows nothing by default, scripts by nonce, and resources only from the extension', () => {
    const html = renderPanelHtml(options);
    assert.equal(
      contentSecurityPolicy(options.cspSource, options.nonce),
      `default-src 'none'; script-src 'nonce-abcdefghijklmnop0123'; style-src ${options.cspSource}; font-src ${options.cspSource}; img-src ${options.cspSource}`,
    );
    assert.ok(html.includes(`content="${contentSecurityPolicy(options.cspSource, options.nonce)}"`));
    assert.equal(html.match(/<script/g)?.length, 1);
    assert.ok(html.includes(`<script nonce="${options.nonce}" src="${options.scriptUri}"></script>`));
    assert.doesNotMatch(html, /\son[a-z]+=/i);
  });

  it('refuses values that would break out of the CSP or an attribute, saying what to pass', () => {
    assert.throws(() => renderPanelHtml({ ...options, nonce: 'short' }), /nonce must be at least 16 characters/);
    assert.throws(() => renderPanelHtml({ ...options, cspSource: "https://x; script-src 'unsafe-inline'" }), /not a CSP source expression; pass webview.cspSource/);
    assert.throws(() => renderPanelHtml({ ...options, scriptUri: 'x"><script>alert(1)</script>' }), /scriptUri must be a non-empty URI/);
    assert.throws(() => renderPanelHtml({ ...options, styleUris: ['ok', ''] }), /styleUris\[1\]/);
  });

  it('links a codicon stylesheet under the id @vscode-elements looks for, when given', () => {
    assert.match(renderPanelHtml({ ...options, fontUri: 'https://x/codicon.css' }), /<link rel="stylesheet" id="vscode-codicon-stylesheet" href="https:\/\/x\/codicon.css">/);
  });
});
