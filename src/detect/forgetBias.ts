// Literal forget-gate bias settings in source text: `lstm.b_f.data = torch.ones_like(...)` → 1,
// `-torch.ones_like` → -1, `zeros` → 0, `b_f.fill_(2.0)`, `forget_bias=1.0`, `unitForgetBias: true`,
// `bias[H:2*H] = 1` on a fused bias (the f block in i, f, g, o order).
import type { Stmt } from './scan';
import type { ForgetBiasAssignment } from './types';

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
const FORGET_BIAS_TARGET = /(?:^|[.\s_[])(?:b_?f|b_?if|b_?hf|bias_?f|f_?bias|forget_?bias|bias_?forget|forget_?gate\s*\.\s*bias|bias_?ih_?f|bias_?hh_?f)(?:$|[.\s[(])/i;
const FUSED_FORGET_SLICE = /(?:\bbias\w*|\bb)(?:\s*\.\s*data)?\s*\[\s*[\w.]+\s*:\s*(?:2\s*\*\s*[\w.]+|[\w.]+\s*\*\s*2)\s*\]/i;

/** The value an expression sets every element to, when it is a literal one. */
function literalValue(expr: string): number | undefined {
  let e = expr.trim().replace(/;$/, '').trim();
  // Wrappers that keep the value: nn.Parameter(torch.ones(H)), tf.variable(tf.fill([H], 1)).
  for (;;) {
    const wrapped = /^(?:[\w.]*\.)?(?:Parameter|variable|Variable|array|asarray|tensor|Tensor|tensor1d|float|Float32Array\.from)\s*\(([\s\S]*)\)$/.exec(e);
    if (!wrapped) break;
    e = wrapped[1].split(/,\s*(?:requires_grad|dtype|trainable)\b/)[0].trim();
  }
  const num = new RegExp(`^(${NUMBER})$`).exec(e);
  if (num) return Number(num[1]);
  const ones = new RegExp(`^(-)?\\s*(?:(${NUMBER})\\s*\\*\\s*)?[\\w.]*?\\bones(?:_like|Like)?\\s*\\(`).exec(e);
  if (ones) return (ones[1] ? -1 : 1) * (ones[2] !== undefined ? Number(ones[2]) : 1);
  if (/^-?\s*[\w.]*?\bzeros(?:_like|Like)?\s*\(/.test(e)) return 0;
  const full = new RegExp(`^[\\w.]*?\\b(?:full|full_like|fill)\\s*\\([\\s\\S]*,\\s*(${NUMBER})\\s*\\)$`).exec(e);
  if (full) return Number(full[1]);
  return undefined;
}

/** `a, b = x(1), y` → ['a', 'b'] / ['x(1)', 'y']: commas outside brackets and strings. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote && text[i - 1] !== '\\') quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** The value a (possibly tuple) assignment gives a forget-bias target: `self.W_f, self.b_f = xavier(E, H), zeros(H)` → 0. */
function assignedValue(target: string, expr: string): number | undefined {
  const targets = splitTopLevel(target);
  const values = targets.length > 1 ? splitTopLevel(expr) : [expr];
  if (values.length !== targets.length) return undefined;
  for (let i = 0; i < targets.length; i++) {
    if (FORGET_BIAS_TARGET.test(` ${targets[i]} `) || FUSED_FORGET_SLICE.test(targets[i])) return literalValue(values[i]);
  }
  return undefined;
}

export function findForgetBiasAssignments(stmts: Stmt[]): ForgetBiasAssignment[] {
  const found: ForgetBiasAssignment[] = [];
  for (const s of stmts) {
    const text = s.text.replace(/\s+/g, ' ').trim();
    let value: number | undefined;
    const assign = /^(?:(?:const|let|var)\s+)?([^=]+?)\s*=(?!=)\s*([\s\S]+)$/.exec(text);
    if (assign) value = assignedValue(assign[1], assign[2]);
    if (value === undefined) {
      // b_f.data.fill_(1.0) · nn.init.constant_(self.b_f, 1.0) · bias[H:2*H].fill_(1)
      const fill = new RegExp(`^([\\w.\\[\\]:* ]+?)\\s*\\.\\s*fill_?\\s*\\(\\s*(${NUMBER})\\s*\\)`).exec(text);
      if (fill && (FORGET_BIAS_TARGET.test(` ${fill[1]} `) || FUSED_FORGET_SLICE.test(fill[1]))) value = Number(fill[2]);
      const constant = new RegExp(`constant_?\\s*\\(\\s*([^,]+),\\s*(${NUMBER})\\s*\\)`).exec(text);
      if (value === undefined && constant && (FORGET_BIAS_TARGET.test(` ${constant[1]} `) || FUSED_FORGET_SLICE.test(constant[1]))) value = Number(constant[2]);
    }
    if (value === undefined) {
      const keyword = new RegExp(`\\bforget_?bias\\s*[=:]\\s*(${NUMBER})(?![\\w.])`, 'i').exec(text);
      if (keyword) value = Number(keyword[1]);
      else if (/\bunit_?forget_?bias\s*[=:]\s*(?:True|true)\b/i.test(text)) value = 1;
    }
    if (value !== undefined && Number.isFinite(value)) found.push({ line: s.start, value: Object.is(value, -0) ? 0 : value, text: text.slice(0, 200) });
  }
  return found;
}

/** The bias a setting targets: `this.bf` of `this.bf = zeros(H)` and of `this.bf[i] = 1.0`. */
const settingTarget = (text: string): string | undefined => /^(?:(?:const|let|var)\s+)?([A-Za-z_$][\w$.]*)\s*(?:\[[^\]]*\]\s*)?=(?!=)/.exec(text)?.[1];

/**
 * The value a cell's forget bias holds after its settings: the first one, unless its elements are set afterwards
 * (`this.bf = zeros(H); for (...) this.bf[i] = 1.0` holds 1).
 */
export function settledForgetBias(settings: ForgetBiasAssignment[]): number | undefined {
  const first = settings[0];
  if (!first) return undefined;
  const target = settingTarget(first.text);
  const refill = settings.find((s) => s.line > first.line && /^[^=]*\[[^\]]*\]\s*=(?!=)/.test(s.text) && target !== undefined && settingTarget(s.text) === target);
  return (refill ?? first).value;
}
