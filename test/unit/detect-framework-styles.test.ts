// Framework idioms written as own fixtures (test/fixtures/detect/styles/frameworks.py), each cell
// the way that framework's users commonly write it: the expected name, range, kind and gate →
// lines are hand labels read off the fixture.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectCells, type DetectedCell } from '../../src/detect';

const dir = path.join(__dirname, '..', 'fixtures', 'detect', 'styles');

function cell(file: string, name: string): Pick<DetectedCell, 'kind' | 'range' | 'layout' | 'gates'> | undefined {
  const found = detectCells(fs.readFileSync(path.join(dir, file), 'utf8'), 'python').find((c) => c.name === name);
  return found && { kind: found.kind, range: found.range, layout: found.layout, gates: found.gates };
}

describe('detectCells: framework idioms', () => {
  it('Haiku: a Linear made and called in one expression (`hk.Linear(4 * H)(x_and_h)`) is the fused product', () => {
    assert.deepEqual(cell('frameworks.py', 'HaikuLSTM'), {
      kind: 'lstm',
      range: { start: 1, end: 9 },
      layout: 'fused',
      gates: { i: [4, 5, 7], f: [4, 5, 6], g: [4, 5, 7], o: [4, 5, 8], c: [7], h: [8] },
    });
  });

  it('MXNet Gluon: F.FullyConnected is a product, F.Activation(x, act_type="tanh") a tanh (the candidate), "sigmoid" a sigmoid', () => {
    assert.deepEqual(cell('frameworks.py', 'GluonLSTM'), {
      kind: 'lstm',
      range: { start: 12, end: 24 },
      layout: 'fused',
      gates: { i: [14, 15, 16, 17, 18], f: [14, 15, 16, 17, 19], g: [14, 15, 16, 17, 20], o: [14, 15, 16, 17, 21], c: [22], h: [23] },
    });
  });

  it("Keras: a candidate activated inside the c update takes the pre-activation it reads there (x_c's line is g's, not c's)", () => {
    assert.deepEqual(cell('frameworks.py', 'KerasStyle'), {
      kind: 'lstm',
      range: { start: 27, end: 40 },
      layout: 'per-gate',
      gates: { i: [31, 35], f: [32, 36], g: [33, 37], o: [34, 38], c: [37], h: [39] },
    });
  });

  it('DyNet: affine_transform is a product, gates sliced by pick_range, logistic is a sigmoid, a candidate named u', () => {
    assert.deepEqual(cell('frameworks.py', 'dynet_lstm'), {
      kind: 'lstm',
      range: { start: 43, end: 51 },
      layout: 'fused',
      gates: { i: [44, 45], f: [44, 46], g: [44, 48], o: [44, 47], c: [49], h: [50] },
    });
  });

  it('TF 1: `_linear([inputs, h], 4 * units)` is the fused product; i, j, f, o activated inside the updates', () => {
    assert.deepEqual(cell('frameworks.py', 'TF1Cell'), {
      kind: 'lstm',
      range: { start: 54, end: 61 },
      layout: 'fused',
      gates: { i: [57, 58, 59], f: [57, 58, 59], g: [57, 58, 59], o: [57, 58, 60], c: [59], h: [60] },
    });
  });

  it('PyTorch: a GRU of per-gate layers, an Elman RNN of i2h/h2h layers, and the tutorial RNN whose hidden state is a Linear of cat((input, hidden)) with no activation', () => {
    assert.deepEqual(cell('frameworks.py', 'MinimalGRU'), { kind: 'gru', range: { start: 64, end: 70 }, layout: 'per-gate', gates: { r: [67], z: [66], n: [68], h: [69] } });
    assert.deepEqual(cell('frameworks.py', 'ElmanRNN'), { kind: 'rnn', range: { start: 73, end: 80 }, layout: 'per-gate', gates: { h: [79] } });
    assert.deepEqual(cell('frameworks.py', 'ConcatRNN'), { kind: 'rnn', range: { start: 83, end: 93 }, layout: 'per-gate', gates: { h: [90] } });
  });
});

