// The panel half of issue 8 without a browser: the inspect messages' guards (both ways), the
// webview's unit ranking and pattern positions against the engine's own topUnits and
// positionsMatching, the heat colours against their definition, saturation bookkeeping, the
// CSV files, and the worker loop running a real inspect job and forwarding saturation.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../src/engine/backend';
import { positionsMatching, topUnits } from '../../src/engine/inspect';
import type { ActivationCapture, SaturationReport } from '../../src/shared/inspect-types';
import { probe } from '../../src/engine/probe';
import { sample } from '../../src/engine/sampler';
import { train } from '../../src/engine/trainer';
import type { TrainConfig } from '../../src/shared/types';
import { isHostToWebview, isHostToWorker, isRunRecord, isWebviewToHost, isWorkerToHost, type WorkerToHost } from '../../src/shared/protocol';
import { checkTfjsInput } from '../../src/tfjs-cell';
import { runInspectJob } from '../../src/worker/inspect-jobs';
import { WorkerLoop } from '../../src/worker/worker';
import {
  applySaturation,
  captureCsv,
  composite,
  contrastRatio,
  gateScale,
  gradientFlowCsv,
  heatColor,
  heatLevel,
  parseColor,
  positionsOfPattern,
  rankUnits,
  textColorOn,
} from '../../webview/inspect-model';
import { restoreInspectState, defaultInspectState } from '../../webview/inspect-view-state';

function capture(): ActivationCapture {
  const chars = Array.from('the 😀 cat, the hat');
  const H = 5;
  const rows = (f: (t: number, u: number) => number) => chars.map((_, t) => Array.from({ length: H }, (_, u) => f(t, u)));
  return {
    cell: 'naive-lstm',
    forgetGate: true,
    hiddenSize: H,
    chars,
    ids: chars.map(() => 2),
    gateNames: ['i', 'f', 'g', 'o', 'c', 'h'],
    gates: {
      i: rows((t, u) => (Math.sin(t * 1.7 + u * 3.1) + 1) / 2),
      f: rows((t, u) => (Math.cos(t * 0.9 - u) + 1) / 2),
      g: rows((t, u) => Math.tanh(Math.sin(t + u))),
      o: rows((t, u) => (Math.sin(t * 0.4 + u) + 1) / 2),
      c: rows((t, u) => 3 * Math.sin(t * 0.3 + u)),
      h: rows((t, u) => Math.tanh(Math.sin(t * 0.3 + u))),
    },
  };
}

