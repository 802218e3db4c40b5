// Every cell kind LSTM Lab knows, and every fact about it that is not an implementation:
// its names, family, gates, equations, weights and their initialisation. No TF.js and no
// imports, so the engine, the extension host, the webview and the CLI all read the same
// facts from here. The engine's registry (src/engine/cells/registry.ts) adds one
// implementation per kind; a unit test checks the two agree.
//
// Adding a cell kind: an entry in CELL_CATALOG (and, for a new family, an entry in
// CELL_FAMILIES), plus its implementation file. See docs/architecture.md.

/** Gate/state names. LSTM: i, f, g (candidate), o, c (cell state), h. RNN: h. GRU: r, z, n, h. */
export type GateName = 'i' | 'f' | 'g' | 'o' | 'c' | 'h' | 'r' | 'z' | 'n';
export const GATE_NAMES: readonly GateName[] = ['i', 'f', 'g', 'o', 'c', 'h', 'r', 'z', 'n'];

/** What each gate/state letter is called, for labels and tooltips. */
export const GATE_LABELS: Record<GateName, string> = {
  i: 'input gate',
  f: 'forget gate',
  g: 'candidate',
  o: 'output gate',
  c: 'cell state',
  h: 'hidden state',
  r: 'reset gate',
  z: 'update gate',
  n: 'new gate',
};

/** How each gate's values range: a sigmoid gate in (0, 1), a tanh in (−1, 1), a cell state unbounded. */
export const GATE_RANGE: Record<GateName, 'sigmoid' | 'tanh' | 'unbounded'> = {
  i: 'sigmoid',
  f: 'sigmoid',
  g: 'tanh',
  o: 'sigmoid',
  c: 'unbounded',
  h: 'tanh',
  r: 'sigmoid',
  z: 'sigmoid',
  n: 'tanh',
};

/** One line of a cell's equations, as shown (KaTeX) in the panel. */
export interface EquationLine {
  gate: GateName;
  /** Human label, e.g. "forget gate". */
  label: string;
  /** KaTeX source of the line, e.g. "f_t = \\sigma(x_t W_{if} + h_{t-1} W_{hf} + b_f)". */
  latex: string;
}

/** A weight's dimensions: E is the input (embedding) size, H the hidden size. */
export type WeightDim = 'E' | 'H';

/**
 * One weight in the per-gate layout (PerGateWeights in types.ts), in the order the seeded initialisation draws them:
 * matrices xavier-uniform from one stream, biases zero (b_f: the forget bias).
 */
export interface WeightSpec {
  name: string;
  shape: readonly [WeightDim, WeightDim] | readonly [WeightDim];
  init: 'xavier-uniform' | 'zeros' | 'forget-bias';
}

/** The argument of σ/tanh for a gate, in a cell's own notation. */
export type PreActivation = (gate: GateName) => string;

/** What the cells of one family share: their maths, gates, state and weights. */
export interface FamilySpec {
  /** e.g. "LSTM". */
  name: string;
  /** Id of the panel's default equation set for this family (the panel's selector). */
  equationSet: string;
  /** The kind whose notation the panel's default equation set uses. */
  showcase: string;
  /** Gates and states, in equation order. */
  gates: readonly GateName[];
  /** H-wide column blocks of the input and recurrent products (LSTM 4: i, f, g, o). */
  gateBlocks: number;
  /** Its sigmoid gates (what saturation is measured on). */
  sigmoidGates: readonly GateName[];
  /** Recurrent state carried from step to step. */
  state: readonly ('h' | 'c')[];
  /** Weights in the per-gate layout, in initialisation order. */
  weights: readonly WeightSpec[];
  /** The equation lines, given the cell's notation; forgetGate only matters where the family has one. */
  equations(forgetGate: boolean, preActivation: PreActivation): EquationLine[];
}

const LSTM_GATES = ['i', 'f', 'g', 'o'] as const;

function lstmEquations(forgetGate: boolean, pre: PreActivation): EquationLine[] {
  const lines: EquationLine[] = [{ gate: 'i', label: GATE_LABELS.i, latex: `i_t = \\sigma(${pre('i')})` }];
  if (forgetGate) lines.push({ gate: 'f', label: GATE_LABELS.f, latex: `f_t = \\sigma(${pre('f')})` });
  lines.push(
    { gate: 'g', label: GATE_LABELS.g, latex: `g_t = \\tanh(${pre('g')})` },
    { gate: 'o', label: GATE_LABELS.o, latex: `o_t = \\sigma(${pre('o')})` },
    {
      gate: 'c',
      label: forgetGate ? GATE_LABELS.c : 'cell state (no forget gate)',
      latex: forgetGate ? 'c_t = f_t \\odot c_{t-1} + i_t \\odot g_t' : 'c_t = c_{t-1} + i_t \\odot g_t',
    },
    { gate: 'h', label: GATE_LABELS.h, latex: 'h_t = o_t \\odot \\tanh(c_t)' },
  );
  return lines;
}

