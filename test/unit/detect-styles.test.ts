// Smaller styles people write cells in, as inline sources (line 1 is the first line of each
// template), plus robustness: odd input never throws, unsupported languages are named.
import assert from 'node:assert/strict';
import { detectCells, detectForgetBiases } from '../../src/detect';

describe('detectCells: more ways of writing a cell', () => {
  it('JavaScript without semicolons: a chained product over three lines, split and activated in one statement', () => {
    const source = `const tf = require('@tensorflow/tfjs')

function lstmStep(x, h, c, W, U, b) {
  const z = tf.matMul(x, W)
    .add(tf.matMul(h, U))
    .add(b)
  const [i, f, g, o] = tf.split(z, 4, 1).map((t, k) => (k === 2 ? tf.tanh(t) : tf.sigmoid(t)))
  const cNext = f.mul(c).add(i.mul(g))
  const hNext = o.mul(tf.tanh(cNext))
  return [hNext, cNext]
}
`;
    assert.deepEqual(detectCells(source, 'javascript'), [
      {
        name: 'lstmStep',
        kind: 'lstm',
        layout: 'fused',
        optionalForgetGate: false,
        range: { start: 3, end: 11 },
        gates: { i: [4, 5, 6, 7], f: [4, 5, 6, 7], g: [4, 5, 6, 7], o: [4, 5, 6, 7], c: [8], h: [9] },
      },
    ]);
  });

  it('a @torch.jit.script function (range from the decorator), i/f/candidate/o after chunk, hy/cy; a peephole LSTM; the tutorial RNN on torch.cat', () => {
    const source = `import torch


@torch.jit.script
def lstm_cell(x, hx, cx, w_ih, w_hh):
    gates = x.mm(w_ih.t()) + hx.mm(w_hh.t())
    i, f, candidate, o = gates.chunk(4, 1)
    i = i.sigmoid()
    f = f.sigmoid()
    candidate = candidate.tanh()
    o = o.sigmoid()
    cy = f * cx + i * candidate
    hy = o * cy.tanh()
    return hy, cy


def peephole(x, h, c, W, U, P, b):
    c_hat = torch.tanh(x @ W["c"] + h @ U["c"] + b["c"])
    i = torch.sigmoid(x @ W["i"] + h @ U["i"] + P["i"] * c + b["i"])
    f = torch.sigmoid(x @ W["f"] + h @ U["f"] + P["f"] * c + b["f"])
    c = f * c + i * c_hat
    o = torch.sigmoid(x @ W["o"] + h @ U["o"] + P["o"] * c + b["o"])
    h = o * torch.tanh(c)
    return h, c


class TutorialRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(input_size + hidden_size, output_size)

    def forward(self, input, hidden):
        combined = torch.cat((input, hidden), 1)
        hidden = torch.tanh(self.i2h(combined))
        output = self.i2o(combined)
        return output, hidden
`;
    assert.deepEqual(detectCells(source, 'python'), [
      {
        name: 'lstm_cell',
        kind: 'lstm',
        layout: 'fused',
        optionalForgetGate: false,
        range: { start: 4, end: 14 },
        gates: { i: [6, 7, 8], f: [6, 7, 9], g: [6, 7, 10], o: [6, 7, 11], c: [12], h: [13] },
      },
      { name: 'peephole', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, peephole: true, range: { start: 17, end: 24 }, gates: { i: [19], f: [20], g: [18], o: [22], c: [21], h: [23] } },
      { name: 'TutorialRNN', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, range: { start: 27, end: 37 }, gates: { h: [35] } },
    ]);
  });

  it("the 1997 LSTM is 'lstm-no-forget'; a one-line `if use_forget_gate:` makes the gate optional; gates without a state update are 'unknown'; ReLU RNNs", () => {
    const source = `def lstm_1997(x, h, c, W, U, b):
    i = sigmoid(W["i"] @ x + U["i"] @ h + b["i"])
    o = sigmoid(W["o"] @ x + U["o"] @ h + b["o"])
    g = np.tanh(W["g"] @ x + U["g"] @ h + b["g"])
    c = c + i * g
    h = o * np.tanh(c)
    return h, c

def step(x, h, c, use_forget_gate=True):
    z = x @ W + h @ U + b
    i, f, g, o = np.split(z, 4, axis=-1)
    i, g, o = sigmoid(i), np.tanh(g), sigmoid(o)
    if use_forget_gate: c = sigmoid(f) * c + i * g
    else: c = c + i * g
    h = o * np.tanh(c)
    return h, c

def gates_only(x, h, W, U):
    i = torch.sigmoid(x @ W[0] + h @ U[0])
    f = torch.sigmoid(x @ W[1] + h @ U[1])
    o = torch.sigmoid(x @ W[2] + h @ U[2])
    return i, f, o

def relu_rnn(x, h_prev, W_xh, W_hh, b):
    return np.maximum(0, x @ W_xh + h_prev @ W_hh + b)

def relu_rnn2(x, h_prev, W_xh, W_hh, b):
    h = F.relu(x @ W_xh + h_prev @ W_hh + b)
    return h
`;
    assert.deepEqual(detectCells(source, 'python'), [
      { name: 'lstm_1997', kind: 'lstm-no-forget', layout: 'per-gate', optionalForgetGate: false, range: { start: 1, end: 7 }, gates: { i: [2], g: [4], o: [3], c: [5], h: [6] } },
      {
        name: 'step',
        kind: 'lstm',
        layout: 'fused',
        optionalForgetGate: true,
        range: { start: 9, end: 16 },
        gates: { i: [10, 11, 12], f: [10, 11, 13], g: [10, 11, 12], o: [10, 11, 12], c: [13, 14], h: [15] },
      },
      { name: 'gates_only', kind: 'unknown', layout: 'per-gate', optionalForgetGate: false, range: { start: 18, end: 22 }, gates: { i: [19], f: [20], o: [21] } },
      { name: 'relu_rnn', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, range: { start: 24, end: 25 }, gates: { h: [25] } },
      { name: 'relu_rnn2', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, range: { start: 27, end: 29 }, gates: { h: [28] } },
    ]);
  });

  it("top-level code (Karpathy's min-char-rnn loop) is reported as '<module>' with the range of its gate lines", () => {
    const source = `hprev = np.zeros((hidden_size, 1))
hs[-1] = np.copy(hprev)
for t in range(len(inputs)):
    xs[t] = np.zeros((vocab_size, 1))
    xs[t][inputs[t]] = 1
    hs[t] = np.tanh(np.dot(Wxh, xs[t]) + np.dot(Whh, hs[t-1]) + bh)
    ys[t] = np.dot(Why, hs[t]) + by
`;
    assert.deepEqual(detectCells(source, 'python'), [{ name: '<module>', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, range: { start: 6, end: 6 }, gates: { h: [6] } }]);
  });

  it('TypeScript: a GRU class with camelCase gates in tf.tidy, an arrow-function RNN step, and a tf.layers.lstm with unitForgetBias', () => {
    const source = `import * as tf from '@tensorflow/tfjs';
export class MinimalGru {
  private wz!: tf.Variable; private uz!: tf.Variable;
  step(x: tf.Tensor2D, h: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const updateGate = tf.sigmoid(tf.add(tf.matMul(x, this.wz), tf.matMul(h, this.uz)));
      const resetGate = tf.sigmoid(x.matMul(this.wr).add(h.matMul(this.ur)));
      const candidate = tf.tanh(x.matMul(this.wn).add(resetGate.mul(h).matMul(this.un)));
      const hNext = tf.sub(1, updateGate).mul(h).add(updateGate.mul(candidate));
      return hNext as tf.Tensor2D;
    });
  }
}
const layer = tf.layers.lstm({ units: 125, unitForgetBias: true, returnSequences: true });
export const rnnStep = (x: tf.Tensor, h: tf.Tensor, w: tf.Tensor, u: tf.Tensor) => tf.tanh(x.matMul(w).add(h.matMul(u)));
`;
    assert.deepEqual(detectCells(source, 'typescript'), [
      { name: 'MinimalGru', kind: 'gru', layout: 'per-gate', optionalForgetGate: false, range: { start: 2, end: 13 }, gates: { r: [7], z: [6], n: [8], h: [9] } },
      { name: 'rnnStep', kind: 'rnn', layout: 'per-gate', optionalForgetGate: false, range: { start: 15, end: 15 }, gates: { h: [15] } },
    ]);
    assert.deepEqual(
      detectForgetBiases(source, 'typescript').map((b) => [b.line, b.value]),
      [[14, 1]],
    );
  });
});

