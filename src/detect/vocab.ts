import { matchBracket } from './text';

// Names and expression shapes the detector recognises: gate and state vocabularies,
// activations, products with weights, splits. Plain data and regular expressions only.

// ───────────────────────── vocabularies ─────────────────────────

export const LSTM_NAMES: Record<'i' | 'f' | 'g' | 'o' | 'c' | 'h', string[]> = {
  i: ['i', 'it', 'i_t', 'gi', 'ingate', 'in_gate', 'input_gate', 'inputgate', 'igate', 'i_gate', 'gate_i', 'i_g'],
  f: ['f', 'ft', 'f_t', 'gf', 'forgetgate', 'forget_gate', 'fgate', 'f_gate', 'gate_f', 'f_g', 'forget'],
  g: [
    'g',
    'gt',
    'g_t',
    'j',
    'new_input',
    'cellgate',
    'cell_gate',
    'c_tilde',
    'c_hat',
    'c_bar',
    'ctilde',
    'chat',
    'c_tilda',
    'candidate',
    'cand',
    'c_cand',
    'c_candidate',
    'candidate_cell',
    'cell_candidate',
    'g_gate',
    'gate_g',
    'c_in',
    'c_prime',
    'candidate_gate',
    'input_node',
    'in_transform',
  ],
  o: ['o', 'ot', 'o_t', 'go', 'outgate', 'out_gate', 'output_gate', 'outputgate', 'ogate', 'o_gate', 'gate_o', 'o_g'],
  c: ['c', 'ct', 'c_t', 'cy', 'cx', 'c_next', 'next_c', 'c_new', 'new_c', 'cell', 'cell_state', 'c1', 'c_out', 'state_c', 'c_state', 'memory', 'cs'],
  h: ['h', 'ht', 'h_t', 'hy', 'hx', 'h_next', 'next_h', 'h_new', 'new_h', 'hidden', 'hidden_state', 'h1', 'h_out', 'state_h', 'h_state', 'hs', 'hid'],
};

export const GRU_NAMES: Record<'r' | 'z' | 'n' | 'h', string[]> = {
  r: ['r', 'rt', 'r_t', 'resetgate', 'reset_gate', 'reset', 'r_gate', 'gate_r'],
  z: ['z', 'zt', 'z_t', 'updategate', 'update_gate', 'update', 'u', 'ut', 'u_t', 'inputgate', 'input_gate', 'z_gate', 'gate_z', 'inp'],
  n: [
    'n',
    'nt',
    'n_t',
    'newgate',
    'new_gate',
    'hh',
    'h_tilde',
    'h_hat',
    'h_bar',
    'htilde',
    'hhat',
    'h_tilda',
    'candidate',
    'cand',
    'h_candidate',
    'h_cand',
    'n_gate',
    'gate_n',
    'new',
    'hthat',
    'h_that',
    'candidate_gate',
    'candidate_hidden_state',
  ],
  h: LSTM_NAMES.h,
};

export const LSTM_SUFFIXES: Record<string, 'i' | 'f' | 'g' | 'o'> = { i: 'i', f: 'f', g: 'g', c: 'g', o: 'o' };
export const GRU_SUFFIXES: Record<string, 'r' | 'z' | 'n'> = { r: 'r', z: 'z', u: 'z', i: 'z', n: 'n', h: 'n' };

/** Names a previous hidden state goes by (parameters of a step function). */
export const PREVIOUS_HIDDEN =
  /^(?:h|hx|carry|(?:cur|curr|current)_?(?:h|hidden|hidden_?state|state)|h_?\d|h_?prev|prev_?h|h_?tm1|h_?t_?1|h_?t|ht|hidden|hiddens|hidden_?state|(?:h|hidden)_?(?:tensor|vec|vector|in)|states?|hs|h_?last|last_?h|h_?old|old_?h|s|s_?prev|prev_?s|s_?t|last_?s_?t?|prev_?s_?t|hid_?prev(?:ious)?|prev|previous)$/;

