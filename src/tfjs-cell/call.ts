// Calling the user's TF.js cell the way its signature says: a class is built from (input size,
// hidden size) found by its constructor's parameter names and stepped through `step`/`call`/
// `forward`; a step function gets (x, h[, c]) by its parameter names and its weights created
// from their names. When it cannot tell, it says what it expected and what it found.
import * as tf from '@tensorflow/tfjs';
import * as ts from 'typescript';

export interface Sizes {
  E: number;
  H: number;
}

/** One weight of the cell: its name (`Wf`, `kernel`), its shape and how to replace its values. */
export interface CellWeight {
  name: string;
  shape: number[];
  set(values: tf.Tensor): void;
  /** Its values now, row-major. */
  read(): ArrayLike<number>;
}

export interface CellCall {
  /** The method or function called per step, for messages. */
  callee: string;
  /** One step: the raw output of the user's code. */
  step(x: tf.Tensor, h: tf.Tensor, c: tf.Tensor): unknown;
  weights: CellWeight[];
  /** True for a class instance: its weights hold the user's own initialisation (a function's weights are created by us). */
  ownInit: boolean;
}

/** The cell cannot be called: the sentence says what was expected and what was found. */
export class CallError extends Error {}

const STEP_METHODS = ['step', 'call', 'forward', 'cell', 'apply'];
const INPUT_SIZE = /^(input|in|n_?in|e|embed|x)(_?(size|dim|features|units|dims))?$|^(input|embedding)\w*$/i;
const HIDDEN_SIZE = /^(hidden|h|n_?h|units|state|num_?units)(_?(size|dim|units|dims))?$|^hidden\w*$/i;
const X_PARAM = /^(x|xt|x_t|input|inputs|inp)$/i;
const H_PARAM = /^(h|ht|h_t|hprev|h_prev|prevh|prev_h|hidden|h0|state|hx)$/i;
const C_PARAM = /^(c|ct|c_t|cprev|c_prev|prevc|prev_c|cell|c0|cx)$/i;

type Params = ts.NodeArray<ts.ParameterDeclaration>;

function paramName(p: ts.ParameterDeclaration, source: ts.SourceFile): string {
  return ts.isIdentifier(p.name) ? p.name.text : p.name.getText(source);
}

function listParams(params: Params, source: ts.SourceFile): string {
  return `(${params.map((p) => paramName(p, source)).join(', ')})`;
}

