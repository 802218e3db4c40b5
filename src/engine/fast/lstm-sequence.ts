// The fast LSTM over a whole sequence, as one differentiable op (tf.customGrad) with a
// hand-written backward pass through time. Same mathematics as the fused LSTM:
//
//   gates_t = x_t W_ih + h_{t-1} W_hh + b          (columns i | f | g | o, each H wide)
//   i = σ(·), f = σ(·), g = tanh(·), o = σ(·)
//   c_t = f ⊙ c_{t-1} + i ⊙ g                       (no forget gate: c_t = c_{t-1} + i ⊙ g)
//   h_t = o ⊙ tanh(c_t)
//
// Where the time goes, and how it is kept small:
// - x W_ih + b for all timesteps: one [B·T, E]·[E, 4H] matmul before the loop.
// - per step: one [B, H]·[H, 4H] product and two vectorised σ straight over the wasm heap
//   (step-product.ts), with the element-wise algebra fused in JS loops over Float32Arrays;
//   no tensors, no op dispatch.
// - backward per step: one fused element-wise loop and one [B, 4H]·[4H, H] product.
// - weight gradients after the loop as two large plain matmuls (operands transposed
//   explicitly, never the slow transposed-matmul path): [dW_ih; dW_hh] = [X | H_prev]ᵀ dG
//   in one product, dx = dG W_ihᵀ; db = Σ dG over the rows.
// - kept for the backward pass: the gate activations [B·T, 4H], c_t and tanh(c_t)
//   [B·T, H], the hidden states (the output itself): nothing per step beyond those.
import * as tf from '@tensorflow/tfjs';
import { createStepProduct, createStepSigmoid } from './step-product';

export interface LstmSequenceOutput {
  /** [B, T, H]: h_1 … h_T. */
  hiddenSeq: tf.Tensor3D;
  /** [B, H]: h_T and c_T. */
  finalH: tf.Tensor2D;
  finalC: tf.Tensor2D;
}

export interface Shapes {
  batch: number;
  steps: number;
  inputSize: number;
  hiddenSize: number;
}

/** What the forward pass keeps for the backward pass (plain arrays: never disposed by a tidy). */
export interface Tape {
  /** Gate activations i, f, g, o per (b, t) row: [B·T, 4H]. */
  gates: Float32Array;
  /** c_t per (b, t) row: [B·T, H]. */
  cells: Float32Array;
  /** tanh(c_t): [B·T, H]. */
  tanhCells: Float32Array;
  /** The op's output [B, T+1, H]: h_1..h_T, then c_T in the last slot. */
  output: Float32Array;
  /** h_0 and c_0 broadcast to [B, H]. */
  h0: Float32Array;
  c0: Float32Array;
}

/** Broadcasts a [1, H] or [B, H] state to [B, H], as a flat array. */
function broadcastState(values: Float32Array, rows: number, batch: number, hiddenSize: number): Float32Array {
  if (rows === batch) return values;
  const out = new Float32Array(batch * hiddenSize);
  for (let b = 0; b < batch; b++) out.set(values.subarray(0, hiddenSize), b * hiddenSize);
  return out;
}

/** The forward pass over flat arrays (also used by the fast probe). h0, c0: [B, H]. */
export function forwardPass(s: Shapes, forgetGate: boolean, preActivations: Float32Array, weightHh: tf.Tensor2D, h0: Float32Array, c0: Float32Array): Tape {
  const { batch: B, steps: T, hiddenSize: H } = s;
  const H4 = 4 * H;
  const gates = preActivations; // overwritten in place with the activations
  const cells = new Float32Array(B * T * H);
  const tanhCells = new Float32Array(B * T * H);
  const output = new Float32Array(B * (T + 1) * H);
  const cState = Float32Array.from(c0);
  const recurrent = createStepProduct(weightHh, B);
  // All five nonlinearities of a step go through one vectorised σ each for the gates
  // and for c: tanh(x) = 2σ(2x) − 1, so the g columns and c enter σ doubled.
  const gateSigmoid = createStepSigmoid(B * H4);
  const cellSigmoid = createStepSigmoid(B * H);
  try {
    recurrent.input().set(h0);
    for (let t = 0; t < T; t++) {
      const hh = recurrent.run(); // h_{t-1} W_hh, [B, 4H]
      const gateIn = gateSigmoid.input();
      for (let b = 0; b < B; b++) {
        const gateRow = (b * T + t) * H4;
        const row = b * H4;
        for (let k = 0; k < 2 * H; k++) gateIn[row + k] = gates[gateRow + k]! + hh[row + k]!;
        for (let k = 2 * H; k < 3 * H; k++) gateIn[row + k] = 2 * (gates[gateRow + k]! + hh[row + k]!);
        for (let k = 3 * H; k < H4; k++) gateIn[row + k] = gates[gateRow + k]! + hh[row + k]!;
      }
      const sig = gateSigmoid.run();
      const cellIn = cellSigmoid.input();
      for (let b = 0; b < B; b++) {
        const gateRow = (b * T + t) * H4;
        const row = b * H4;
        const cellRow = (b * T + t) * H;
        const stateRow = b * H;
        for (let j = 0; j < H; j++) {
          const i = sig[row + j]!;
          const g = 2 * sig[row + 2 * H + j]! - 1;
          let c: number;
          if (forgetGate) {
            const f = sig[row + H + j]!;
            gates[gateRow + H + j] = f;
            c = f * cState[stateRow + j]! + i * g;
          } else {
            gates[gateRow + H + j] = 1; // the 1997 LSTM: the old cell passes through unscaled
            c = cState[stateRow + j]! + i * g;
          }
          gates[gateRow + j] = i;
          gates[gateRow + 2 * H + j] = g;
          gates[gateRow + 3 * H + j] = sig[row + 3 * H + j]!;
          cState[stateRow + j] = c;
          cells[cellRow + j] = c;
          cellIn[stateRow + j] = 2 * c;
        }
      }
      const sigCell = cellSigmoid.run();
      const hNext = recurrent.input(); // safe to overwrite: this step's product is done
      for (let b = 0; b < B; b++) {
        const gateRow = (b * T + t) * H4;
        const cellRow = (b * T + t) * H;
        const outRow = (b * (T + 1) + t) * H;
        const stateRow = b * H;
        for (let j = 0; j < H; j++) {
          const tc = 2 * sigCell[stateRow + j]! - 1;
          const h = gates[gateRow + 3 * H + j]! * tc;
          tanhCells[cellRow + j] = tc;
          output[outRow + j] = h;
          hNext[stateRow + j] = h;
        }
      }
    }
  } finally {
    recurrent.dispose();
    gateSigmoid.dispose();
    cellSigmoid.dispose();
  }
  for (let b = 0; b < B; b++) output.set(cState.subarray(b * H, (b + 1) * H), (b * (T + 1) + T) * H);
  return { gates, cells, tanhCells, output, h0, c0 };
}