describe('detectCells: capitals, activations inside the update, state kept on the object', () => {
  it('textbook capitals (I, F, O, C_tilda, H; Z, R, H_tilde) in loops over the inputs', () => {
    const source = `def lstm_forward(xs, state, p):
    (H, C) = state
    ys = []
    for X in xs:
        I = torch.sigmoid(X @ p.Wxi + H @ p.Whi + p.bi)
        F = torch.sigmoid(X @ p.Wxf + H @ p.Whf + p.bf)
        O = torch.sigmoid(X @ p.Wxo + H @ p.Who + p.bo)
        C_tilda = torch.tanh(X @ p.Wxc + H @ p.Whc + p.bc)
        C = F * C + I * C_tilda
        H = O * torch.tanh(C)
        ys.append(H @ p.Whq + p.bq)
    return ys, (H, C)


def gru_forward(xs, H, p):
    for X in xs:
        Z = torch.sigmoid(X @ p.Wxz + H @ p.Whz + p.bz)
        R = torch.sigmoid(X @ p.Wxr + H @ p.Whr + p.br)
        H_tilde = torch.tanh(X @ p.Wxh + (R * H) @ p.Whh + p.bh)
        H = Z * H + (1 - Z) * H_tilde
    return H


class InlineCell(nn.Module):
    def forward(self, x, state):
        h, c = state
        i, f, g, o = self.lin(torch.cat([x, h], 1)).chunk(4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c
`;
    assert.deepEqual(detectCells(source, 'python'), [
      { name: 'lstm_forward', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, range: { start: 1, end: 12 }, gates: { i: [5], f: [6], g: [8], o: [7], c: [9], h: [10] } },
      { name: 'gru_forward', kind: 'gru', layout: 'per-gate', optionalForgetGate: false, range: { start: 15, end: 21 }, gates: { r: [18], z: [17], n: [19], h: [20] } },
      // The chunk line gives all four; each gate's sigmoid/tanh sits inside the c or h update.
      { name: 'InlineCell', kind: 'lstm', layout: 'fused', optionalForgetGate: false, range: { start: 24, end: 30 }, gates: { i: [27, 28], f: [27, 28], g: [27, 28], o: [27, 29], c: [28], h: [29] } },
    ]);
  });

  it('TypeScript: state held in this.h / this.c, gates from one split and map', () => {
    const source = `export class StatefulLstm {
  private h: tf.Tensor2D;
  private c: tf.Tensor2D;
  step(x: tf.Tensor2D): tf.Tensor2D {
    const gates = tf.matMul(tf.concat([x, this.h], 1), this.kernel).add(this.bias);
    const [i, f, g, o] = tf.split(gates, 4, 1).map((t, k) => (k === 2 ? t.tanh() : t.sigmoid()));
    this.c = f.mul(this.c).add(i.mul(g));
    this.h = o.mul(this.c.tanh());
    return this.h;
  }
}
`;
    assert.deepEqual(detectCells(source, 'typescript'), [
      { name: 'StatefulLstm', kind: 'lstm', layout: 'fused', optionalForgetGate: false, range: { start: 1, end: 11 }, gates: { i: [5, 6], f: [5, 6], g: [5, 6], o: [5, 6], c: [7], h: [8] } },
    ]);
  });
});