export const CELL_FAMILIES = {
  lstm: {
    name: 'LSTM',
    equationSet: 'lstm',
    showcase: 'naive-lstm',
    gates: [...LSTM_GATES, 'c', 'h'],
    gateBlocks: 4,
    sigmoidGates: ['i', 'f', 'o'],
    state: ['h', 'c'],
    weights: LSTM_GATES.flatMap((gate): WeightSpec[] => [
      { name: `W_i${gate}`, shape: ['E', 'H'], init: 'xavier-uniform' },
      { name: `W_h${gate}`, shape: ['H', 'H'], init: 'xavier-uniform' },
      { name: `b_${gate}`, shape: ['H'], init: gate === 'f' ? 'forget-bias' : 'zeros' },
    ]),
    equations: lstmEquations,
  },
  rnn: {
    name: 'Simple RNN',
    equationSet: 'simple-rnn',
    showcase: 'simple-rnn',
    gates: ['h'],
    gateBlocks: 1,
    sigmoidGates: [],
    state: ['h'],
    weights: [
      { name: 'W_ih', shape: ['E', 'H'], init: 'xavier-uniform' },
      { name: 'W_hh', shape: ['H', 'H'], init: 'xavier-uniform' },
      { name: 'b', shape: ['H'], init: 'zeros' },
    ],
    equations: (_forgetGate, pre) => [{ gate: 'h', label: GATE_LABELS.h, latex: `h_t = \\tanh(${pre('h')})` }],
  },
  gru: {
    name: 'GRU',
    equationSet: 'gru',
    showcase: 'gru',
    gates: ['r', 'z', 'n', 'h'],
    gateBlocks: 3,
    sigmoidGates: ['r', 'z'],
    state: ['h'],
    // PyTorch's nn.GRU, with b_ir + b_hr as b_r and b_iz + b_hz as b_z; b_hn stays apart (r scales it).
    weights: [
      ...(['r', 'z'] as const).flatMap((gate): WeightSpec[] => [
        { name: `W_i${gate}`, shape: ['E', 'H'], init: 'xavier-uniform' },
        { name: `W_h${gate}`, shape: ['H', 'H'], init: 'xavier-uniform' },
        { name: `b_${gate}`, shape: ['H'], init: 'zeros' },
      ]),
      { name: 'W_in', shape: ['E', 'H'], init: 'xavier-uniform' },
      { name: 'W_hn', shape: ['H', 'H'], init: 'xavier-uniform' },
      { name: 'b_in', shape: ['H'], init: 'zeros' },
      { name: 'b_hn', shape: ['H'], init: 'zeros' },
    ],
    equations: (_forgetGate, pre) => [
      { gate: 'r', label: GATE_LABELS.r, latex: `r_t = \\sigma(${pre('r')})` },
      { gate: 'z', label: GATE_LABELS.z, latex: `z_t = \\sigma(${pre('z')})` },
      { gate: 'n', label: GATE_LABELS.n, latex: `n_t = \\tanh(${pre('n')})` },
      { gate: 'h', label: GATE_LABELS.h, latex: 'h_t = (1 - z_t) \\odot n_t + z_t \\odot h_{t-1}' },
    ],
  },
} as const satisfies Record<string, FamilySpec>;

export type CellFamily = keyof typeof CELL_FAMILIES;

/** Everything the catalog says about one cell kind. */
export interface CatalogEntry {
  /** For pickers and headings: the short name first (the one name of this kind everywhere), then what it is. */
  title: string;
  /** For run titles and the runs table, e.g. "OptimizedLSTM". */
  shortName: string;
  /** What the seed notebook ("Building an LSTM from scratch"), or the framework it names, calls it, e.g. "nn.LSTM". */
  seedNotebookName: string;
  /** The classes of LSTM Lab's tutorial notebook (media/tutorial) whose Train lens runs this kind; none for most. */
  tutorialCells: readonly string[];
  family: CellFamily;
  /** The forget gate: switchable (the 1997 LSTM without it), always there, or not part of the family. */
  forgetGate: 'optional' | 'always' | 'none';
  /** How the weights are held: one set per gate, fused into one matrix, or a library layer's. Detected code runs on the kind of its layout. */
  layout: 'per-gate' | 'fused' | 'library';
  /** The argument of each σ/tanh in this cell's own notation (its equations). */
  preActivation: PreActivation;
}

/** Columns of each gate in a fused [i | f | g | o] weight. */
const FUSED_COLUMNS: Partial<Record<GateName, string>> = { i: '0:H', f: 'H:2H', g: '2H:3H', o: '3H:4H' };
/** tf.layers.lstm names its kernel blocks i, f, c, o (c is the candidate). */
const KERNEL_BLOCK: Partial<Record<GateName, string>> = { i: 'i', f: 'f', g: 'c', o: 'o' };