interface Gradients {
  dx: tf.Tensor3D;
  dWeightIh: tf.Tensor2D;
  dWeightHh: tf.Tensor2D;
  dBias: tf.Tensor1D;
  dH0: tf.Tensor2D;
  dC0: tf.Tensor2D;
}

function backwardPass(s: Shapes, forgetGate: boolean, tape: Tape, dy: Float32Array, x: tf.Tensor3D, weightIh: tf.Tensor2D, weightHh: tf.Tensor2D, h0Rows: number, c0Rows: number): Gradients {
  const { batch: B, steps: T, inputSize: E, hiddenSize: H } = s;
  const H4 = 4 * H;
  const { gates, cells, tanhCells, output } = tape;
  const dGates = new Float32Array(B * T * H4);
  const dBias = new Float64Array(H4);
  const dc = new Float32Array(B * H);
  const dhRecurrent = new Float32Array(B * H); // dL/dh_t through h_t W_hh of step t+1
  for (let b = 0; b < B; b++) dc.set(dy.subarray((b * (T + 1) + T) * H, (b * (T + 1) + T + 1) * H), b * H);

  const weightHhT = tf.transpose(weightHh) as tf.Tensor2D; // [4H, H], made once: the loop's product is plain
  const recurrent = createStepProduct(weightHhT, B);
  try {
    for (let t = T - 1; t >= 0; t--) {
      const dGatesStep = recurrent.input();
      for (let b = 0; b < B; b++) {
        const gateRow = (b * T + t) * H4;
        const cellRow = (b * T + t) * H;
        const prevCellRow = cellRow - H;
        const dyRow = (b * (T + 1) + t) * H;
        const stateRow = b * H;
        const stepRow = b * H4;
        for (let j = 0; j < H; j++) {
          const gi = gateRow + j;
          const i = gates[gi]!;
          const f = gates[gi + H]!;
          const g = gates[gi + 2 * H]!;
          const o = gates[gi + 3 * H]!;
          const tc = tanhCells[cellRow + j]!;
          const dh = dy[dyRow + j]! + dhRecurrent[stateRow + j]!;
          const dcTotal = dc[stateRow + j]! + dh * o * (1 - tc * tc);
          const dO = dh * tc * o * (1 - o);
          const dI = dcTotal * g * i * (1 - i);
          const dG = dcTotal * i * (1 - g * g);
          let dF = 0;
          if (forgetGate) {
            const cPrev = t > 0 ? cells[prevCellRow + j]! : tape.c0[stateRow + j]!;
            dF = dcTotal * cPrev * f * (1 - f);
            dc[stateRow + j] = dcTotal * f;
          } else {
            dc[stateRow + j] = dcTotal;
          }
          dGates[gi] = dI;
          dGates[gi + H] = dF;
          dGates[gi + 2 * H] = dG;
          dGates[gi + 3 * H] = dO;
          dGatesStep[stepRow + j] = dI;
          dGatesStep[stepRow + j + H] = dF;
          dGatesStep[stepRow + j + 2 * H] = dG;
          dGatesStep[stepRow + j + 3 * H] = dO;
        }
      }
      dhRecurrent.set(recurrent.run()); // dG_t W_hhᵀ = dL/dh_{t-1} (from step t), [B, H]
    }
  } finally {
    recurrent.dispose();
    weightHhT.dispose();
  }
  for (let r = 0; r < B * T; r++) {
    const row = r * H4;
    for (let k = 0; k < H4; k++) dBias[k]! += dGates[row + k]!;
  }

  // dW_ih and dW_hh in one product, [x_t | h_{t-1}]ᵀ · dG, built transposed here so the
  // big dG is packed by XNNPACK once: rows 0..E-1 are xᵀ, rows E..E+H-1 are h_{t-1}ᵀ
  // (h_0 at t = 0, then the outputs shifted by one step); column b·T + t.
  const rowsBT = B * T;
  const stackedT = new Float32Array((E + H) * rowsBT);
  const xValues = x.dataSync() as Float32Array; // [B·T, E]
  for (let r = 0; r < rowsBT; r++) {
    for (let e = 0; e < E; e++) stackedT[e * rowsBT + r] = xValues[r * E + e]!;
  }
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const column = b * T + t;
      const source = t === 0 ? tape.h0 : output;
      const offset = t === 0 ? b * H : (b * (T + 1) + t - 1) * H;
      for (let j = 0; j < H; j++) stackedT[(E + j) * rowsBT + column] = source[offset + j]!;
    }
  }

  return tf.tidy(() => {
    const dGatesMatrix = tf.tensor2d(dGates, [rowsBT, H4]);
    const dx = tf.reshape(tf.matMul(dGatesMatrix, tf.transpose(weightIh)), [B, T, E]) as tf.Tensor3D;
    const dWeights = tf.matMul(tf.tensor2d(stackedT, [E + H, rowsBT]), dGatesMatrix);
    const dWeightIh = tf.slice(dWeights, [0, 0], [E, H4]) as tf.Tensor2D;
    const dWeightHh = tf.slice(dWeights, [E, 0], [H, H4]) as tf.Tensor2D;
    const dH0 = tf.tensor2d(dhRecurrent, [B, H]);
    const dC0 = tf.tensor2d(dc, [B, H]);
    return {
      dx,
      dWeightIh,
      dWeightHh,
      dBias: tf.tensor1d(Float32Array.from(dBias)),
      // A [1, H] initial state was broadcast over the batch: its gradient sums over it.
      dH0: h0Rows === B ? dH0 : (tf.sum(dH0, 0, true) as tf.Tensor2D),
      dC0: c0Rows === B ? dC0 : (tf.sum(dC0, 0, true) as tf.Tensor2D),
    };
  });
}

