// The guards every party applies to what it receives: well-formed messages of each type
// pass, and every kind of malformed one (wrong type tag, missing field, wrong field type,
// non-object) is refused, so a receiver can ignore it instead of crashing.
import assert from 'node:assert/strict';
import { DEFAULT_PROBE_SERIES, SEED_NOTEBOOK_TRAIN_CONFIG, type ProbeConfig, type TrainConfig } from '../../src/shared/types';
import type * as v from 'valibot';
import type { SaturationReport } from '../../src/shared/inspect-types';
import type { CellResult, CheckInput } from '../../src/shared/cell-check';
import {
  isHostToWebview,
  isHostToWorker,
  isRunRecord,
  isWebviewToHost,
  isWorkerToHost,
  MESSAGE_SCHEMAS,
  messageTypes,
  type InspectResult,
  type RunRecord,
  type ViewState,
} from '../../src/shared/protocol';

const trainConfig: TrainConfig = { ...SEED_NOTEBOOK_TRAIN_CONFIG, cell: 'naive-lstm', corpus: { kind: 'brown' } };
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

type Message = { type: string } & Record<string, unknown>;
type SchemaName = keyof typeof MESSAGE_SCHEMAS;
/** At least one well-formed message of every variant: a variant added to a schema without one here fails to compile (and the sweep below checks the list at run time). */
type Samples<M extends { type: string }> = { [K in M['type']]: Extract<M, { type: K }>[] };