describe('inspect panel: messages, model, worker', function () {
  this.timeout(120_000);

  it('guards: well-formed inspect messages pass both ways; malformed ones are refused', () => {
    const c = capture();
    assert.ok(isWebviewToHost({ type: 'inspect', requestId: 'r1', runId: 'train-1', request: { kind: 'capture', text: 'abc' } }));
    assert.ok(isWebviewToHost({ type: 'inspect', requestId: 'r1', runId: 'train-1', request: { kind: 'probeTrained', steps: 50, batchSize: 32 } }));
    assert.ok(!isWebviewToHost({ type: 'inspect', requestId: 'r1', runId: 'train-1', request: { kind: 'probeTrained', steps: 0, batchSize: 32 } }));
    assert.ok(!isWebviewToHost({ type: 'inspect', requestId: 'r1', runId: 'train-1', request: { kind: 'capture', text: 7 } }));
    assert.ok(!isWebviewToHost({ type: 'inspect', runId: 'train-1', request: { kind: 'capture', text: 'a' } }));
    assert.ok(isWebviewToHost({ type: 'chartImages', images: [], csv: [{ name: 'activations.csv', text: 'a,b\n' }] }));
    assert.ok(!isWebviewToHost({ type: 'chartImages', images: [], csv: [{ name: '../evil.csv', text: '' }] }), 'a CSV name cannot leave the export folder');
    assert.ok(isHostToWorker({ type: 'inspect', id: 'i1', job: { kind: 'sample', prime: 'a', temperature: 1, length: 5, checkpoint: '/x' } }));
    assert.ok(!isHostToWorker({ type: 'inspect', id: 'i1', job: { kind: 'sample', prime: 'a', temperature: 1, length: 5 } }), 'a job needs its checkpoint');
    assert.ok(isWorkerToHost({ type: 'inspectDone', id: 'i1', result: { kind: 'capture', capture: c } }));
    assert.ok(isHostToWebview({ type: 'inspectResult', requestId: 'r', runId: 'x', result: { kind: 'capture', capture: c } }));
    const ragged = { ...c, gates: { ...c.gates, f: c.gates.f!.slice(1) } };
    assert.ok(!isHostToWebview({ type: 'inspectResult', requestId: 'r', runId: 'x', result: { kind: 'capture', capture: ragged } }));
    const extraGate = { ...c, gateNames: ['h'] };
    assert.ok(!isWorkerToHost({ type: 'inspectDone', id: 'i1', result: { kind: 'capture', capture: extraGate } }));
    const report: SaturationReport = { scope: 'batch', epoch: 1, batch: 2, step: 2, count: 10, gates: [{ gate: 'i', low: 0.1, high: 0.2 }] };
    assert.ok(isWorkerToHost({ type: 'saturation', id: 't', report }));
    assert.ok(!isWorkerToHost({ type: 'saturation', id: 't', report: { ...report, gates: [{ gate: 'g', low: 0, high: 0 }] } }), 'only sigmoid gates saturate');
    const run = { id: 'r', kind: 'train', title: 't', status: 'done', createdAt: 1, batches: [], epochs: [], probeSeries: [] };
    assert.ok(isRunRecord({ ...run, saturation: [report] }));
    assert.ok(isRunRecord(run), 'older runs without saturation still load');
    assert.ok(!isRunRecord({ ...run, saturation: [{ ...report, scope: 'week' }] }));
  });

  it("the webview's unit ranking and pattern positions equal the engine's topUnits and positionsMatching", () => {
    const c = capture();
    for (const pattern of ['the', 'a', '[aeiou]', '😀 c', 'h.t', ' ']) {
      const positions = positionsOfPattern(c.chars, pattern);
      assert.deepEqual(positions, positionsMatching(c.chars, pattern), pattern);
      for (const gate of c.gateNames) assert.deepEqual(rankUnits(c, positions, gate, 5), topUnits(c, { positions }, gate, { limit: 5 }), `${pattern} / ${gate}`);
    }
    assert.throws(() => positionsOfPattern(c.chars, '(['), /not a valid regular expression/);
    assert.throws(() => rankUnits(c, [], 'h'), /matches no character/);
    assert.throws(
      () =>
        rankUnits(
          c,
          c.chars.map((_, t) => t),
          'h',
        ),
      /matches every character/,
    );
  });

  it('heat colours: opacity is the value on [0, 1] for sigmoid gates, |value| / bound for g, h and c, in the theme colour of its sign', () => {
    const colors = { positive: '#3794ff', negative: 'rgb(241, 76, 76)' };
    assert.deepEqual(parseColor('#3794ff'), [0x37, 0x94, 0xff]);
    assert.deepEqual(parseColor('#abc'), [0xaa, 0xbb, 0xcc]);
    assert.equal(heatColor(0.25, gateScale('i', []), colors), 'rgba(55, 148, 255, 0.250)');
    assert.equal(heatColor(-0.5, gateScale('h', []), colors), 'rgba(241, 76, 76, 0.500)');
    assert.equal(heatColor(1.5, gateScale('c', [3, -1.5, 2]), colors), 'rgba(55, 148, 255, 0.500)');
    assert.equal(heatLevel(7, gateScale('f', [])), 1, 'clipped');
    assert.equal(heatColor(Number.NaN, gateScale('o', []), colors), 'transparent');
  });

  it('text on a heat colour: the theme foreground where it reads (WCAG 4.5), else black or white, at every strength in Dark and Light Modern', () => {
    // WCAG's own reference points: black on white 21:1; #767676 on white 4.54:1 (the lightest grey passing AA).
    assert.ok(Math.abs(contrastRatio([0, 0, 0], [255, 255, 255]) - 21) < 1e-9);
    assert.ok(Math.abs(contrastRatio([0x76, 0x76, 0x76], [255, 255, 255]) - 4.54) < 0.01);
    assert.deepEqual(composite('rgba(55, 148, 255, 0.500)', '#1f1f1f'), [43, 89.5, 143]);
    assert.deepEqual(composite('transparent', '#1f1f1f'), [31, 31, 31]);
    const themes = [
      { name: 'dark', page: '#181818', foreground: '#cccccc', colors: { positive: '#3794ff', negative: '#f14c4c' } },
      { name: 'light', page: '#f8f8f8', foreground: '#3b3b3b', colors: { positive: '#1a85ff', negative: '#e51400' } },
    ];
    for (const theme of themes) {
      assert.equal(textColorOn(heatColor(0.05, gateScale('i', []), theme.colors), theme.page, theme.foreground), theme.foreground, `${theme.name}: a faint cell keeps the page's text colour`);
      for (let k = -100; k <= 100; k++) {
        const fill = heatColor(k / 100, gateScale('h', []), theme.colors);
        const text = parseColor(textColorOn(fill, theme.page, theme.foreground))!;
        const ratio = contrastRatio(text, composite(fill, theme.page));
        assert.ok(ratio >= 4.5, `${theme.name}, level ${k / 100}: contrast ${ratio.toFixed(2)}`);
      }
    }
  });

  it('saturation reports join their run once, in order; CSV files have one record per value', () => {
    const run = { id: 'r', kind: 'train' as const, title: 't', status: 'running' as const, createdAt: 1, batches: [], epochs: [], probeSeries: [] };
    const report = (step: number): SaturationReport => ({ scope: 'batch', epoch: 1, batch: step, step, count: 10, gates: [{ gate: 'f', low: 0, high: step / 10 }] });
    let runs = applySaturation([run], 'r', report(2));
    runs = applySaturation(runs, 'r', report(4));
    runs = applySaturation(runs, 'r', report(4));
    runs = applySaturation(runs, 'r', report(3));
    runs = applySaturation(runs, 'unknown', report(9));
    assert.deepEqual(
      runs.map((r) => r.saturation?.map((s) => s.step)),
      [[2, 4]],
    );
    const c = capture();
    const lines = captureCsv(c).trim().split('\n');
    assert.equal(lines.length, 1 + c.chars.length * c.gateNames.length);
    assert.equal(lines[1], `0,t,i,${c.gates.i![0].join(',')}`);
    assert.ok(lines.includes(`9,",",h,${c.gates.h![9].join(',')}`), 'a comma is quoted');
    const flowCsv = gradientFlowCsv({
      cell: 'naive-lstm',
      chars: ['a', 'b', 'c'],
      targets: ['b', 'c', 'd'],
      norms: [
        [1, 0, 0],
        [0.5, 2, 0],
        [0.1, 0.2, 3],
      ],
      losses: [1, 1, 1],
      byDistance: [2, 0.35, 0.1],
      seconds: 0,
    });
    assert.deepEqual(flowCsv.trim().split('\n'), ['t,s,input_char_s,target_char_t,norm', '0,0,a,b,1', '1,0,a,c,0.5', '1,1,b,c,2', '2,0,a,d,0.1', '2,1,b,d,0.2', '2,2,c,d,3']);
  });

  it('restores the inspect choices field by field, falling back to defaults for anything malformed', () => {
    assert.deepEqual(restoreInspectState(undefined), defaultInspectState());
    const restored = restoreInspectState({ text: 'abc', gate: 'q', unit: -2, temperature: 9, length: 50, open: { saturation: false, inspect: 'yes' } });
    assert.equal(restored.text, 'abc');
    assert.equal(restored.gate, defaultInspectState().gate);
    assert.equal(restored.unit, null, 'no unit chosen: the capture opens on its most varying one');
    assert.equal(restored.temperature, defaultInspectState().temperature);
    assert.equal(restored.length, 50);
    assert.deepEqual(restored.open, { saturation: false, inspect: true });
  });

  it('the worker loop trains with saturation reports and answers an inspect job on the checkpoint', async () => {
    await initBackend('auto');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inspect-panel-'));
    const text = fs.readFileSync(path.join(__dirname, '../fixtures/text/small.txt'), 'utf8');
    const config: TrainConfig = {
      cell: 'fused-lstm',
      forgetGate: true,
      forgetBias: 0,
      hiddenSize: 8,
      embeddingSize: 4,
      batchSize: 4,
      seqLen: 12,
      epochs: 1,
      maxBatches: 3,
      learningRate: 0.01,
      seed: 1,
      valFraction: 0.2,
      corpus: { kind: 'text', text, name: 'small' },
    };
    const sent: WorkerToHost[] = [];
    const loop = new WorkerLoop(
      { initBackend: async () => 'wasm', train, probe, sample: ({ corpusDir: _c, ...c }) => sample(c), inspect: runInspectJob, checkCell: checkTfjsInput },
      (m) => sent.push(m),
      () => undefined,
    );
    const until = async (check: () => boolean) => {
      for (let k = 0; k < 1200 && !check(); k++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(check(), `timed out; sent ${sent.map((m) => m.type).join(', ')}`);
    };
    loop.handle({ type: 'init', backend: 'auto', wasmDir: '', corpusDir: '' });
    loop.handle({ type: 'train', id: 't1', config, checkpointDir: dir });
    await until(() => sent.some((m) => m.type === 'trainDone' || m.type === 'error'));
    const done = sent.find((m): m is Extract<WorkerToHost, { type: 'trainDone' }> => m.type === 'trainDone');
    assert.ok(done?.result.checkpoint, JSON.stringify(sent.filter((m) => m.type === 'error')));
    const saturation = sent.filter((m): m is Extract<WorkerToHost, { type: 'saturation' }> => m.type === 'saturation');
    // maxBatches 3 → a report after every batch, and one after the epoch on validation text.
    assert.deepEqual(
      saturation.map((m) => `${m.report.scope}${m.report.batch}`),
      ['batch1', 'batch2', 'batch3', 'epoch3'],
    );
    for (const m of sent) assert.ok(isWorkerToHost(m), `every message the worker sends passes the host's guard (${m.type})`);

    loop.handle({ type: 'inspect', id: 'i1', job: { kind: 'capture', text: 'the cat', checkpoint: done.result.checkpoint } });
    loop.handle({ type: 'inspect', id: 'i2', job: { kind: 'sample', prime: 'th', temperature: 1, length: 0, checkpoint: done.result.checkpoint } });
    await until(() => sent.some((m) => 'id' in m && m.id === 'i2'));
    const answer = sent.find((m): m is Extract<WorkerToHost, { type: 'inspectDone' }> => m.type === 'inspectDone' && m.id === 'i1');
    assert.ok(answer && answer.result.kind === 'capture');
    assert.equal(answer.result.capture.chars.join(''), 'the cat');
    assert.equal(answer.result.capture.hiddenSize, 8);
    const refused = sent.find((m) => m.type === 'error' && m.id === 'i2');
    assert.match(refused && refused.type === 'error' ? refused.message : '', /sample length must be a whole number from 1 to 2000/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
