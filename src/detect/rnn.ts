// The simple RNN: a hidden state that is an activation of products with weights reading a
// previous state (a parameter, a value carried round a loop, `hs[t-1]`, `self.h`), or the linear
// update of the PyTorch tutorial (`hidden = self.i2h(cat((input, hidden), 1))`).
import { extractRefs, type Def } from './defs';
import { escapeRegExp, splitTopLevel } from './text';
import type { Flow, Roles } from './flow';
import { gatesOf } from './gateLines';
import { heldWeightTimesState } from './indRnn';
import { layersOnInputAndState } from './layerCalls';
import { leakyMixOf } from './leaky';
import type { UnitAnalysis } from './analyse';
import type { Stmt } from './scan';
import { activationCallSpans, classify, CONCAT, EXPLICITLY_PREVIOUS, GRU_NAMES, hasActivation, LSTM_NAMES, PREVIOUS_HIDDEN, RNN_ACTIVATION, RNN_OUTPUT, roleName, stateRole } from './vocab';

/** Scalar products with a weight (`w_in * t`, `w_hh * h_prev`, `Wxh * x`): plain JS or Python RNNs over numbers. */
// Also an elementwise recurrent weight (IndRNN's `self.u * h`), and two-letter weights (`wc * x[i]`, `wp * out[i]`).
const WEIGHT_NAME = String.raw`(?:(?:self|this)\.)?(?:w_[a-z]{1,3}|w[a-z]{1,2}|W_?[a-z]{1,3}|W_?[A-Z][a-z]?|u|U|u_[a-z]{1,3}|U_?[a-z]{1,3})`;
// Also an element of a weight array (`this.Wxh.data[j * n + k] * x[k]`, `W_h[j][k] * h[k]`).
const WEIGHT_ELEMENT = String.raw`(?:\s*\.\s*data)?(?:\s*\[[^\][]*\]){1,2}`;
// A weight spelled out (`w_cell_input`, `w_hidden`), on either side of the product (`X[i] * w_cell_input`); not a size (`w_size`).
const SPELLED_WEIGHT = String.raw`w_[a-z]+(?:_[a-z0-9]+)*(?<!size|dim|len|width|height|count|num)`;
const SCALAR_WEIGHT_PRODUCT = new RegExp(String.raw`(?<![\w$.])(?:${WEIGHT_NAME}(?:${WEIGHT_ELEMENT})?|${SPELLED_WEIGHT})\s*\*(?![*=])\s*[A-Za-z_$(]|(?<![*])\*\s*${SPELLED_WEIGHT}(?![\w$])`, 'g');
/** IndRNN's `math_ops.multiply(state, self._recurrent_kernel)`: an elementwise product with a weight the layer holds. */
const KERNEL = String.raw`(?:self|this)\s*\.\s*_?\w*(?:kernel|weights?)\w*`;
const ELEMENTWISE_KERNEL = new RegExp(String.raw`(?:^|[^\w$])(?:multiply|mul)\s*\(\s*(?:[\w$.]+\s*,\s*${KERNEL}|${KERNEL}\s*,\s*[\w$.]+)\s*\)`, 'g');
/** A product of two named values (`neu1 * input[j]`), counted where a slot recurrence says the factors are weights. */
const NAMED_PRODUCTS = /(?<![\w$.])[A-Za-z_$][\w$.]*(?:\s*\[[^\][]*\])*\s*\*(?![*=])\s*[A-Za-z_$(]/g;
const NAMED_PRODUCT = new RegExp(NAMED_PRODUCTS.source);
/** `let w = this.Whh.data[j * n + k]`: a value that is one element of a weight array. */
const LOADED_WEIGHT = new RegExp(String.raw`^\s*${WEIGHT_NAME}${WEIGHT_ELEMENT}\s*;?\s*$`);

/** Scalar products with a weight in `d`: written as such, or through a local holding a weight's element (`sum += w * hv`). */
function scalarWeightProducts(flow: Flow, d: Def): number {
  let count = (d.rhs.match(SCALAR_WEIGHT_PRODUCT) ?? []).length + (d.rhs.match(ELEMENTWISE_KERNEL) ?? []).length;
  for (const r of new Set(d.refs)) {
    if (r.includes('.') || !LOADED_WEIGHT.test(flow.reaching(r, d.order)?.rhs ?? '')) continue;
    const name = escapeRegExp(r);
    count += (d.rhs.match(new RegExp(String.raw`(?<![\w$.])${name}\s*\*(?![*=])|(?<![*])\*\s*${name}(?![\w$])`, 'g')) ?? []).length;
  }
  return count;
}

/** TF1's `_linear(inputs + [h], n, True)`, `linear([x, h], ...)`: one product of values set side by side. */
const PRODUCT_OF_LIST = /(?:^|[^\w$])(?:_?linear|dense|fully_connected|FullyConnected)\s*\(\s*(?:\[[^\]]*,[^\]]*\]|[A-Za-z_$][\w$.]*\s*\+\s*\[)/;

/** A parameter named as a step's input (not a bias: an output layer's `relu(h @ Wo + bo)` is no cell). */
const STEP_INPUT = /^(?:x|xs|x_?t|inputs?|inp|input_?t|x_?in|emb\w*|in_?proj\w*|projected\w*)$/i;
const isStepInput = (name: string): boolean => STEP_INPUT.test(name);

/**
 * `self.state[in_idx] = inputs; net = W @ self.state; self.state[act_idx] = act(net)`: one array holding the input and
 * the last activation side by side, its slots written in turn, so one product over it reads both (a concatenation).
 */
function inputWrittenInto(flow: Flow, d: Def): boolean {
  if (!d.targetSubscripted) return false;
  return flow.definitionsOf(d.key).some((o) => o.order < d.order && o.targetSubscripted && STEP_INPUT.test(o.rhs.trim()) && flow.isParam(o.rhs.trim()));
}

/**
 * `act(self.U_h(carry) + x)`: one product, of the previous state, plus an input given as a parameter
 * (projected before the step: an Elman set action whose caller applies W to the input).
 */
function productOfStatePlusInput(flow: Flow, d: Def, isPrevious: (ref: string) => boolean): boolean {
  for (const m of d.rhs.matchAll(/([A-Za-z_$][\w$.]*)\s*\(([^()]*)\)/g)) {
    if (!flow.matmulCount(`${m[1]}(`) || !extractRefs(m[2]).some(isPrevious)) continue;
    const rest = d.rhs.slice(0, m.index) + d.rhs.slice(m.index + m[0].length);
    if (/\+/.test(rest) && extractRefs(rest).some((r) => flow.isParam(r) && !isPrevious(r) && STEP_INPUT.test(r))) return true;
  }
  return false;
}

/**
 * `out[i + 1] = sigmoid(wc * x[i] + wp * out[i])`: an array's next slot computed from its current one
 * carries a state along the array, whatever its name. Gives the test for a read of the current slot.
 */
export function nextSlotOf(d: Def): RegExp | undefined {
  if (d.targetCount !== 1 || !d.targetSubscripted) return undefined;
  // A numbered slot is part of the key (`output[0]`): the array's name is before it.
  const base = d.key.replace(/\[\d+\]$/, '');
  const name = escapeRegExp(base.slice(base.lastIndexOf('.') + 1));
  // Also after fixed indices (`output[0][j + 1]` from `output[0][j]`).
  const index = new RegExp(`(?<![\\w$])${name}((?:\\s*\\[\\s*\\d+\\s*\\])*)\\s*\\[\\s*([A-Za-z_$][\\w$]*)\\s*\\+\\s*1\\s*\\]`).exec(d.stmt.text.slice(0, d.rhsOffset));
  const fixed = index?.[1].replace(/\s+/g, '').replace(/[[\]]/g, '\\$&') ?? '';
  return index ? new RegExp(`(?<![\\w$])${name}\\s*${fixed}\\s*\\[\\s*${escapeRegExp(index[2])}\\s*\\]`) : undefined;
}

/** `O[t] = act(np.dot(Z[t], W) + b)` with `Z[t] = concatenate((X[t], O[t-1]))`: the slot written reads the one before it. Gives the test for that read. */
function previousSlotOf(d: Def): RegExp | undefined {
  if (d.targetCount !== 1 || !d.targetSubscripted) return undefined;
  const name = escapeRegExp(d.key.slice(d.key.lastIndexOf('.') + 1));
  const slot = new RegExp(`(?<![\\w$])${name}\\s*\\[\\s*([A-Za-z_$][\\w$]*)\\s*\\]`).exec(d.stmt.text.slice(0, d.rhsOffset));
  return slot ? new RegExp(`(?<![\\w$])${name}\\s*\\[\\s*${escapeRegExp(slot[1])}\\s*-\\s*1\\s*\\]`) : undefined;
}

/**
 * `hiddenActivations.push(activation)`, `hs.append(h_new)`: values collected into a list of hidden states.
 * Also the names a step hands back (`return a_next, yt_pred`): its new state is among them, under any name.
 */
export function collectedStates(stmts: Stmt[]): Set<string> {
  const keys = new Set<string>();
  for (const s of stmts) {
    const ret = /^\s*return\b([\s\S]*)$/.exec(s.text);
    for (const part of ret ? splitTopLevel(ret[1].trim().replace(/;$/, '')) : []) {
      const name = /^\s*([A-Za-z_$][\w$]*)\s*$/.exec(part.text);
      // Not a gate handed back as it is (`return i, f, o`).
      const gate = name && (classify(roleName(name[1]), LSTM_NAMES, false) ?? classify(roleName(name[1]), GRU_NAMES, false));
      if (name && (!gate || gate === 'h' || gate === 'c')) keys.add(name[1]);
    }
    const m = /^\s*([A-Za-z_$][\w$.]*)\s*\.\s*(?:push|append)\s*\(\s*([A-Za-z_$][\w$]*)\s*\)\s*;?\s*$/.exec(s.text);
    if (m && STATE_LIST.test(roleName(m[1].slice(m[1].lastIndexOf('.') + 1)))) keys.add(m[2]);
  }
  return keys;
}

/**
 * `return { output: y, rnn: { ...rnn, hidden: out_h } }`: the names a step hands back under another name, by the key
 * each goes under (`out_h` → `hidden`), at any depth of the object literal it returns.
 */
function handedBackAs(flow: Flow): Map<string, string> {
  const keys = new Map<string, string>();
  for (const d of flow.defs) {
    if (d.key !== '<return>' || !/^\s*\{/.test(d.rhs)) continue;
    for (const m of d.rhs.matchAll(/(?:[{,]\s*)([A-Za-z_$][\w$]*)\s*:\s*([A-Za-z_$][\w$]*)\s*(?=[,}])/g)) if (m[1] !== m[2]) keys.set(m[2], m[1]);
  }
  return keys;
}

/** `memory` handed in (`const { memory } = cell`), or a parameter's member of that name (`params.state.memory`), read as it is or through a copy. */
function readsMember(flow: Flow, ref: string, member: string, order: number): boolean {
  if (ref === member) return flow.handedIn(ref, order);
  const chain = (r: string) => r.endsWith(`.${member}`) && flow.isParam(r.slice(0, r.indexOf('.')));
  return chain(ref) || chain(flow.reaching(ref, order)?.rhs.trim().replace(/;$/, '').replace(/\s+/g, '') ?? '');
}

const STATE_LIST = /^(?:\w+_)?(?:h|hs|hiddens?|hidden_\w+|states?|hidden_?states?)$/;

/** The test for a read of `key`'s slot one before an index (`hiddenStates[t - 1]`). */
function slotBefore(key: string): RegExp {
  const name = escapeRegExp(key.slice(key.lastIndexOf('.') + 1));
  // Also the last one so far (`states[-1]`, the list the loop appends each new state to).
  return new RegExp(String.raw`(?<![\w$])${name}\s*\[\s*(?:[A-Za-z_$][\w$]*\s*)?-\s*1\s*\]`);
}

/** `previousActivations = previousHiddenActivations[i]`: a value taken by index out of a parameter whose name says it holds previous states. */
// Also a slice of a step's `states` (`prev_stat = states[:, -1, :]`).
function fromPreviousParam(flow: Flow, ref: string, order: number): boolean {
  const m = /^\s*([A-Za-z_$][\w$]*)\s*\[[^\][]*\]\s*;?\s*$/.exec(flow.reaching(ref, order)?.rhs ?? '');
  return m !== null && flow.isParam(m[1]) && (EXPLICITLY_PREVIOUS.test(roleName(m[1])) || PREVIOUS_HIDDEN.test(roleName(m[1])));
}

/** A word saying "the previous one" (`a_prev`, `prev_state`, `s_tm1`) and the name without it (`a`). */
const PREVIOUS_WORD = /(?:^|_)(?:prev|previous|old|tm1)(?:_|$)/;
const stateStem = (name: string): string => name.replace(/(?:^|_)(?:prev|previous|old|tm1|next|new|t)(?=_|$)/g, '').replace(/^_+|_+$/g, '');

/**
 * `x_t = T.tanh(dot(x_tm1, W) + ...)` (a Theano scan step): the new value reads, directly or through one value
 * computed from it, a parameter holding its previous value under its own name marked as the previous one.
 */
function readsOwnPrevious(flow: Flow, d: Def): boolean {
  const stem = stateStem(d.name);
  if (!stem || d.targetCount !== 1) return false;
  const reads = [...d.refs, ...d.refs.flatMap((r) => flow.reaching(r, d.order)?.refs ?? [])];
  return reads.some((r) => PREVIOUS_WORD.test(roleName(r)) && stateStem(roleName(r)) === stem && flow.isParam(r));
}

/**
 * `for e in embeddings: hidden = relu(fc(cat((state_tm1, e))))` (additive attention): computed in a loop from a
 * previous state the function never changes, and handed on by no return, no attribute and no later pass, it is a
 * hidden layer applied to each element, not a recurrent state (every pass reads the same previous state).
 */
function sameStateEveryPass(flow: Flow, d: Def, previous: string[]): boolean {
  if (!d.stmt.inLoop || d.targetSubscripted || d.key.includes('.') || !previous.length) return false;
  if (!previous.every((r) => flow.isParam(r) && !flow.definitionsOf(r).length)) return false;
  const handedOn = flow.defs.some((o) => o !== d && o.refs.includes(d.key) && (o.key === '<return>' || o.key.startsWith('self.') || o.key === d.key || /^\s*[A-Za-z_$][\w$]*\s*;?\s*$/.test(o.rhs)));
  return !handedOn;
}

/** The arguments of the activation calls in `rhs`: what goes through the nonlinearity (`decay * avg + … tanh(W @ x)` has only `W @ x`). */
function activationArguments(rhs: string): string {
  return activationCallSpans(rhs)
    .map(([open, close]) => rhs.slice(open + 1, close))
    .join('\n');
}

/**
 * `s = math.tanh(w * s + u * x)`: a parameter (a weight handed in) times the state's own previous value, a scalar recurrence
 * (inside the activation: an average kept outside it, `avg = decay * avg + (1 - decay) * tanh(W @ x)`, is none).
 */
function parameterTimesItself(flow: Flow, d: Def, texts: string): number {
  if (d.targetCount !== 1 || d.targetSubscripted || d.key.includes('.')) return 0;
  const k = escapeRegExp(d.key);
  let n = 0;
  for (const m of texts.matchAll(new RegExp(`(?<![\\w$.])([A-Za-z_$][\\w$]*)\\s*\\*\\s*${k}(?![\\w$.(\\[])|(?<![\\w$.])${k}\\s*\\*\\s*([A-Za-z_$][\\w$]*)(?![\\w$.(\\[])`, 'g'))) {
    const other = m[1] ?? m[2];
    if (other !== d.key && flow.isParam(other) && !STEP_INPUT.test(other)) n++;
  }
  return n;
}

/** `sigmoid(u)`, `self.activation(u)`: the right-hand side is one activation call as a whole. */
function wholeActivation(rhs: string): boolean {
  const head = /^\s*[A-Za-z_$][\w$.]*\s*\(/.exec(rhs);
  return head !== null && RNN_ACTIVATION.test(head[0]) && /\)\s*;?\s*$/.test(rhs);
}

/**
 * `st_out = self.rnn_layer.forward(out, st)` with `self.rnn_layer = GRU(...)`: a model whose previous state is read
 * only by a recurrent layer it holds hands the state to that layer's cell; the model is no cell itself.
 */
function stateOnlyThroughLayer(defs: Def[], previous: string[], recurrentCall: RegExp | undefined): boolean {
  if (!recurrentCall || !previous.length) return false;
  const readers = defs.filter((c) => previous.some((r) => c.refs.includes(r)));
  return readers.length > 0 && readers.every((c) => c.rhs.match(recurrentCall) !== null);
}

export function analyseRnn(flow: Flow, collected = new Set<string>(), recurrentCall?: RegExp): UnitAnalysis | undefined {
  const roles: Roles = new Map();
  const keyed = handedBackAs(flow);
  for (const d of flow.defs) {
    // Also a hidden state's name with a word after it (`ht_activated`, `h_t_new`), unless the word says "previous".
    const hNamed = /^(?:h|ht|h_t|hid|hidden)_[a-z0-9_]+$/.test(d.name) && !EXPLICITLY_PREVIOUS.test(d.name) && classify(d.name, GRU_NAMES, false) !== 'n';
    const nextSlot = nextSlotOf(d);
    const namedH =
      readsOwnPrevious(flow, d) ||
      collected.has(d.key) ||
      d.key === '<return>' ||
      stateRole(d.name, d.targetSubscripted) === 'h' ||
      hNamed ||
      PREVIOUS_HIDDEN.test(d.name) ||
      RNN_OUTPUT.test(d.name) ||
      nextSlot !== undefined;
    const previousSlot = previousSlotOf(d);
    // `mapped = Matrix.map(sum, act)` then `this.previous = mapped` later in the loop: under any name, the value
    // copied into a state it was computed from.
    const copiedInto = d.stmt.inLoop && d.targetCount === 1 ? flow.defs.filter((o) => o.order > d.order && o.stmt.inLoop && o.rhs.trim().replace(/;$/, '') === d.key).map((o) => o.key) : [];
    // Under any name, a plain variable assigned in a loop: a state if its new value is computed from itself.
    const plainInLoop = d.stmt.inLoop && d.targetCount === 1 && !d.targetSubscripted && !d.key.includes('.');
    const carried = !namedH && plainInLoop;
    // Under any name, handed back in the place of a state it is computed from (`hidden: out_h` with `hidden` handed in).
    const replaces = d.targetCount === 1 && !d.targetSubscripted ? keyed.get(d.key) : undefined;
    // `self.x = (1 - a) * self.x + a * tanh(W_in @ u + W @ self.x)`: leaky integration of itself, under any name.
    const leaky = d.targetCount === 1 && leakyMixOf(d.rhs, d.key);
    // Under any name, an array holding the input beside its own last value, written with the new one (`self.packed[hid] = tanh(W @ self.packed)`).
    const packed = inputWrittenInto(flow, d);
    const isH = namedH || previousSlot !== undefined || copiedInto.length > 0 || carried || leaky || replaces !== undefined || packed;
    // A slot computed from the one before it through an activation: whatever multiplies them is a weight (`neu2 * output[0][j]`).
    const slotRecurrence = nextSlot !== undefined || previousSlot !== undefined;
    // The PyTorch tutorial's linear RNN, `hidden = self.i2h(torch.cat((input, hidden), 1))`: no activation, but
    // a hidden state given as a parameter, replaced by a product over a concatenation that reads it.
    const activated = RNN_ACTIVATION.test(d.rhs) || flow.activates(d.rhs);
    const linearUpdate = !activated && d.targetCount === 1 && stateRole(d.name, d.targetSubscripted) === 'h' && flow.isParam(d.key);
    // Keras's documented `MinimalRNNCell`, `output = h + K.dot(prev_output, self.recurrent_kernel)`: no activation either, but
    // the value the step names as its output, read from one named as the previous output (through products, counted below).
    const linearOutput = !activated && d.targetCount === 1 && RNN_OUTPUT.test(d.name) && d.refs.some((r) => EXPLICITLY_PREVIOUS.test(roleName(r)));
    if (!isH || !(activated || linearUpdate || linearOutput)) continue;
    // Everything the new state is computed from, through pre-activations.
    const closure: Def[] = [];
    const refs = new Set(d.refs);
    const stack: [string, number][] = d.refs.map((r) => [r, d.order]);
    while (stack.length) {
      const [r, order] = stack.pop()!;
      const src = flow.reachingInBranch(r, order);
      // Not through a state already activated: `h = dropout(h)` after `h = tanh(matmul(concat([x, h]), w))` passes h on.
      const concatenates = CONCAT.test(src?.rhs ?? '') && !flow.activates(src?.rhs ?? '');
      const scalarProducts = src !== undefined && !hasActivation(src.rhs) && (scalarWeightProducts(flow, src) > 0 || (slotRecurrence && NAMED_PRODUCT.test(src.rhs)));
      const layerSum = src !== undefined && layersOnInputAndState(flow, src, isStepInput);
      if (src && src !== d && !closure.includes(src) && (flow.preact(src) || concatenates || scalarProducts || layerSum)) {
        closure.push(src);
        for (const rr of src.refs) {
          refs.add(rr);
          stack.push([rr, src.order]);
        }
      }
    }
    const replacesRead = replaces !== undefined && [...refs].some((r) => readsMember(flow, r, replaces, d.order));
    if (!namedH && previousSlot === undefined && !copiedInto.some((k) => refs.has(k)) && !(carried && refs.has(d.key)) && !(packed && refs.has(d.key)) && !leaky && !replacesRead) continue;
    const texts = [d.rhs, ...closure.map((c) => c.rhs)].join('\n');
    const products =
      flow.matmulCount(texts) +
      [d, ...closure].reduce((n, c) => n + Math.max(scalarWeightProducts(flow, c), slotRecurrence ? (c.rhs.match(NAMED_PRODUCTS) ?? []).length : 0), 0) +
      parameterTimesItself(flow, d, [activationArguments(d.rhs), ...closure.map((c) => c.rhs)].join('\n')) +
      2 * [d, ...closure].filter((c) => layersOnInputAndState(flow, c, isStepInput)).length;
    const isPrevious = (r: string): boolean => {
      const name = roleName(r);
      if (EXPLICITLY_PREVIOUS.test(name) || fromPreviousParam(flow, r, d.order)) return true;
      if (replacesRead && readsMember(flow, r, replaces, d.order)) return true;
      // `a_next = tanh(Waa @ a_prev + Wax @ x)`: a parameter holding the previous value of the state written, under any name.
      if (PREVIOUS_WORD.test(name) && stateStem(name) !== '' && stateStem(name) === stateStem(d.name) && (flow.isParam(r) || flow.handedIn(r, d.order))) return true;
      // `tf.matMul(W_hh, this.hiddenStates[t - 1])`: the slot before the current one of a list of hidden states.
      if (STATE_LIST.test(name) && slotBefore(r).test(texts)) return true;
      // Under any name, carried round a loop by a copy of the new state (`current_state = next_state`).
      if (d.stmt.inLoop && flow.definitionsOf(r).some((o) => o.order > d.order && o.stmt.inLoop && o.refs.includes(d.key) && /^\s*[A-Za-z_$][\w$.]*\s*;?\s*$/.test(o.rhs))) return true;
      // `c = sigmoid(Wux @ x + Wuc @ prevContextArr + bu); return c, o`: a parameter named as the previous one of
      // anything, read by a value the step hands back by name (an Elman step's context units).
      // (The value is the activation as a whole: not an attention energy `e = v @ tanh(W @ prev_q + U @ k)`.)
      if (PREVIOUS_WORD.test(name) && flow.isParam(r) && collected.has(d.key) && wholeActivation(d.rhs)) return true;
      // An ESN's `return a * x + (1 - a) * tanh(W @ x + ...)`: mixed, as it is, with an activation reading it.
      if (leakyMixOf(d.rhs, r)) return true;
      // Read by its own new value inside the loop that reassigns it (`carried = tanh(np.dot(carried, W) + ...)`).
      if (plainInLoop && r === d.key) return true;
      // Handed round a loop by the caller (`hidden_units = update_rnn(x, hidden_units)`).
      if (flow.params.some((p) => p.name === r && p.carried)) return true;
      if (packed && r === d.key) return true;
      if (!PREVIOUS_HIDDEN.test(name) && classify(name, LSTM_NAMES, true) !== 'h') return false;
      if (flow.isParam(r) || flow.handedIn(r, d.order)) return true;
      // `self.h = tanh(W_hh @ self.h + W_xh @ x)`: an attribute keeps the state between calls of a step method.
      if (r === d.key && (d.stmt.inLoop || d.targetSubscripted || r.startsWith('self.'))) return true;
      // `h = Math.tanh(W_in * input + W_hid * h)` in a function nested in the one declaring `let h`: a state read
      // before the function defines it comes from the scope around (a closure, `global`), kept between calls.
      if (r === d.key && !flow.reaching(r, d.order)) return true;
      // Carried round a loop: reassigned later in the loop body.
      return d.stmt.inLoop && flow.definitionsOf(r).some((o) => o.order > d.order && o.stmt.inLoop);
    };
    const concatenated = CONCAT.test(texts) || PRODUCT_OF_LIST.test(texts) || inputWrittenInto(flow, d);
    const oneProduct = products === 1 && !concatenated && productOfStatePlusInput(flow, d, isPrevious);
    // IndRNN: the state's own product is elementwise, by a weight the layer holds (`mul(recurrent_h, hx)`).
    const independent = products <= 1 && !linearUpdate && heldWeightTimesState(flow, d, isPrevious, isStepInput);
    if (!independent && (products === 0 || (products < 2 && !concatenated && !oneProduct) || (linearUpdate && !closure.some((c) => CONCAT.test(c.rhs) && c.refs.includes(d.key))))) continue;
    if (sameStateEveryPass(flow, d, [...refs].filter(isPrevious))) continue;
    if (stateOnlyThroughLayer([d, ...closure], [...refs].filter(isPrevious), recurrentCall)) continue;
    if (previousSlot?.test(texts) || ((namedH || previousSlot === undefined) && ([...refs].some(isPrevious) || nextSlot?.test(texts)))) roles.set(d, 'h');
  }
  if (!roles.size) return undefined;
  return { kind: 'rnn', gates: gatesOf(flow, roles, ['h']), optionalForgetGate: false };
}
