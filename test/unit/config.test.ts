// Settings → TrainConfig/ProbeConfig: presets match the notebook, every bad value is refused
// with a message naming the setting and its accepted range.
import assert from 'node:assert/strict';
import { buildProbeConfig, buildTrainConfig, estimateTrainMemoryMB, parseForgetBiases, readSettings } from '../../src/host/core/config';

const brown = { kind: 'brown' } as const;

describe('host config: presets', () => {
  it("Notebook preset is the notebook's configuration (embedding 50, hidden 125, batch 32, 500 chars, Adam 1e-3, one epoch, 90/10 split)", () => {
    const { config, errors } = buildTrainConfig({ cell: 'naive-lstm', preset: 'notebook', corpus: brown }, {});
    assert.deepEqual(errors, []);
    assert.ok(config);
    assert.equal(config.embeddingSize, 50);
    assert.equal(config.hiddenSize, 125);
    assert.equal(config.batchSize, 32);
    assert.equal(config.seqLen, 500);
    assert.equal(config.learningRate, 0.001);
    assert.equal(config.epochs, 1);
    assert.equal(config.valFraction, 0.1);
    assert.equal(config.forgetGate, true);
    assert.equal(config.forgetBias, 0);
    assert.equal(config.maxBatches, undefined, 'the notebook trains the whole epoch');
  });

  it("Notebook preset ignores the user's settings (it is the notebook, whatever they set)", () => {
    const { config } = buildTrainConfig({ cell: 'fused-lstm', preset: 'notebook', corpus: brown }, { hiddenSize: 7, seqLen: 3 });
    assert.equal(config?.hiddenSize, 125);
    assert.equal(config?.seqLen, 500);
  });

  it('Quick preset: sequences of 100 and about 50 batches', () => {
    const { config } = buildTrainConfig({ cell: 'fused-lstm', preset: 'quick', corpus: brown }, {});
    assert.equal(config?.seqLen, 100);
    assert.equal(config?.maxBatches, 50);
    assert.equal(config?.hiddenSize, 125);
  });

  it('Custom preset takes the settings', () => {
    const { config, errors } = buildTrainConfig(
      { cell: 'simple-rnn', preset: 'custom', corpus: brown },
      { hiddenSize: 64, embeddingSize: 16, batchSize: 8, seqLen: 50, epochs: 3, learningRate: 0.01, seed: 7 },
    );
    assert.deepEqual(errors, []);
    assert.deepEqual([config?.hiddenSize, config?.embeddingSize, config?.batchSize, config?.seqLen, config?.epochs, config?.learningRate, config?.seed], [64, 16, 8, 50, 3, 0.01, 7]);
  });

  it('overrides from a command argument are applied and checked', () => {
    const ok = buildTrainConfig({ cell: 'fused-lstm', preset: 'quick', corpus: brown, overrides: { maxBatches: 5, seqLen: 20 } }, {});
    assert.equal(ok.config?.maxBatches, 5);
    assert.equal(ok.config?.seqLen, 20);
    const bad = buildTrainConfig({ cell: 'fused-lstm', preset: 'quick', corpus: brown, overrides: { maxBatches: 0 } }, {});
    assert.equal(bad.config, undefined);
    assert.match(bad.errors.join('\n'), /maxBatches is 0; it must be an integer from 1/);
  });
});

