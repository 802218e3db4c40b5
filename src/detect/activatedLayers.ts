// Layers made with their activation (`self.dense_forget_gate = Dense(units, activation=tf.nn.sigmoid)`,
// `DenseLayer(n, activation='tanh')`): a statement that only calls one (`forget = self.dense_forget_gate(concat)`)
// is rewritten, in place and at the same length, as that activation of a product (`sigmoid(dense(concat))`),
// so the analysis knows which activation the value went through, as if it were written out.
import type { ScanUnit } from './scan';
import { escapeRegExp } from './text';

/** `self.X = ...Dense...(..., activation=...)`: the layer's name and its activation, as the blanked text keeps it. */
const ACTIVATED_LAYER = /^\s*(?:(?:const|let|var)\s+)?(?:(?:self|this)\s*\.\s*)?([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?(?:[\w.]*\.)?(?:Linear|dense|Dense|LazyLinear)(?:Layer)?\s*\(([\s\S]*)\)\s*;?\s*$/;
const SIGMOID_ARG = /\bactivation\s*[=:]\s*(?:["'](?:sigmoid|hard_sigmoid)["']|(?:[\w$]+\s*\.\s*)*(?:sigmoid|hard_sigmoid)\b(?!\s*\())/;
const TANH_ARG = /\bactivation\s*[=:]\s*(?:["'](?:tanh|softsign)["']|(?:[\w$]+\s*\.\s*)*(?:tanh|softsign)\b(?!\s*\())/;

/** `self.sigmoid3 = RNNGate(n_in, n_out, sigmoid)`: an object of the cell made with an activation as its last argument. */
const POSITIONAL_ACTIVATION = /^\s*(?:self|this)\s*\.\s*([A-Za-z_$][\w$]*)\s*=\s*(?:new\s+)?(?:[\w$]+\s*\.\s*)*[A-Z][\w$]*\s*\([^()]*,\s*(?:[\w$]+\s*\.\s*)*(sigmoid|tanh)\s*\)\s*;?\s*$/;

export function rewriteActivatedLayerCalls(units: ScanUnit[]): void {
  const layers = new Map<string, 'sigmoid' | 'tanh'>();
  const positional = new Map<string, 'sigmoid' | 'tanh'>();
  for (const u of units) {
    for (const s of u.stmts) {
      const m = ACTIVATED_LAYER.exec(s.text);
      const act = m && (SIGMOID_ARG.test(m[2]) ? 'sigmoid' : TANH_ARG.test(m[2]) ? 'tanh' : undefined);
      if (act) layers.set(m[1], act);
      const p = act ? null : POSITIONAL_ACTIVATION.exec(s.text);
      if (p) positional.set(p[1], p[2] as 'sigmoid' | 'tanh');
    }
  }
  rewriteCallsWithin(units, positional);
  if (!layers.size) return;
  const names = [...layers.keys()].map(escapeRegExp).join('|');
  // `target = self.X(args)`: the whole right-hand side is one call of the layer.
  const call = new RegExp(`^(\\s*[A-Za-z_$][\\w$.]*\\s*=\\s*)((?:(?:self|this)\\s*\\.\\s*)?(${names})\\s*\\()([^()]*)\\)(\\s*;?\\s*)$`);
  for (const u of units) {
    for (const s of u.stmts) {
      const m = call.exec(s.text);
      if (!m) continue;
      const act = layers.get(m[3])!;
      const head = `${act}(dense(`;
      const pad = m[2].length + 1 - head.length - 1;
      if (pad < 0) continue;
      s.text = `${m[1]}${head}${m[4]}))${' '.repeat(pad)}${m[5]}`;
    }
  }
}

/** `h = self.sigmoid3(x) * c_filter`: each call of such an object, wherever it stands, rewritten as its activation of a product. */
function rewriteCallsWithin(units: ScanUnit[], objects: Map<string, 'sigmoid' | 'tanh'>): void {
  if (!objects.size) return;
  const call = new RegExp(`(?:self|this)\\s*\\.\\s*(${[...objects.keys()].map(escapeRegExp).join('|')})\\s*\\(([^()]*)\\)`, 'g');
  for (const u of units) {
    for (const s of u.stmts) {
      s.text = s.text.replace(call, (whole: string, name: string, args: string) => {
        // At the same length (the lines stay where they were): `sigmoid(W@(x))` is no longer than `self.sigmoid3(x)`.
        const product = `${objects.get(name)!}(W@(${args}))`;
        return product.length > whole.length ? whole : product.padEnd(whole.length);
      });
    }
  }
}