describe('detectCells: gates without a variable of their own', () => {
  it("TensorFlow 1's i, j, f, o split (j is the candidate) with every activation inside the updates; forget_bias default", () => {
    const source = `def basic_lstm(x, h, c, kernel, bias, forget_bias=1.0):
    z = tf.matmul(tf.concat([x, h], 1), kernel) + bias
    i, j, f, o = tf.split(z, 4, axis=1)
    new_c = c * tf.sigmoid(f + forget_bias) + tf.sigmoid(i) * tf.tanh(j)
    new_h = tf.tanh(new_c) * tf.sigmoid(o)
    return new_h, new_c
`;
    assert.deepEqual(detectCells(source, 'python'), [
      {
        name: 'basic_lstm',
        kind: 'lstm',
        layout: 'fused',
        optionalForgetGate: false,
        forgetBias: 1,
        range: { start: 1, end: 6 },
        gates: { i: [2, 3, 4], f: [2, 3, 4], g: [2, 3, 4], o: [2, 3, 5], c: [4], h: [5] },
      },
    ]);
  });

  it('a size read off the fused product (H = z.shape[1] // 4) is not a gate line', () => {
    const source = `def step(x, h, c, W, U, b):
    z = x @ W + h @ U + b
    H = z.shape[1] // 4
    i = sigmoid(z[:, :H])
    f = sigmoid(z[:, H:2 * H])
    g = np.tanh(z[:, 2 * H:3 * H])
    o = sigmoid(z[:, 3 * H:])
    c = f * c + i * g
    h = o * np.tanh(c)
    return h, c
`;
    assert.deepEqual(detectCells(source, 'python')[0].gates, { i: [2, 4], f: [2, 5], g: [2, 6], o: [2, 7], c: [8], h: [9] });
  });

  it("Keras-style Python cell: per-gate kernels, h_tm1, the candidate's activation written inside the c update", () => {
    const source = `class KerasStyleLSTMCell(Layer):
    def call(self, inputs, states, training=None):
        h_tm1 = states[0]
        c_tm1 = states[1]
        x_i = K.dot(inputs, self.kernel_i)
        x_f = K.dot(inputs, self.kernel_f)
        x_c = K.dot(inputs, self.kernel_c)
        x_o = K.dot(inputs, self.kernel_o)
        i = self.recurrent_activation(x_i + K.dot(h_tm1, self.recurrent_kernel_i))
        f = self.recurrent_activation(x_f + K.dot(h_tm1, self.recurrent_kernel_f))
        c = f * c_tm1 + i * self.activation(x_c + K.dot(h_tm1, self.recurrent_kernel_c))
        o = self.recurrent_activation(x_o + K.dot(h_tm1, self.recurrent_kernel_o))
        h = o * self.activation(c)
        return h, [h, c]
`;
    assert.deepEqual(detectCells(source, 'python'), [
      // x_c (line 7) is read only inside the candidate's activation in the c update: it is the candidate's pre-activation.
      {
        name: 'KerasStyleLSTMCell',
        kind: 'lstm',
        layout: 'per-gate',
        optionalForgetGate: false,
        range: { start: 1, end: 14 },
        gates: { i: [5, 9], f: [6, 10], g: [7, 11], o: [8, 12], c: [11], h: [13] },
      },
    ]);
  });

  it('a forget gate computed inside a flag-guarded update (no f variable): kind lstm, optional, f on the line of its sigmoid', () => {
    const source = `class FlagCell {
  step(x: tf.Tensor2D, hPrev: tf.Tensor2D, cPrev: tf.Tensor2D) {
    const i = tf.sigmoid(this.affine('i', x, hPrev));
    const g = tf.tanh(this.affine('g', x, hPrev));
    const o = tf.sigmoid(this.affine('o', x, hPrev));
    const c = this.useForget
      ? tf.sigmoid(this.affine('f', x, hPrev)).mul(cPrev).add(i.mul(g))
      : cPrev.add(i.mul(g));
    const h = o.mul(tf.tanh(c));
    return [h, c];
  }
}
`;
    assert.deepEqual(detectCells(source, 'typescript'), [
      { name: 'FlagCell', kind: 'lstm', layout: 'per-gate', optionalForgetGate: true, range: { start: 1, end: 12 }, gates: { i: [3], f: [7], g: [4], o: [5], c: [6, 7, 8], h: [9] } },
    ]);
  });
});