describe('host config: bad settings are refused with the setting named and its range', () => {
  const cases: [string, unknown, RegExp][] = [
    ['hiddenSize', 0, /lstmLab\.hiddenSize is 0; it must be an integer from 1 to 4096/],
    ['hiddenSize', -5, /lstmLab\.hiddenSize is -5/],
    ['hiddenSize', 12.5, /lstmLab\.hiddenSize is 12\.5; it must be an integer/],
    ['hiddenSize', 1e9, /lstmLab\.hiddenSize is 1000000000; it must be an integer from 1 to 4096/],
    ['hiddenSize', 'big', /lstmLab\.hiddenSize is "big"/],
    ['embeddingSize', 0, /lstmLab\.embeddingSize is 0/],
    ['learningRate', 0, /lstmLab\.learningRate is 0; it must be a number greater than 0/],
    ['learningRate', -0.1, /lstmLab\.learningRate is -0\.1/],
    ['learningRate', Number.NaN, /lstmLab\.learningRate is NaN/],
    ['learningRate', Number.POSITIVE_INFINITY, /lstmLab\.learningRate is Infinity/],
    ['seqLen', 1, /lstmLab\.seqLen is 1; it must be an integer from 2/],
    ['epochs', 0, /lstmLab\.epochs is 0; it must be an integer from 1/],
    ['batchSize', 0, /lstmLab\.batchSize is 0/],
    ['seed', -1, /lstmLab\.seed is -1/],
  ];
  for (const [setting, value, message] of cases) {
    it(`${setting} = ${String(value)}`, () => {
      const { config, errors } = buildTrainConfig({ cell: 'naive-lstm', preset: 'custom', corpus: brown }, { [setting]: value });
      assert.equal(config, undefined, 'no config when a setting is bad');
      assert.match(errors.join('\n'), message);
    });
  }

  it('every bad setting is reported at once, not just the first', () => {
    const { errors } = buildTrainConfig({ cell: 'naive-lstm', preset: 'custom', corpus: brown }, { hiddenSize: 0, learningRate: -1, epochs: 0 });
    assert.equal(errors.length, 3);
  });

  it('backend and defaultPreset must be one of their values', () => {
    const { errors } = readSettings({ backend: 'cuda', defaultPreset: 'fast' });
    assert.match(errors.join('\n'), /lstmLab\.backend is "cuda"; it must be one of auto, native, wasm, cpu/);
    assert.match(errors.join('\n'), /lstmLab\.defaultPreset is "fast"; it must be one of quick, notebook, custom/);
  });

  it('an unknown cell kind or an empty text corpus is refused', () => {
    const r1 = buildTrainConfig({ cell: 'transformer' as never, preset: 'quick', corpus: brown }, {});
    assert.match(r1.errors.join('\n'), /cell is "transformer"; it must be one of naive-lstm/);
    const r2 = buildTrainConfig({ cell: 'naive-lstm', preset: 'quick', corpus: { kind: 'text', text: '', name: 'untitled-1' } }, {});
    assert.match(r2.errors.join('\n'), /text of untitled-1 is empty/);
  });

  it('an absurd combination is refused with its memory estimate', () => {
    const { config, errors } = buildTrainConfig({ cell: 'naive-lstm', preset: 'custom', corpus: brown }, { hiddenSize: 4096, batchSize: 1024, seqLen: 5000 });
    assert.equal(config, undefined);
    assert.match(errors.join('\n'), /needs about [\d,]+ MB for training .* more than the 4,096 MB/);
  });
});

describe('host config: memory estimate', () => {
  it("puts the notebook's configuration near the 1–1.5 GB peak measured here, and grows with sequence length", () => {
    const notebook = estimateTrainMemoryMB({ batchSize: 32, seqLen: 500, hiddenSize: 125, embeddingSize: 50 });
    assert.ok(notebook > 800 && notebook < 2000, `estimate ${notebook} MB`);
    const quick = estimateTrainMemoryMB({ batchSize: 32, seqLen: 100, hiddenSize: 125, embeddingSize: 50 });
    assert.ok(quick < notebook);
  });
});

describe('host config: probe', () => {
  it("defaults to the notebook's five series, 100 steps, B 32, E 50, H 125", () => {
    const { config, errors } = buildProbeConfig({}, {});
    assert.deepEqual(errors, []);
    assert.equal(config?.series.length, 5);
    assert.deepEqual(
      config?.series.map((s) => [s.cell, s.forgetGate, s.forgetBias]),
      [
        ['simple-rnn', false, 0],
        ['naive-lstm', false, 0],
        ['naive-lstm', true, 1],
        ['naive-lstm', true, 0],
        ['naive-lstm', true, -1],
      ],
    );
    assert.deepEqual([config?.steps, config?.batchSize, config?.embeddingSize, config?.hiddenSize], [100, 32, 50, 125]);
  });

  it('takes probeSteps from settings and refuses a bad one', () => {
    assert.equal(buildProbeConfig({}, { probeSteps: 30 }).config?.steps, 30);
    assert.match(buildProbeConfig({}, { probeSteps: 0 }).errors.join('\n'), /lstmLab\.probeSteps is 0; it must be an integer from 1/);
  });

  it('parses free forget-bias input, including a typographic minus', () => {
    assert.deepEqual(parseForgetBiases('1, 0, -1').values, [1, 0, -1]);
    assert.deepEqual(parseForgetBiases('2.5 \u22123').values, [2.5, -3]);
    assert.match(parseForgetBiases('1, abc').error ?? '', /"abc" is not a forget-bias value/);
    assert.match(parseForgetBiases('  ').error ?? '', /at least one/);
  });
});