/** Other names a recurrent cell's new state is assigned to (Keras: `output = activation(output)`). */
export const RNN_OUTPUT = /^(?:outputs?|out|next|(?:new|next)_?\w*states?|state_?new|h_?new|new_?carry)$/;
/** A name that says "the previous state": prev_output, hTMinus1, h_prev, h0. */
export const EXPLICITLY_PREVIOUS =
  /^(?=.*(?:^|_)(?:h|hid|hidden|hiddens|state|states|output|out|result|input|s|memory)(?:_|$|\d))(?:.*(?:^|_)(?:prev|previous|last|old|tm1|recurrent)(?:_|$)|.*minus_?1$|h_?0$)/;

export function roleName(raw: string): string {
  return raw
    .replace(/^(?:self|this)\./, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** A gate's name with a word after it: `forget_gate_output`, `reset_gate_out`. */
const GATE_SUFFIX = /(?<=_gate)_(?:output|out|value|val|activation|activated|act|result)$/;

export function classify<K extends string>(name: string, vocab: Record<K, string[]>, subscripted: boolean): K | undefined {
  if (!name) return undefined;
  for (const role of Object.keys(vocab) as K[]) {
    if (name === 'hs' && !subscripted) continue; // HS is the notebook's hidden size
    if (vocab[role].includes(name)) return role;
  }
  // A time index inside a gate's name (`c_t_hat`, `ct_hat`, `h_t_tilde`): the name without it.
  const timeless = /^([a-z]+?)_?t_(hat|tilde|tilda|bar)$/.exec(name);
  if (timeless) return classify(`${timeless[1]}_${timeless[2]}`, vocab, subscripted);
  const bare = name.replace(GATE_SUFFIX, '');
  if (bare !== name) return classify(bare, vocab, subscripted);
  // A gate's letter, perhaps after the `z` of a pre-activation, with `_a` for its activation (`r_a`, `zf_a = zf.map(sigmoid)`;
  // not `r_act`, the activation function).
  const activated = /^(?:z_?)?([ifgo])(?:_a)?$|^([rzn])_a$/.exec(name);
  if (activated && name.length > 1) return classify(activated[1] ?? activated[2], vocab, subscripted);
  // A gate's name with a word before it (`fTForgetGate`, `layer1_input_gate`): the gate's full name decides.
  const prefixed = GATE_PREFIXED.exec(name);
  if (prefixed) return classify(prefixed[1], vocab, subscripted);
  // Karpathy-style arrays over time, one slot a step (`rs[t]`, `zs[t]`): the plural of a gate letter names the gate (not `os`, the module).
  return subscripted && /^[fgirzn]s$/.test(name) ? classify(name[0], vocab, subscripted) : undefined;
}

const GATE_PREFIXED = /^[a-z0-9_]+?((?:forget|input|output|update|reset|candidate|cell)_gate)$/;

/** c or h for a state's name: the vocabularies, plus `cell_d`, `hidden_d`, `cell_new` (a state name with a short suffix) and TF's `m`. */
export function stateRole(name: string, subscripted: boolean): 'c' | 'h' | undefined {
  const named = classify(name, LSTM_NAMES, subscripted);
  if (named === 'c' || named === 'h') return named;
  if (/^(?:cell|c)_(?:[a-z]|\d|new|next|out|tmp|temp)$/.test(name)) return 'c';
  if (/^(?:hidden|h)_(?:[a-z]|\d|new|next|out)$/.test(name) || /^m(?:_t|_new|_next)?$/.test(name)) return 'h';
  // Sonnet's `next_cell`, `next_hidden`; also `new_cell_state`, `next_hidden_state`.
  const updated = /^(?:new|next)_(cell|hidden)(?:_state)?$/.exec(name);
  if (updated) return updated[1] === 'cell' ? 'c' : 'h';
  return undefined;
}

// ───────────────────────── expression tests ─────────────────────────

/** `z.slice(0, n).map(sigmoid)`: an activation mapped over the elements (the match ends at map's parenthesis). */
// Also a matrix library's elementwise `func` or `apply` (`this.f.func(sigmoid)`, `m.apply(Math.tanh)`).
// Also a static map handed the value first (`Matrix.map(sum, this.actfunc)`), the function named as an activation
// (or held by one: `x.map(this.activation_function.function)`).
const MAP_OF = (names: string) => String.raw`\.\s*(?:map|func|apply)\s*\((?=(?:(?:[^(),]|\([^()]*\))*,)?\s*(?:[\w$]+\s*\.\s*)*(?:${names})(?:\s*\.\s*(?:function|fn|func))?\s*\))`;
// An activation module made and called at once (`Sigmoid()(z)`, `nn.Tanh()(c)`).
const SIGMOID_MODULE = String.raw`(?:^|[^\w$])(?:Sigmoid|Hardsigmoid|LogSigmoid)\s*\(\s*\)\s*\(`;
const TANH_MODULE = String.raw`(?:^|[^\w$])(?:Tanh|Softsign)\s*\(\s*\)\s*\(`;
const ACTIVATION_MODULE = `${SIGMOID_MODULE}|${TANH_MODULE}|${String.raw`(?:^|[^\w$])(?:ReLU|ELU|GELU)\s*\(\s*\)\s*\(`}`;
// A layer's activations as its attributes (EpyNN's `layer.activate_forget(z)`, `layer.activate(c)`): the gate's
// name says sigmoid-like, the candidate's or none tanh-like.
const ACTIVATE_GATE = String.raw`\.\s*activate_(?:forget|input|output|update|reset|gate)\w*\s*\(`;
const ACTIVATE_CANDIDATE = String.raw`\.\s*activate(?:_(?:candidate|cell|hidden|memory|state))?\s*\(`;
const ACTIVATE_METHOD = `${ACTIVATE_GATE}|${ACTIVATE_CANDIDATE}`;
// Vector helpers are activations too (`tanhVec(c)`, `sigmoidElems(z)`). An activation object's method counts as its call: `self.forget_sigmoid.forward(z)`, `self.tanh.forward(z)`, WebNN's `activation0.runOp(z)`.
/** `compose(math.tanh, add(b), math.multiply)(W, xh)`: an activation passed by name to a composition (the match ends at its parenthesis). */
const COMPOSED_OF = (names: string) => String.raw`(?:^|[^\w$.])(?:compose|pipe|flow|flowRight)\s*\((?=(?:[^()]|\([^()]*\))*?(?:^|[^\w$])(?:${names})\s*[,)])`;
/** `gate(W, U, b, x, h, sigmoid)`, `layer(z, Math.tanh)`: a call handed its activation function last, by name. */
const PASSED_LAST = (names: string) => String.raw`(?:^|[^\w$])[A-Za-z_$][\w$]*\s*\((?=(?:[^()]|\([^()]*\))*,\s*(?:[\w$]+\s*\.\s*)*(?:${names})\s*\))`;
/** `afn(item, row, 'Tanh')`: a call told its activation by its last argument (the blanking keeps that name). */
const NAMED_LAST = String.raw`(?:^|[^\w$])[A-Za-z_$][\w$]*\s*\((?=(?:[^()]|\([^()]*\))*,\s*["'](?:[tT]anh|[sS]igmoid|[rR]e[lL][uU])["']\s*\))`;
export const ACTIVATION = new RegExp(
  `${ACTIVATION_MODULE}|${ACTIVATE_METHOD}|${/(?:^|[^\w$])_*(?:sigmoid(?:_?(?:fn|func|function)|_|Vec|Vector|Elems?|Elementwise|Array|Mat|Matrix)?|sigma|sigm|sig|tanh(?:_?(?:fn|func|function)|_|Vec|Vector|Elems?|Elementwise|Array|Mat|Matrix)?|hard_?sigmoid|hardSigmoid|(?:fast|approx)_?(?:[sS]igmoid|[tT]anh)|σ|expit|logistic|softsign|\w*[aA]ctivation\w*|\w*[nN]onlinearity\w*|\w*gate_?fn|\w*_act|\w*squash\w*)\s*(?:\(|\.\s*(?:apply|call|forward|run|runOp|compute|evaluate)\s*\()|(?:^|[^\w$])act_?(?:f|fn|fun|func)?\s*(?:\(|\.\s*(?:apply|call|forward)\s*\()|\bexp\s*\(\s*-|\w*(?:[sS]igmoid|[tT]anh)\s*\.\s*forward\s*\(/.source}|${MAP_OF('sigmoid|sigm|sig|tanh|tanH|tanh_?(?:[fF]n|[fF]unc)|logistic|softsign|act_?(?:f|fn|fun|func)|\\w*[aA]ctivation(?:_?(?:fn|func|function))?')}|${COMPOSED_OF('sigmoid|sigm|sig|tanh|logistic|softsign|relu')}|${NAMED_LAST}|${PASSED_LAST('sigmoid|sigm|sig|logistic|tanh|relu')}`,
);
/** A sigmoid written out: `1 / (1 + np.exp(-x))`. */
/** MXNet's `F.Activation(x, act_type="sigmoid")` (the blanking keeps the activation's name). */
const ACT_TYPE = (names: string) => String.raw`(?:^|[^\w$])Activation\s*\((?=[^()]*act_type\s*=\s*["'](?:${names})["'])`;
export const SIGMOID_WRITTEN = /(?:^|[^\w$.])1(?:\.0*)?\s*\/\s*\(\s*1(?:\.0*)?\s*\+\s*(?:[\w$]+\s*\.\s*)?exp\s*\(\s*-/;
/** `apply_activation(z, act.sig, act.sigPrime)`: an activation helper told which function by an argument. */
const ACTIVATION_ARG = (names: string) => String.raw`(?:^|[^\w$])\w*[aA]ctivation\w*\s*\((?=[^()]*,\s*(?:[\w$]+\s*\.\s*)?(?:${names})\s*[,)])`;
export const SIGMOID_LIKE = new RegExp(
  `${ACTIVATION_ARG('sig|sigmoid|logistic')}|${PASSED_LAST('sigmoid|sigm|sig|logistic')}|${ACT_TYPE('sigmoid|hard_sigmoid')}|${MAP_OF('sigmoid|sigm|sig|logistic')}|${SIGMOID_MODULE}|${ACTIVATE_GATE}|${/(?:^|[^\w$])_*(?:sigmoid(?:_?(?:fn|func|function)|_|Vec|Vector|Elems?|Elementwise|Array|Mat|Matrix)?|[sS]igmoid_?[aA]ctivation|sigma|sigm|sig|hard_?sigmoid|hardSigmoid|(?:fast|approx)_?[sS]igmoid|σ|expit|logistic|\w*recurrent_?(?:[aA]ctivation|[aA]ct)|\w*[nN]onlinearity_?(?:in|forget|out|reset|update)\w*|\w*gate_?fn|[a-gi-z]_act)\s*(?:\(|\.\s*(?:apply|call)\s*\()|\w*[sS]igmoid\s*\.\s*forward\s*\(/.source}|${SIGMOID_WRITTEN.source}`,
);
export const TANH_LIKE = new RegExp(
  `${ACTIVATION_ARG('tanh')}|${PASSED_LAST('tanh')}|${TANH_MODULE}|${ACTIVATE_CANDIDATE}|${/(?:^|[^\w$])_*(?:tanh(?:_?(?:fn|func|function)|_|Vec|Vector|Elems?|Elementwise|Array|Mat|Matrix)?|[tT]anh_?[aA]ctivation|(?:fast|approx)_?[tT]anh|softsign|activation|nonlinearity(?:_cell|_hid\w*|_c)?|\w*squash\w*)\s*(?:\(|\.\s*(?:apply|call)\s*\()|\w*[tT]anh\s*\.\s*forward\s*\(/.source}|${ACT_TYPE('tanh|softsign')}|${MAP_OF('tanh|tanH|tanh_?(?:[fF]n|[fF]unc)|softsign')}`,
);
/** Calls that rearrange a value without computing a new one: a reshaped product is still that product. */
export const RESHAPE = /(?:^|[^\w$])(?:reshape|view|transpose|squeeze|unsqueeze|permute|expand_dims|flatten)\s*\(/;
export const SHAPE_QUERY = /\.\s*(?:shape|size|rank|dtype|ndim|length)\b|\b(?:len|size|shape)\s*\(/;
/** ReLU written out: `maximum(0, z)` or `maximum(z, 0)`, `z.clamp(min=0)`, `z.clip(0)`, `clamp_min(0)`. */
const RELU_WRITTEN =
  /\bmaximum\s*\(\s*0(?:\.0*)?\s*,|\bmaximum\s*\((?=[^;\n]*,\s*0(?:\.0*)?\s*\)\s*(?:$|[;\n)]))|\.\s*(?:clamp|clip)\s*\(\s*(?:min\s*=\s*)?0(?:\.0*)?\s*[,)]|\bclamp_min_?\s*\(\s*0(?:\.0*)?\s*\)/;
/** Also the ReLU family (an LLTM's ELU candidate): gates through them are activated too. */
export const RNN_ACTIVATION = new RegExp(`${ACTIVATION.source}|(?:^|[^\\w$])_*(?:relu6?|ReLU6?|Relu|elu|selu|celu|gelu|leaky_relu|softplus|silu|swish|mish)_?\\s*\\(|${RELU_WRITTEN.source}`);

/** The brackets `[open, close]` around the argument of every activation call in `rhs`. */
export function activationCallSpans(rhs: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const m of rhs.matchAll(new RegExp(RNN_ACTIVATION.source, 'g'))) {
    const open = m.index + m[0].lastIndexOf('(');
    const close = open >= m.index ? matchBracket(rhs, open) : -1;
    if (close > open) spans.push([open, close]);
  }
  return spans;
}
/**
 * Products with weights. `mul`/`multiply` count only where graph builders mean a matrix product:
 * bare (brain.js' bound `multiply`), on a graph (`G.mul`, recurrentjs) or math.js's; `tfc.mul`, `x.mul(y)`
 * and `torch.mul` are elementwise, and so is TF's `tf.math.multiply` (a local `multiply = tf.multiply` is discounted by Flow).
 * Lasagne applies a weight layer as `get_output(self.hidden_to_hidden, h)`. A helper named for a matrix-vector
 * product (`this.multiplyMatrixVector(W, h)`, `matVecMul`) is one too.
 */
export const MATMUL =
  /@(?!=)|\.\s*(?:multiply|mul|mmul)\s*\(\s*(?:(?:this|self)\s*\.\s*)?(?:[WUV](?:_?[a-z]{1,3})?|weights?\w*)\b|(?:^|[^\w$])(?:matmul|matMul|mm|bmm|addmm|dot|_?linear|einsum|dense|FullyConnected|fully_connected|[cC]onvolution|affine_transform|matvec|matVec|mat_vec|gemv|gemm|(?:multiply|mult|mul)_?[mM]at(?:rix)?_?[vV]ec(?:tor)?|[mM]at(?:rix)?_?[vV]ec(?:tor)?_?(?:[mM]ul(?:t|tiply)?|[pP]roduct)|conv(?:[123][dD])?(?:_?[tT]ranspose)?|[a-z]\w*Conv(?:[123][dD])?(?:_?[tT]ranspose)?)(?:\$\d+)?\s*\(|(?:^|[^\w$.])(?:mul|multiply)\s*\(|\b(?:G|graph)\s*\.\s*mul\s*\(|(?<!\.\s*)\bmath\s*\.\s*multiply\s*(?:\(|(?=[,)]))|\bMatrix\s*\.\s*(?:product|multiply|mult|dot|matmul)\s*\(|(?<![\w$])(?:(?:this|self)\s*\.\s*)?(?:W[A-Za-z_]*|[wW]eights?\w*)(?:\s*\[[^\]]*\])+\s*\.\s*reduce\s*\(|\bget_output\s*\(\s*(?:self\s*\.\s*)?[A-Za-z]\w*_to_\w+\s*,|(?:^|[^\w$])(?:Linear|Dense)\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*\(/g;
/**
 * An element of a weight matrix times a value, a product written out element by element
 * (`W[j][k] * x[k]`, `p["Wi"][j][k] * x[k]`, `self.U_f[j, k] * h[k]`).
 */
// Also on either side, and kept in an object of weights (`x[j] * this.weights.hiddenToHidden[j][i]`, `h[m] * w.hh[m][k]`).
const WEIGHTS_ELEMENT = String.raw`(?:(?:this|self)\s*\.\s*)?(?:[A-Za-z_$][\w$]*\s*\.\s*)?(?:[A-Za-z_$]*[wW]eights?|[wW])(?:\s*\.\s*[A-Za-z_$][\w$]*)?\s*(?:\[[^\]\n]*\]\s*){1,2}`;
export const ELEMENT_PRODUCT = new RegExp(
  `${/(?<![\w$])(?:[A-Za-z_$][\w$]*\s*\.\s*)?[WU](?:_?[a-z]{1,3}|_?[A-Z][a-z]?|_?[A-Z]{2,3}|[a-z]?[a-z]?)?\s*(?:\[[^\]\n]*\]\s*){1,2}\*(?![*=])/.source}|${String.raw`(?<![\w$.])`}${WEIGHTS_ELEMENT}${String.raw`\*(?![*=])|(?<![*])\*\s*`}${WEIGHTS_ELEMENT}`,
  'g',
);
/**
 * `mulGate = MultiplyGate()`, `self.mm = MatMulOp()`: an object of a class named for a matrix product, one
 * operation of a graph built by hand (`mulGate.forward(W, x)`). Not Keras' `Multiply()`, which is elementwise.
 */
export const PRODUCT_OBJECT =
  /^\s*(?:(?:const|let|var)\s+)?((?:(?:self|this)\s*\.\s*)?)([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?(?:[\w.]*\.)?(?:Mat_?[mM]ul\w*|MatrixMultipl\w*|Dot\w*|(?:Mul|Multiply)(?:Gate|Op|Operation|Node|Unit))\s*\(\s*\)\s*;?\s*$/;
export const SPLIT = /(?:^|[^\w$])(?:chunk|split|split_axis|unbind|hsplit|vsplit|tensor_split|unstack|narrow|slice)\s*\(|\[[^\]]*:[^\]]*\]/;
/**
 * A derivative of an activation, as a backward pass writes it: the sigmoid's `o * (1 - o)`, the tanh's `1 - tanh(c) ** 2`
 * or `1 - c ** 2`. A forward step never computes one.
 */
export const ACTIVATION_DERIVATIVE =
  /(?<![\w$.])([A-Za-z_$][\w$.]*(?:\s*\[[^\]\n]*\])?)\s*\*\s*\(\s*1(?:\.0*)?\s*-\s*\1\s*\)|(?<![\w$.])1(?:\.0*)?\s*-\s*(?:(?:[\w$]+\s*\.\s*)*tanh\s*\([^()]*(?:\([^()]*\)[^()]*)*\)|[A-Za-z_$][\w$.]*(?:\s*\[[^\]\n]*\])?)\s*\*\*\s*2/;
export const CONCAT = /(?:^|[^\w$])(?:cat|concat|concatenate|hstack|vstack|stack)\s*\(/;

// The analysis asks this of the same right-hand sides many times (a 600 KB bundle: thousands of calls per statement).
const activationMemo = new Map<string, boolean>();

export function hasActivation(text: string): boolean {
  let found = activationMemo.get(text);
  if (found === undefined) {
    if (activationMemo.size > 50_000) activationMemo.clear();
    found = ACTIVATION.test(text);
    activationMemo.set(text, found);
  }
  return found;
}
