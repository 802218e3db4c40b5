// The guards every party applies to what it receives: well-formed messages of each type
// pass, and every kind of malformed one (wrong type tag, missing field, wrong field type,
// non-object) is refused, so a receiver can ignore it instead of crashing.
import assert from 'node:assert/strict';
import { DEFAULT_PROBE_SERIES, NOTEBOOK_TRAIN_CONFIG, type ProbeConfig, type TrainConfig } from '../../src/shared/types';
import { isHostToWebview, isHostToWorker, isRunRecord, isWebviewToHost, isWorkerToHost, type RunRecord } from '../../src/shared/protocol';

const trainConfig: TrainConfig = { ...NOTEBOOK_TRAIN_CONFIG, cell: 'naive-lstm', corpus: { kind: 'brown' } };
const probeConfig: ProbeConfig = { steps: 100, batchSize: 32, embeddingSize: 50, hiddenSize: 125, seed: 0, corpus: { kind: 'brown' }, series: DEFAULT_PROBE_SERIES };
const progress = { epoch: 1, batch: 3, batchesPerEpoch: 338, step: 3, loss: 4.05, charsPerSecond: 1520, elapsedMs: 2400 };
const summary = { epoch: 1, trainLoss: 2.693, valLoss: 2.32, bitsPerChar: 2.32 / Math.LN2, seconds: 1024, charsPerSecond: 5000, peakRssMB: 900 };
const stats = { name: 'Brown', chars: 6_127_073, trainInstances: 11_030, valInstances: 1_225, vocabSize: 60 };
const series = { ...DEFAULT_PROBE_SERIES[0], norms: [28.9, 3.1, 0.2], seconds: 0.4 };
const run: RunRecord = { id: 'train-1', kind: 'train', title: 't', status: 'running', createdAt: 1, config: trainConfig, batches: [progress], epochs: [summary], probeSeries: [] };

/** Every way of breaking a message: drop each field, and set each field to a wrong type. */
function mutations(message: Record<string, unknown>): { what: string; value: unknown }[] {
  const out: { what: string; value: unknown }[] = [];
  for (const key of Object.keys(message)) {
    const dropped = { ...message };
    delete dropped[key];
    out.push({ what: `without ${key}`, value: dropped });
    const wrong = typeof message[key] === 'string' ? 42 : 'a string';
    out.push({ what: `${key} of the wrong type`, value: { ...message, [key]: wrong } });
  }
  return out;
}

function checkGuard(name: string, guard: (v: unknown) => boolean, valid: Record<string, unknown>[], optionalFields: Record<string, string[]> = {}) {
  describe(name, () => {
    for (const message of valid) {
      it(`accepts ${String(message.type)}`, () => assert.equal(guard(message), true, JSON.stringify(message)));
      it(`refuses every broken ${String(message.type)}`, () => {
        for (const { what, value } of mutations(message)) {
          const key = what.replace(/^without /, '');
          if (what.startsWith('without ') && (optionalFields[String(message.type)] ?? []).includes(key)) continue;
          assert.equal(guard(value), false, `${String(message.type)} ${what} was accepted`);
        }
      });
    }
    it('refuses non-objects, arrays, unknown types', () => {
      for (const bad of [null, undefined, 42, 'ready', [], [{ type: 'ready' }], { type: 'nonsense' }, {}]) assert.equal(guard(bad), false, JSON.stringify(bad));
    });
  });
}

/** A TS cell's check request and its result, as the host posts and the worker answers them. */
const checkInput = {
  units: [{ code: "import * as tf from '@tensorflow/tfjs';", filename: '/w/cell.ts', cellIndex: null }],
  target: { unit: 0, name: 'LSTM', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, gates: { f: [12] } },
  steps: 100,
  probeSteps: 100,
  probe: true,
};
const cellResult = {
  name: 'LSTM',
  kind: 'lstm',
  ran: true,
  error: null,
  verdict: 'differs',
  reference: 'LSTM',
  maxRelDiff: 0.4,
  firstDifference: { step: 0, gate: 'f', line: 12, variable: 'f', equation: 'σ(x W_if + h W_hf + b_f)' },
  probe: { steps: [1, 2], norms: [1, 0.5], series: [{ name: 'LSTM', forgetGate: true, forgetBias: null, norms: [1, 0.5], reference: [1, 0.4], seconds: 0.1 }], size: { E: 50, H: 125, B: 1 }, method: 'tf.grad' },
  message: 'f on line 12 differs from σ(x W_if + h W_hf + b_f) from step 0',
  reason: null,
  warnings: [],
  library: 'tfjs',
  timings: { total: 1 },
};