/** Every cell kind, in the order pickers and tables list them. */
export const CELL_CATALOG = {
  'naive-lstm': {
    title: 'NaiveLSTM (naive LSTM: four gates, own weights)',
    shortName: 'NaiveLSTM',
    seedNotebookName: 'NaiveLSTM',
    tutorialCells: ['GateByGateLSTM', 'SwitchableForgetLSTM'],
    family: 'lstm',
    forgetGate: 'optional',
    layout: 'per-gate',
    preActivation: (gate) => `x_t W_{i${gate}} + h_{t-1} W_{h${gate}} + b_${gate}`,
  },
  'fused-lstm': {
    title: 'OptimizedLSTM (fused LSTM: one matmul per step)',
    shortName: 'OptimizedLSTM',
    seedNotebookName: 'OptimizedLSTM',
    tutorialCells: ['SideBySideLSTM'],
    family: 'lstm',
    forgetGate: 'optional',
    layout: 'fused',
    preActivation: (gate) => `\\left(x_t W_{ih} + h_{t-1} W_{hh} + b\\right)_{[${FUSED_COLUMNS[gate]}]}`,
  },
  'simple-rnn': {
    title: 'SimpleRNN (simple RNN, tanh)',
    shortName: 'SimpleRNN',
    seedNotebookName: 'SimpleRNN',
    tutorialCells: ['TanhRNN'],
    family: 'rnn',
    forgetGate: 'none',
    layout: 'per-gate',
    preActivation: () => 'x_t W_{ih} + h_{t-1} W_{hh} + b',
  },
  'builtin-lstm': {
    title: "tf.layers.lstm (built-in LSTM, the notebook's nn.LSTM)",
    shortName: 'tf.layers.lstm',
    seedNotebookName: 'nn.LSTM',
    tutorialCells: [],
    family: 'lstm',
    forgetGate: 'always',
    layout: 'library',
    preActivation: (gate) => `x_t K_${KERNEL_BLOCK[gate]} + h_{t-1} R_${KERNEL_BLOCK[gate]} + b_${KERNEL_BLOCK[gate]}`,
  },
  'fast-lstm': {
    title: 'FastLSTM (fast LSTM from scratch, faster than built-in)',
    shortName: 'FastLSTM',
    seedNotebookName: 'FastLSTM (the unwritten chapter)',
    tutorialCells: [],
    family: 'lstm',
    forgetGate: 'optional',
    layout: 'fused',
    preActivation: (gate) => `x_t W_{ih}^{(${gate})} + h_{t-1} W_{hh}^{(${gate})} + b^{(${gate})}`,
  },
  gru: {
    title: "GRU (reset and update gates, PyTorch's nn.GRU)",
    shortName: 'GRU',
    seedNotebookName: 'nn.GRU',
    tutorialCells: [],
    family: 'gru',
    forgetGate: 'none',
    layout: 'per-gate',
    preActivation: (gate) => (gate === 'n' ? 'x_t W_{in} + b_{in} + r_t \\odot (h_{t-1} W_{hn} + b_{hn})' : `x_t W_{i${gate}} + h_{t-1} W_{h${gate}} + b_${gate}`),
  },
} as const satisfies Record<string, CatalogEntry>;

/** A picker's second line for a kind: the tutorial's classes it trains ("in the tutorial: TanhRNN"); undefined for none. */
export function tutorialCellsNote(kind: CellKind): string | undefined {
  const cells = CELL_CATALOG[kind].tutorialCells;
  return cells.length ? `in the tutorial: ${cells.join(' and ')}` : undefined;
}

/** Every cell kind the engine knows. */
export type CellKind = keyof typeof CELL_CATALOG;

/** Every cell kind, in catalog order. */
export const CELL_KINDS = Object.keys(CELL_CATALOG) as CellKind[];

/** The notebook's comparison: its four models, in its order (NaiveLSTM, nn.LSTM, SimpleRNN, OptimizedLSTM). */
export const SEED_NOTEBOOK_COMPARISON: readonly CellKind[] = ['naive-lstm', 'builtin-lstm', 'simple-rnn', 'fused-lstm'];

export const isCellKind = (v: unknown): v is CellKind => typeof v === 'string' && Object.prototype.hasOwnProperty.call(CELL_CATALOG, v);

/** The catalog entry of `kind`; a clear error listing the valid kinds otherwise. */
export function catalogEntry(kind: string): CatalogEntry {
  if (!isCellKind(kind)) throw new Error(`Unknown cell kind '${kind}'. Valid kinds: ${CELL_KINDS.join(', ')}.`);
  return CELL_CATALOG[kind];
}