function findClass(source: ts.SourceFile, name: string): ts.ClassLikeDeclaration | undefined {
  let found: ts.ClassLikeDeclaration | undefined;
  const visit = (node: ts.Node) => {
    if (found) return;
    if (ts.isClassDeclaration(node) && node.name?.text === name) found = node;
    else if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer && ts.isClassExpression(node.initializer)) found = node.initializer;
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function findFunction(source: ts.SourceFile, name: string): (ts.SignatureDeclaration & { body?: ts.Node }) | undefined {
  let found: (ts.SignatureDeclaration & { body?: ts.Node }) | undefined;
  const visit = (node: ts.Node) => {
    if (found) return;
    if (ts.isFunctionDeclaration(node) && node.name?.text === name) found = node;
    else if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.name.text === name &&
      node.initializer &&
      (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
    )
      found = node.initializer;
    else ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** How the state parameters are passed: (x, h, c), (x, h) or (x, [h, c]). */
function stateArgs(params: Params, source: ts.SourceFile, hasCell: boolean, callee: string): { count: number; args: (x: tf.Tensor, h: tf.Tensor, c: tf.Tensor) => unknown[] } {
  const names = params.map((p) => paramName(p, source));
  const expected = hasCell ? '(x, h, c) or (x, [h, c])' : '(x, h)';
  const fail = () => new CallError(`cannot call ${callee}: expected its first parameters to be ${expected}; found ${listParams(params, source)}`);
  if (!names.length || !X_PARAM.test(names[0])) throw fail();
  const second = params[1];
  if (hasCell && second && ts.isArrayBindingPattern(second.name)) return { count: 2, args: (x, h, c) => [x, [h, c]] };
  if (!second || !H_PARAM.test(names[1])) throw fail();
  if (!hasCell) return { count: 2, args: (x, h) => [x, h] };
  if (params.length < 3 || !C_PARAM.test(names[2])) throw fail();
  return { count: 3, args: (x, h, c) => [x, h, c] };
}

function tensorProperties(owner: Record<string, unknown>, prefix: string): CellWeight[] {
  const out: CellWeight[] = [];
  for (const [key, value] of Object.entries(owner)) {
    if (value instanceof tf.Tensor) {
      out.push({
        name: key,
        shape: value.shape,
        set: (values) => {
          if (value instanceof tf.Variable) value.assign(values);
          else owner[key] = values;
        },
        read: () => (owner[key] as tf.Tensor).dataSync(),
      });
    } else if (!prefix && value && typeof value === 'object' && !Array.isArray(value)) {
      out.push(...tensorProperties(value as Record<string, unknown>, key));
    }
  }
  return out;
}

function constructorArgs(decl: ts.ClassLikeDeclaration, source: ts.SourceFile, sizes: Sizes, name: string): unknown[] {
  const ctor = decl.members.find(ts.isConstructorDeclaration);
  if (!ctor) throw new CallError(`cannot build ${name}: expected a constructor taking the input and hidden sizes (inputSize, hiddenSize); found none`);
  return ctor.parameters.map((p) => {
    const n = paramName(p, source);
    if (ts.isIdentifier(p.name) && INPUT_SIZE.test(n)) return sizes.E;
    if (ts.isIdentifier(p.name) && HIDDEN_SIZE.test(n)) return sizes.H;
    if (p.initializer || p.questionToken) return undefined;
    throw new CallError(
      `cannot build ${name}: expected constructor parameters for the input and hidden sizes (inputSize, hiddenSize) and optional others; found ${listParams(ctor.parameters, source)} ("${n}" is neither)`,
    );
  });
}

function classCall(Target: new (...args: unknown[]) => Record<string, unknown>, decl: ts.ClassLikeDeclaration, source: ts.SourceFile, sizes: Sizes, hasCell: boolean, name: string): CellCall {
  const method = STEP_METHODS.map((m) => decl.members.find((d): d is ts.MethodDeclaration => ts.isMethodDeclaration(d) && d.name.getText(source) === m)).find(Boolean);
  if (!method) {
    const found = decl.members.filter(ts.isMethodDeclaration).map((d) => d.name.getText(source));
    throw new CallError(`cannot call ${name}: expected a step method named ${STEP_METHODS.join(', ')}; found ${found.length ? found.join(', ') : 'no methods'}`);
  }
  const callee = `${name}.${method.name.getText(source)}`;
  const state = stateArgs(method.parameters, source, hasCell, callee);
  const instance = new Target(...constructorArgs(decl, source, sizes, name));
  const fn = instance[method.name.getText(source)] as (...args: unknown[]) => unknown;
  return { callee, step: (x, h, c) => fn.apply(instance, state.args(x, h, c)), weights: tensorProperties(instance, ''), ownInit: true };
}

/** The names a function reads from a weight parameter: `w.kernel` → kernel. */
function membersRead(body: ts.Node | undefined, param: string): string[] {
  const names = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === param) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  if (body) visit(body);
  return [...names];
}

/** Weight names to shapes, for a function whose weights we create: role from the name, width from the layout. */
export type ShapeOfName = (name: string) => number[] | undefined;

function functionCall(fn: (...args: unknown[]) => unknown, decl: ts.SignatureDeclaration & { body?: ts.Node }, source: ts.SourceFile, hasCell: boolean, name: string, shapeOf: ShapeOfName): CellCall {
  const state = stateArgs(decl.parameters, source, hasCell, name);
  const weights: CellWeight[] = [];
  const argGetters: (() => unknown)[] = [];
  const unknownNames: string[] = [];
  const add = (owner: Record<string, unknown>, key: string) => {
    const shape = shapeOf(key);
    if (!shape) return unknownNames.push(key);
    owner[key] = tf.zeros(shape);
    weights.push({ name: key, shape, set: (values) => (owner[key] = values), read: () => (owner[key] as tf.Tensor).dataSync() });
  };
  for (const p of decl.parameters.slice(state.count)) {
    const holder: Record<string, unknown> = {};
    if (ts.isObjectBindingPattern(p.name)) {
      for (const el of p.name.elements) add(holder, (el.propertyName ?? el.name).getText(source));
      argGetters.push(() => holder);
    } else if (ts.isIdentifier(p.name)) {
      const members = membersRead(decl.body, p.name.text);
      if (members.length) {
        for (const m of members) add(holder, m);
        argGetters.push(() => holder);
      } else if (p.initializer || p.questionToken) {
        argGetters.push(() => undefined);
      } else {
        const key = p.name.text;
        add(holder, key);
        argGetters.push(() => holder[key]);
      }
    } else throw new CallError(`cannot call ${name}: parameter ${p.name.getText(source)} is neither a weight nor an object of weights`);
  }
  if (unknownNames.length)
    throw new CallError(
      `cannot create the weights of ${name}: expected names saying input (W, W_i*, kernel), recurrent (U, W_h*, recurrentKernel) or bias (b, bias) weights; found ${unknownNames.join(', ')}`,
    );
  return { callee: name, step: (x, h, c) => fn(...state.args(x, h, c), ...argGetters.map((get) => get())), weights, ownInit: false };
}

/** Builds the call for the detector's cell `name` (a class or a function). */
export function cellCall(target: unknown, source: ts.SourceFile, name: string, sizes: Sizes, hasCell: boolean, shapeOf: ShapeOfName): CellCall {
  if (typeof target !== 'function')
    throw new CallError(`cannot call ${name}: expected a class or function named ${name} at the module's top level; found ${target === undefined ? 'nothing by that name' : typeof target}`);
  const cls = findClass(source, name);
  if (cls) return classCall(target as new (...args: unknown[]) => Record<string, unknown>, cls, source, sizes, hasCell, name);
  const fn = findFunction(source, name);
  if (fn) return functionCall(target as (...args: unknown[]) => unknown, fn, source, hasCell, name, shapeOf);
  throw new CallError(`cannot call ${name}: expected a class or function declaration named ${name}; found neither in the file`);
}

/** (h, c) from what a step returned: [h, c], {h, c}, or h alone (cells without a cell state; then c is undefined). */
export function stateOf(out: unknown, hasCell: boolean, callee: string): [tf.Tensor, tf.Tensor | undefined] {
  if (out instanceof tf.Tensor && !hasCell) return [out, undefined];
  if (Array.isArray(out) && out[0] instanceof tf.Tensor && (!hasCell || out[1] instanceof tf.Tensor)) return [out[0], hasCell ? (out[1] as tf.Tensor) : undefined];
  const o = out as Record<string, unknown> | null;
  if (o && typeof o === 'object' && o['h'] instanceof tf.Tensor && (!hasCell || o['c'] instanceof tf.Tensor)) return [o['h'], hasCell ? (o['c'] as tf.Tensor) : undefined];
  const found = out instanceof tf.Tensor ? 'one tensor' : Array.isArray(out) ? `an array of ${out.length}` : typeof out;
  throw new CallError(`cannot read the state ${callee} returns: expected ${hasCell ? '[h, c] or {h, c}' : 'h, [h, …] or {h}'} as tensors; found ${found}`);
}