/**
 * Runs the LSTM over x [B, T, E] from (h0, c0) ([B, H] or [1, H]). Differentiable with
 * respect to x, h0, c0 and the three weights. Call inside tf.tidy (it returns new tensors).
 */
export function fastLstmSequence(x: tf.Tensor3D, weightIh: tf.Tensor2D, weightHh: tf.Tensor2D, bias: tf.Tensor1D, h0: tf.Tensor2D, c0: tf.Tensor2D, forgetGate: boolean): LstmSequenceOutput {
  const [B, T, E] = x.shape;
  const H = weightHh.shape[0];
  const shapes: Shapes = { batch: B, steps: T, inputSize: E, hiddenSize: H };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, wIh, wHh, b, h0In, c0In] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D];
    const save = args[6] as tf.GradSaveFunc;
    const preActivations = tf.tidy(() => tf.add(tf.matMul(tf.reshape(xIn, [B * T, E]), wIh), b));
    const preValues = preActivations.dataSync() as Float32Array; // a copy we own and overwrite
    preActivations.dispose();
    const h0Values = broadcastState(h0In.dataSync() as Float32Array, h0In.shape[0], B, H);
    const c0Values = broadcastState(c0In.dataSync() as Float32Array, c0In.shape[0], B, H);
    const tape = forwardPass(shapes, forgetGate, preValues, wHh, h0Values, c0Values);
    // The backward pass needs x and the weights as they are now; saved tensors outlive the tidy.
    save([xIn, wIh, wHh]);
    return {
      value: tf.tensor3d(tape.output, [B, T + 1, H]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xSaved, wIhSaved, wHhSaved] = saved as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
        const g = backwardPass(shapes, forgetGate, tape, dy.dataSync() as Float32Array, xSaved, wIhSaved, wHhSaved, h0In.shape[0], c0In.shape[0]);
        return [g.dx, g.dWeightIh, g.dWeightHh, g.dBias, g.dH0, g.dC0];
      },
    };
  });
  const packed = op(x, weightIh, weightHh, bias, h0, c0) as tf.Tensor3D; // [B, T+1, H]
  return {
    hiddenSeq: tf.slice(packed, [0, 0, 0], [B, T, H]),
    finalH: tf.reshape(tf.slice(packed, [0, T - 1, 0], [B, 1, H]), [B, H]),
    finalC: tf.reshape(tf.slice(packed, [0, T, 0], [B, 1, H]), [B, H]),
  };
}
