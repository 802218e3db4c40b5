// What calling a name defined elsewhere in the file computes: a product with weights (a layer the
// cell holds, a function returning a product), an activated layer, an object the cell holds.
import type { Stmt } from './scan';
import { CONCAT, hasActivation, MATMUL, PRODUCT_OBJECT } from './vocab';
/** What calling a name defined elsewhere in the file computes. */
export interface FileLayers {
  /** A product with weights: `self.fc = nn.Linear(...)`, a function returning `np.dot(...)`. */
  products: string[];
  /** Of those, the ones concatenating their inputs first (`[x, h] @ W` is two products in one). */
  concatenating: string[];
  /** Layers made with an activation (`Dense(units, activation="tanh")`): their output is activated. */
  activated: string[];
  /** Objects the cell holds, made by a class (`self.forget_mlp = MLP(...)`, `self.gate = nn.Sequential(...)`): not its methods. */
  held: string[];
  /** Of those, recurrent layers themselves (`self.rnn_layer = GRU(...)`): the state they are handed is theirs. */
  recurrent: string[];
}

const LAYER =
  /^\s*(?:(?:const|let|var)\s+)?((?:(?:self|this)\s*\.\s*)?)([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?(?:(?:functools\.)?partial\s*\(\s*)?(?:[\w.]*\.)?(?:Linear|dense|Dense|LazyLinear|ConvND|Conv[123]?[dD]?)(?:Layer)?\s*[(,]/;
/** `= GRU(`, `= nn.LSTMCell(`, `= MyRNN(`: an object made by a recurrent layer's class. */
const RECURRENT_CLASS = /=\s*(?:new\s+)?(?:[\w$]+\s*\.\s*)*[A-Z]?\w*(?:GRU|LSTM|RNN)\w*\s*\(/;
const HELD_OBJECT = /^\s*(?:self|this)\s*\.\s*([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?(?:[\w$]+\s*\.\s*)*[A-Z][\w$]*\s*\(/;
/** `activation="tanh"` (the blanking keeps an activation's name): not `"linear"` or `None`. */
// Also a function passed (`activation=tf.nn.tanh`).
const LAYER_ACTIVATION = /\bactivation\s*[=:]\s*(?:["'](?!linear["'])\w+["']|(?:[\w$]+\s*\.\s*)*(?:sigmoid|tanh|relu|elu|selu|gelu|swish|silu|softsign|hard_sigmoid)\b)/;

/** `i2h = conv(x, ...); h2h = conv(h, ...); return i2h, h2h`: values handed back that are each a product. */
function returnsProducts(stmts: Stmt[], returned: string): boolean {
  const names = /^\s*return\s+\(?\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)+)\s*\)?\s*$/.exec(returned)?.[1].split(/\s*,\s*/);
  return names !== undefined && names.every((n) => stmts.some((s) => new RegExp(`^\\s*${n}\\s*=(?!=)`).test(s.text) && !hasActivation(s.text) && (s.text.match(MATMUL) ?? []).length > 0));
}

/**
 * `self.X = nn.Linear(...)`, `this.X = tf.layers.dense(...)`, and local layers (`dense_i =
 * partial(Dense, ...)`, `input_to_hidden = hk.Linear(...)`, `conv = hk.ConvND(...)`): calling
 * X is a product with weights. So is calling a function of the file that returns a product
 * (`def concat_and_multiply(weights, *args): ...; return np.dot(cat_state, weights)`).
 */
export function findLayers(units: { type: string; name: string; stmts: Stmt[] }[]): FileLayers {
  const layers: FileLayers = { products: [], concatenating: [], activated: [], held: [], recurrent: [] };
  for (const u of units) {
    for (const s of u.stmts) {
      const made = HELD_OBJECT.exec(s.text);
      if (made) layers.held.push(made[1]);
      if (made && RECURRENT_CLASS.test(s.text)) layers.recurrent.push(made[1]);
      const m = LAYER.exec(s.text) ?? PRODUCT_OBJECT.exec(s.text);
      if (!m) continue;
      layers.products.push(m[2]);
      if (LAYER_ACTIVATION.test(s.text)) layers.activated.push(m[2]);
    }
    if (u.type !== 'function' || u.stmts.length > 4) continue;
    const returned = u.stmts.find((s) => /^\s*return\b/.test(s.text));
    if (!returned || hasActivation(returned.text) || !((returned.text.match(MATMUL) ?? []).length || returnsProducts(u.stmts, returned.text))) continue;
    layers.products.push(u.name);
    if (u.stmts.some((s) => CONCAT.test(s.text))) layers.concatenating.push(u.name);
  }
  return layers;
}