describe('protocol guards', () => {
  checkGuard('isHostToWorker', isHostToWorker, [
    { type: 'init', backend: 'auto', wasmDir: '/ext/dist/wasm', corpusDir: '/ext/dist/corpus' },
    { type: 'train', id: 'r1', config: trainConfig, checkpointDir: '/s/checkpoints/r1' },
    { type: 'probe', id: 'p1', config: probeConfig },
    { type: 'sample', id: 's1', config: { checkpoint: '/c', length: 100, temperature: 0.8, prime: 'the ' } },
    { type: 'checkCell', id: 'c1', input: checkInput },
    { type: 'cancel', id: 'r1' },
  ]);
  checkGuard('isWorkerToHost', isWorkerToHost, [
    { type: 'ready', backend: 'wasm', pid: 1234 },
    { type: 'log', message: 'backend wasm' },
    { type: 'corpus', id: 'r1', stats },
    { type: 'corpus', id: 'r1', stats, warnings: ['big.txt is 600 MB: only its first 500 MB are read.'] },
    { type: 'progress', id: 'r1', progress },
    { type: 'epoch', id: 'r1', summary },
    { type: 'checkpoint', id: 'r1', path: '/c' },
    { type: 'probeSeries', id: 'p1', series },
    { type: 'trainDone', id: 'r1', result: { backend: 'wasm', cell: 'naive-lstm', config: trainConfig, corpus: stats, epochs: [summary], status: 'done' } },
    { type: 'probeDone', id: 'p1', result: { backend: 'wasm', steps: 3, series: [series] } },
    { type: 'sampleDone', id: 's1', text: 'the cat' },
    { type: 'cellOutput', id: 'c1', text: 'step 1\n' },
    { type: 'checkCellDone', id: 'c1', result: cellResult },
    { type: 'error', id: 'r1', message: 'boom' },
  ], { error: ['id'], corpus: ['warnings'] });
  checkGuard('isHostToWebview', isHostToWebview, [
    { type: 'runs', runs: [run] },
    { type: 'runUpdated', run },
    { type: 'progress', runId: 'r1', progress },
    { type: 'probeSeries', runId: 'p1', series },
    { type: 'equations', cell: 'naive-lstm', title: 'LSTM', lines: [{ gate: 'f', label: 'forget gate', latex: 'f_t = \\sigma(\\dots)' }] },
    { type: 'highlight', gate: 'f' },
    { type: 'reveal', section: 'equations' },
  ]);
  checkGuard('isWebviewToHost', isWebviewToHost, [
    { type: 'revealGate', gate: 'o' },
    { type: 'chartImages', images: [{ name: 'loss', pngDataUrl: 'data:image/png;base64,iVBORw0KGgo=' }] },
    { type: 'command', command: 'train' },
  ]);

  it('accepts the messages with no payload', () => {
    assert.equal(isHostToWorker({ type: 'shutdown' }), true);
    assert.equal(isWebviewToHost({ type: 'ready' }), true);
    assert.equal(isHostToWebview({ type: 'highlight', gate: null }), true);
    assert.equal(isHostToWebview({ type: 'exportCharts' }), true);
    assert.equal(isHostToWebview({ type: 'reveal', section: 'sidebar' }), false);
  });

  it('refuses a cell check whose request or result is malformed inside (a target without gates, a verdict out of the list)', () => {
    assert.equal(isHostToWorker({ type: 'checkCell', id: 'c1', input: { ...checkInput, target: { ...checkInput.target, gates: undefined } } }), false);
    assert.equal(isHostToWorker({ type: 'checkCell', id: 'c1', input: { ...checkInput, units: [{ code: 1, filename: '/w/cell.ts', cellIndex: null }] } }), false);
    assert.equal(isWorkerToHost({ type: 'checkCellDone', id: 'c1', result: { ...cellResult, verdict: 'maybe' } }), false);
    assert.equal(isWorkerToHost({ type: 'checkCellDone', id: 'c1', result: { ...cellResult, firstDifference: { ...cellResult.firstDifference, gate: 'q' } } }), false);
  });

  it('refuses values outside the enumerations (cell kinds, gates, backends, commands)', () => {
    assert.equal(isHostToWorker({ type: 'init', backend: 'cuda', wasmDir: '', corpusDir: '' }), false);
    assert.equal(isHostToWorker({ type: 'train', id: 'r', config: { ...trainConfig, cell: 'transformer' }, checkpointDir: '/c' }), false);
    assert.equal(isHostToWorker({ type: 'train', id: 'r', config: { ...trainConfig, corpus: { kind: 'url', url: 'http://x' } }, checkpointDir: '/c' }), false);
    assert.equal(isWebviewToHost({ type: 'revealGate', gate: 'x' }), false);
    assert.equal(isWebviewToHost({ type: 'command', command: 'rm -rf' }), false);
    assert.equal(isWorkerToHost({ type: 'ready', backend: 'webgl', pid: 1 }), false);
  });

  it('refuses chart images that are not PNG data URLs (the host writes them to disk)', () => {
    assert.equal(isWebviewToHost({ type: 'chartImages', images: [{ name: 'x', pngDataUrl: 'file:///etc/passwd' }] }), false);
    assert.equal(isWebviewToHost({ type: 'chartImages', images: [{ name: 'x', pngDataUrl: 'data:text/html;base64,PGI+' }] }), false);
  });

  it('carries a diverged loss (NaN, Infinity): it is a real outcome the chart and the record must show', () => {
    assert.equal(isWorkerToHost({ type: 'progress', id: 'r', progress: { ...progress, loss: Number.NaN } }), true);
    assert.equal(isWorkerToHost({ type: 'probeSeries', id: 'p', series: { ...series, norms: [1, Number.POSITIVE_INFINITY] } }), true);
  });

  it('checks nested records: a run with a malformed batch is refused', () => {
    assert.equal(isRunRecord(run), true);
    assert.equal(isRunRecord({ ...run, batches: [{ ...progress, step: 'three' }] }), false);
    assert.equal(isRunRecord({ ...run, status: 'paused' }), false);
  });

  it('messages survive a JSON round trip (the webview channel) unchanged', () => {
    const message = { type: 'runUpdated', run };
    assert.equal(isHostToWebview(JSON.parse(JSON.stringify(message))), true);
  });
});
