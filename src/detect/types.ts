// Plain data the detector returns. No imports: src/detect depends on node built-ins only,
// so GateName is restated here (identical to the engine's, structurally compatible).

/** LSTM: i, f, g (candidate), o, c (cell state), h (hidden state). RNN: h. GRU: r, z, n, h. */
export type GateName = 'i' | 'f' | 'g' | 'o' | 'c' | 'h' | 'r' | 'z' | 'n';

export type DetectLanguage = 'python' | 'typescript' | 'javascript';

export type DetectedKind = 'lstm' | 'lstm-no-forget' | 'rnn' | 'gru' | 'unknown';

/** 'fused': one product for all gates, then split (chunk/split/slices); 'per-gate': weights per gate. A simple RNN is reported as 'per-gate'. */
export type DetectedLayout = 'per-gate' | 'fused';

export interface LineRange {
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

export interface DetectedCell {
  /** Class or function name; '<module>' for code at the top level of a file or notebook cell. */
  name: string;
  kind: DetectedKind;
  layout: DetectedLayout;
  /** True when the forget gate is switched by a flag (the notebook's `use_forget_gate`) or a condition on it. */
  optionalForgetGate: boolean;
  /** An LSTM with peephole connections: its gates also read the cell state (`sigmoid(W x + U h + p ⊙ c)`). Absent otherwise. */
  peephole?: true;
  /** A literal forget-bias assignment inside the cell's own range (`b_f ... ones` → 1, `forget_bias=1.0` → 1). */
  forgetBias?: number;
  /** The whole class or function, decorators included. 1-based, inclusive. */
  range: LineRange;
  /** For each gate, the sorted 1-based lines that compute it. */
  gates: Partial<Record<GateName, number[]>>;
}

export interface ForgetBiasAssignment {
  /** 1-based line of the statement that sets it. */
  line: number;
  value: number;
  /** The statement's source text, trimmed. */
  text: string;
}