describe('detectCells: JavaScript object literals and callbacks', () => {
  it('a method in an object literal is a cell named owner.method; h inside the returned array counts', () => {
    const source = `const cell = {
  units: 4,
  step(x, h, c) {
    const i = tf.sigmoid(x.matMul(this.Wi).add(h.matMul(this.Ui)));
    const f = tf.sigmoid(x.matMul(this.Wf).add(h.matMul(this.Uf)));
    const g = tf.tanh(x.matMul(this.Wg).add(h.matMul(this.Ug)));
    const o = tf.sigmoid(x.matMul(this.Wo).add(h.matMul(this.Uo)));
    const cNext = f.mul(c).add(i.mul(g));
    return [o.mul(tf.tanh(cNext)), cNext];
  },
};
const sizes = [1, 2, 3].map(function (n) {
  return { n, double: n * 2 };
});
`;
    assert.deepEqual(detectCells(source, 'javascript'), [
      { name: 'cell.step', kind: 'lstm', layout: 'per-gate', optionalForgetGate: false, range: { start: 1, end: 10 }, gates: { i: [4], f: [5], g: [6], o: [7], c: [8], h: [9] } },
    ]);
  });
});

describe('detectForgetBiases: literal settings', () => {
  const cases: [string, number][] = [
    ['lstm.b_f.data = torch.ones_like(lstm.b_f.data)', 1],
    ['lstm.b_f.data = -torch.ones_like(lstm.b_f.data)', -1],
    ['lstm.b_f.data = torch.zeros_like(lstm.b_f.data)', 0],
    ['self.b_f = Parameter(2.0 * torch.ones(hidden_sz))', 2],
    ['cell.b_f.data.fill_(-0.5)', -0.5],
    ['nn.init.constant_(self.forget_gate.bias, 1.0)', 1],
    ['cell = tf.compat.v1.nn.rnn_cell.LSTMCell(125, forget_bias=1.0)', 1],
    ['self.bias.data[self.hidden_size:2 * self.hidden_size] = 1', 1],
    ['self.bias.data[HS:HS * 2].fill_(3)', 3],
    ['model.lstm.bias_f = np.full((H,), -2.0)', -2],
  ];
  for (const [line, value] of cases) {
    it(`${line} → ${value}`, () => {
      assert.deepEqual(
        detectForgetBiases(line, 'python').map((b) => b.value),
        [value],
      );
    });
  }

  it('non-literal or unrelated assignments are not forget biases', () => {
    const source = ['self.b_f = Parameter(torch.Tensor(hidden_sz))', 'self.forget_bias = forget_bias', 'b_i.data.fill_(1.0)', 'self.bias.data[:HS] = 1', 'x = torch.ones(3)'].join('\n');
    assert.deepEqual(detectForgetBiases(source, 'python'), []);
  });
});

describe('detectCells: robustness and errors', () => {
  it('empty, unbalanced or garbled sources give no cells and do not throw', () => {
    const inputs = [
      '',
      '\n\n',
      'def f(:\n    i = torch.sigmoid(',
      'class {{{ ]]] )))',
      '"""unterminated\ni = sigmoid(x)',
      'function f() { const i = tf.sigmoid(',
      '}}}}',
      "'unterminated\n`template ${x}",
    ];
    for (const source of inputs) {
      for (const language of ['python', 'typescript', 'javascript'] as const) assert.deepEqual(detectCells(source, language), [], `${language}: ${JSON.stringify(source)}`);
    }
  });

  it('gate names inside comments and strings do not count', () => {
    const source = `def not_a_cell(x):
    # i = torch.sigmoid(x @ W_i + h @ U_i); c = f * c + i * g
    doc = "f = sigmoid(x @ W); c = f * c + i * g; h = o * tanh(c)"
    return doc
`;
    assert.deepEqual(detectCells(source, 'python'), []);
  });

  it('an unsupported language id is named in the error', () => {
    assert.throws(() => detectCells('x = 1', 'rust' as 'python'), /unsupported language 'rust'.*python, typescript, javascript/);
  });
});