export function familyOf(kind: CellKind): FamilySpec {
  return CELL_FAMILIES[CELL_CATALOG[kind].family];
}

/** Whether the forget-gate and forget-bias settings mean anything for this kind. */
export function hasForgetGate(kind: CellKind): boolean {
  return CELL_CATALOG[kind].forgetGate !== 'none';
}

/** The kinds that can run without a forget gate (the 1997 LSTM). */
export function kindsWithoutForgetGate(): CellKind[] {
  return CELL_KINDS.filter((kind) => CELL_CATALOG[kind].forgetGate === 'optional');
}

/**
 * The kind that runs detected code of a family ('lstm', 'rnn', …) and weight layout: the
 * family's kind with that layout, else its first one; undefined when the catalog has none.
 */
export function kindForCode(family: string, layout: 'per-gate' | 'fused'): CellKind | undefined {
  const ofFamily = CELL_KINDS.filter((kind) => CELL_CATALOG[kind].family === family && CELL_CATALOG[kind].layout !== 'library');
  return ofFamily.find((kind) => CELL_CATALOG[kind].layout === layout) ?? ofFamily[0];
}

/** The equation lines `kind` implements; forgetGate: false on a cell that always has one is refused. */
export function cellEquations(kind: CellKind, options: { forgetGate: boolean }): EquationLine[] {
  const entry = CELL_CATALOG[kind];
  if (entry.forgetGate === 'always' && !options.forgetGate) {
    throw new Error(`${kind} has no variant without a forget gate; use ${kindsWithoutForgetGate().slice(0, 2).join(' or ')}.`);
  }
  return familyOf(kind).equations(entry.forgetGate !== 'none' && options.forgetGate, entry.preActivation);
}

/** Title of the equations shown for a cell: its own, or the 1997 LSTM's without a forget gate. */
export const NO_FORGET_GATE_TITLE = 'LSTM without forget gate (1997)';

/**
 * The equations the panel shows for a cell run with or without its forget gate: `cell` is
 * 'lstm-no-forget' for the 1997 LSTM (a cell that always has a forget gate shows the
 * per-gate notation then).
 */
export function shownEquations(kind: CellKind, forgetGate: boolean): { cell: CellKind | 'lstm-no-forget'; title: string; lines: EquationLine[] } {
  const noForget = !forgetGate && hasForgetGate(kind);
  if (!noForget) return { cell: kind, title: CELL_CATALOG[kind].title, lines: cellEquations(kind, { forgetGate: true }) };
  const notation = CELL_CATALOG[kind].forgetGate === 'optional' ? kind : kindsWithoutForgetGate()[0]!;
  return { cell: 'lstm-no-forget', title: NO_FORGET_GATE_TITLE, lines: cellEquations(notation, { forgetGate: false }) };
}

export type WeightShape = [number] | [number, number];

/** Weight names of `kind`, in the per-gate layout and initialisation order. */
export function weightNames(kind: CellKind): string[] {
  return familyOf(kind).weights.map((w) => w.name);
}

/** Weight shapes of a family for the given sizes, by name, in initialisation order. */
export function familyWeightShapes(family: CellFamily, inputSize: number, hiddenSize: number): Record<string, WeightShape> {
  const size = (dim: WeightDim) => (dim === 'E' ? inputSize : hiddenSize);
  const shapes: Record<string, WeightShape> = {};
  for (const w of (CELL_FAMILIES[family] as FamilySpec).weights) shapes[w.name] = w.shape.map(size) as WeightShape;
  return shapes;
}

/** Weight shapes of `kind` for the given sizes, by name, in initialisation order. */
export function weightShapes(kind: CellKind, inputSize: number, hiddenSize: number): Record<string, WeightShape> {
  return familyWeightShapes(CELL_CATALOG[kind].family, inputSize, hiddenSize);
}

/** The default equation sets of the panel's selector: one per family, plus the 1997 LSTM. */
export function defaultEquationSets(): { id: string; title: string; lines: EquationLine[] }[] {
  const sets: { id: string; title: string; lines: EquationLine[] }[] = [];
  for (const family of Object.values(CELL_FAMILIES) as FamilySpec[]) {
    const kind = family.showcase as CellKind;
    sets.push({ id: family.equationSet, title: family.name, lines: cellEquations(kind, { forgetGate: true }) });
    if (CELL_CATALOG[kind].forgetGate === 'optional') sets.push({ id: `${family.equationSet}-no-forget`, title: NO_FORGET_GATE_TITLE, lines: cellEquations(kind, { forgetGate: false }) });
  }
  return sets;
}

/** Which default equation set describes a cell named in an `equations` message. */
export function equationSetOf(cell: string): string {
  if (cell === 'lstm-no-forget') return 'lstm-no-forget';
  return isCellKind(cell) ? familyOf(cell).equationSet : CELL_FAMILIES.lstm.equationSet;
}