describe('detectCells: cells written without a tensor library', () => {
  const all = (file: string, language: 'python' | 'javascript') =>
    detectCells(fs.readFileSync(path.join(dir, file), 'utf8'), language).map(({ name, kind, range, gates }) => ({ name, kind, range, gates }));

  it('products written out element by element (`p["Wi"][j][k] * x[k]` in a sum, `W.Wi[j][k] * x[k]` accumulated) are the pre-activations; a numpy class with its backward pass beside; a GRU named update/reset/candidate; the 1997 LSTM', () => {
    assert.deepEqual(all('plain_python.py', 'python'), [
      { name: 'lstm_unit', kind: 'lstm', range: { start: 4, end: 21 }, gates: { i: [11, 15], f: [12, 16], g: [13, 17], o: [14, 18], c: [19], h: [20] } },
      { name: 'NumpyLSTM', kind: 'lstm', range: { start: 24, end: 42 }, gates: { i: [28], f: [27], g: [29], o: [30], c: [31], h: [32] } },
      { name: 'gru_forward', kind: 'gru', range: { start: 45, end: 50 }, gates: { r: [47], z: [46], n: [48], h: [49] } },
      { name: 'lstm_no_forget', kind: 'lstm-no-forget', range: { start: 53, end: 59 }, gates: { i: [54], g: [56], o: [55], c: [57], h: [58] } },
    ]);
    assert.deepEqual(all('element_loops.js', 'javascript'), [
      { name: 'lstmStep', kind: 'lstm', range: { start: 1, end: 19 }, gates: { i: [6, 11], f: [7, 12], g: [8, 13], o: [9, 14], c: [16], h: [17] } },
    ]);
  });
});

describe('detectCells: more PyTorch and Keras idioms', () => {
  const all = () => detectCells(fs.readFileSync(path.join(dir, 'torch_keras.py'), 'utf8'), 'python').map(({ name, kind, peephole, gates }) => ({ name, kind, peephole, gates }));

  it('a ConvLSTM, activations as tensor methods (f.sigmoid()), a tuple of activated slices, IndRNN (an elementwise recurrent weight), numpy peepholes, a Keras GRU; a loop over a cell is no cell', () => {
    assert.deepEqual(all(), [
      { name: 'ConvLSTMCell', kind: 'lstm', peephole: undefined, gates: { i: [9, 10, 11], f: [9, 10, 12], g: [9, 10, 14], o: [9, 10, 13], c: [15], h: [16] } },
      { name: 'LayerNormLSTM', kind: 'lstm', peephole: undefined, gates: { i: [27, 28, 29], f: [27, 28, 29], g: [27, 28, 29], o: [27, 28, 30], c: [29], h: [30] } },
      { name: 'NaiveLSTM', kind: 'lstm', peephole: undefined, gates: { i: [40, 42], f: [40, 43], g: [40, 44], o: [40, 45], c: [47], h: [48] } },
      { name: 'IndRNNCell', kind: 'rnn', peephole: undefined, gates: { h: [58] } },
      { name: 'peephole_np', kind: 'lstm', peephole: true, gates: { i: [63], f: [64], g: [65], o: [67], c: [66], h: [68] } },
      { name: 'KerasGRU', kind: 'gru', peephole: undefined, gates: { r: [84, 85, 86, 87, 89], z: [84, 85, 86, 87, 88], n: [84, 85, 86, 87, 90, 91], h: [92] } },
    ]);
  });
});

describe('detectCells: TS/JS idioms', () => {
  it("math.js's multiply is a product, `.map(sigmoid)` an activation over the elements; a TF.js GRU returning its new state from tf.tidy; activations as tensor methods (f.sigmoid().mul(cPrev)) after layers' apply", () => {
    const found = detectCells(fs.readFileSync(path.join(dir, 'js_idioms.js'), 'utf8'), 'javascript').map(({ name, kind, gates }) => ({ name, kind, gates }));
    assert.deepEqual(found, [
      { name: 'lstmForward', kind: 'lstm', gates: { i: [4, 6], f: [4, 7], g: [4, 9], o: [4, 8], c: [10], h: [11] } },
      { name: 'TfjsGRU', kind: 'gru', gates: { r: [18, 19, 20, 21, 23], z: [18, 19, 20, 21, 22], n: [18, 19, 20, 21, 24], h: [25] } },
      { name: 'Lstm', kind: 'lstm', gates: { i: [33, 34, 35], f: [33, 34, 35], g: [33, 34, 35], o: [33, 34, 36], c: [35], h: [36] } },
    ]);
  });
});