const inspectResult: InspectResult = {
  kind: 'capture',
  capture: {
    cell: 'naive-lstm',
    forgetGate: true,
    hiddenSize: 2,
    chars: ['a', 'b'],
    ids: [2, 3],
    gateNames: ['h'],
    gates: {
      h: [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
    },
  },
};
const viewState: ViewState = { xAxis: 'time', logScale: true, hiddenRunIds: ['r1'], selectedProbeRunId: 'p1' };
const saturation: SaturationReport = { scope: 'batch', epoch: 1, batch: 2, step: 2, count: 100, gates: [{ gate: 'f', low: 0.1, high: 0.2 }] };

/** A TS cell's check request and its result, as the host posts and the worker answers them. */
const checkInput: CheckInput = {
  units: [{ code: "import * as tf from '@tensorflow/tfjs';", filename: '/w/cell.ts', cellIndex: null }],
  target: { unit: 0, name: 'LSTM', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, gates: { f: [12] } },
  steps: 100,
  probeSteps: 100,
  probe: true,
};
const cellResult: CellResult = {
  name: 'LSTM',
  kind: 'lstm',
  ran: true,
  error: null,
  verdict: 'differs',
  reference: 'LSTM',
  maxRelDiff: 0.4,
  firstDifference: { step: 0, gate: 'f', line: 12, variable: 'f', equation: 'σ(x W_if + h W_hf + b_f)' },
  probe: {
    steps: [1, 2],
    norms: [1, 0.5],
    series: [{ name: 'LSTM', forgetGate: true, forgetBias: null, norms: [1, 0.5], reference: [1, 0.4], seconds: 0.1 }],
    size: { E: 50, H: 125, B: 1 },
    method: 'tf.grad',
  },
  message: 'f on line 12 differs from σ(x W_if + h W_hf + b_f) from step 0',
  reason: null,
  warnings: [],
  library: 'tfjs',
  timings: { total: 1 },
};

const SAMPLES: { [N in SchemaName]: Samples<v.InferOutput<(typeof MESSAGE_SCHEMAS)[N]>> } = {
  HostToWorker: {
    init: [{ type: 'init', backend: 'auto', wasmDir: '/ext/dist/wasm', corpusDir: '/ext/dist/corpus' }],
    train: [{ type: 'train', id: 'r1', config: trainConfig, checkpointDir: '/s/checkpoints/r1' }],
    probe: [{ type: 'probe', id: 'p1', config: probeConfig }],
    sample: [{ type: 'sample', id: 's1', config: { checkpoint: '/c', length: 100, temperature: 0.8, prime: 'the ' } }],
    inspect: [{ type: 'inspect', id: 'i1', job: { kind: 'gradientFlow', text: 'the cat', checkpoint: '/c' } }],
    checkCell: [{ type: 'checkCell', id: 'c1', input: checkInput }],
    cancel: [{ type: 'cancel', id: 'r1' }],
    shutdown: [{ type: 'shutdown' }],
  },
  WorkerToHost: {
    ready: [{ type: 'ready', backend: 'wasm', pid: 1234 }],
    log: [{ type: 'log', message: 'backend wasm' }],
    corpus: [
      { type: 'corpus', id: 'r1', stats },
      { type: 'corpus', id: 'r1', stats, warnings: ['big.txt is 600 MB: only its first 500 MB are read.'] },
    ],
    progress: [{ type: 'progress', id: 'r1', progress }],
    epoch: [{ type: 'epoch', id: 'r1', summary }],
    checkpoint: [{ type: 'checkpoint', id: 'r1', path: '/c' }],
    probeSeries: [{ type: 'probeSeries', id: 'p1', series }],
    trainDone: [{ type: 'trainDone', id: 'r1', result: { backend: 'wasm', cell: 'naive-lstm', config: trainConfig, corpus: stats, epochs: [summary], status: 'done' } }],
    probeDone: [{ type: 'probeDone', id: 'p1', result: { backend: 'wasm', steps: 3, series: [series] } }],
    sampleDone: [{ type: 'sampleDone', id: 's1', text: 'the cat' }],
    saturation: [{ type: 'saturation', id: 'r1', report: saturation }],
    inspectDone: [{ type: 'inspectDone', id: 'i1', result: inspectResult }],
    cellOutput: [{ type: 'cellOutput', id: 'c1', text: 'step 1\n' }],
    checkCellDone: [{ type: 'checkCellDone', id: 'c1', result: cellResult }],
    error: [{ type: 'error', id: 'r1', message: 'boom' }],
  },
  HostToWebview: {
    runs: [{ type: 'runs', runs: [run] }],
    runUpdated: [{ type: 'runUpdated', run }],
    progress: [{ type: 'progress', runId: 'r1', progress }],
    probeSeries: [{ type: 'probeSeries', runId: 'p1', series }],
    equations: [{ type: 'equations', cell: 'naive-lstm', title: 'LSTM', lines: [{ gate: 'f', label: 'forget gate', latex: 'f_t = \\sigma(\\dots)' }] }],
    highlight: [{ type: 'highlight', gate: 'f' }],
    exportCharts: [{ type: 'exportCharts', requestId: 'export-1', runId: 'r1' }],
    saturation: [{ type: 'saturation', runId: 'r1', report: saturation }],
    inspectText: [{ type: 'inspectText', text: 'the cat', runId: 'r1' }],
    inspectResult: [{ type: 'inspectResult', requestId: 'q1', runId: 'r1', result: inspectResult }],
    inspectError: [{ type: 'inspectError', requestId: 'q1', message: 'the checkpoint is gone' }],
    reveal: [{ type: 'reveal', section: 'equations' }],
    codeVerdict: [{ type: 'codeVerdict', verdict: { cell: 'NaiveLSTM (lstm_cell.py:8)', verdict: 'differs', message: 'f_t on line 35 differs', gate: 'f' } }],
    viewState: [{ type: 'viewState', view: viewState }],
  },
  WebviewToHost: {
    ready: [{ type: 'ready' }],
    revealGate: [{ type: 'revealGate', gate: 'o' }],
    chartImages: [
      { type: 'chartImages', images: [{ name: 'loss', pngDataUrl: 'data:image/png;base64,iVBORw0KGgo=' }] },
      { type: 'chartImages', requestId: 'export-1', images: [{ name: 'loss', pngDataUrl: 'data:image/png;base64,iVBORw0KGgo=' }], csv: [{ name: 'activations.csv', text: 'a,b\n' }] },
    ],
    inspect: [{ type: 'inspect', requestId: 'q1', runId: 'r1', request: { kind: 'probeTrained', steps: 50, batchSize: 4 } }],
    command: [{ type: 'command', command: 'train' }],
    viewState: [{ type: 'viewState', view: viewState }],
  },
};

const GUARDS: { [N in SchemaName]: (value: unknown) => boolean } = { HostToWorker: isHostToWorker, WorkerToHost: isWorkerToHost, HostToWebview: isHostToWebview, WebviewToHost: isWebviewToHost };

/** The fields a variant may leave out, read from its schema (`v.optional`). */
function optionalFields(name: SchemaName, type: string): string[] {
  const option = MESSAGE_SCHEMAS[name].options.find((o) => o.entries.type.literal === type);
  return Object.entries(option?.entries ?? {})
    .filter(([, schema]) => schema.type === 'optional')
    .map(([key]) => key);
}

function checkGuard(name: SchemaName) {
  const guard = GUARDS[name];
  const samples = SAMPLES[name] as Record<string, Message[]>;
  describe(`is${name}`, () => {
    it('has a well-formed sample of every variant its schema declares', () => {
      assert.deepEqual(Object.keys(samples).sort(), messageTypes(MESSAGE_SCHEMAS[name]).sort());
    });
    for (const type of messageTypes(MESSAGE_SCHEMAS[name])) {
      for (const message of samples[type] ?? []) {
        it(`accepts ${type}`, () => assert.equal(guard(message), true, JSON.stringify(message)));
        it(`refuses every broken ${type}`, () => {
          for (const { what, value } of mutations(message)) {
            const key = what.replace(/^without /, '');
            if (what.startsWith('without ') && optionalFields(name, type).includes(key)) continue;
            assert.equal(guard(value), false, `${type} ${what} was accepted`);
          }
        });
      }
    }
    it('refuses non-objects, arrays, unknown types', () => {
      for (const bad of [null, undefined, 42, 'ready', [], [{ type: 'ready' }], { type: 'nonsense' }, {}]) assert.equal(guard(bad), false, JSON.stringify(bad));
    });
  });
}

describe('protocol guards', () => {
  for (const name of Object.keys(MESSAGE_SCHEMAS) as SchemaName[]) checkGuard(name);

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
