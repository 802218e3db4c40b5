// Loading the user's TS/JS module: the gate lines the detector found are instrumented (after
// each statement that assigns a gate's value to a variable, a call records it), the result is
// transpiled by TypeScript's own transpileModule (bundled: pure JS, no native binary), and run
// in a fresh vm context whose `require` gives only our TF.js instance. vm is not a security
// boundary: the host runs user code only in a trusted workspace.
import * as vm from 'node:vm';
import * as path from 'node:path';
import * as util from 'node:util';
import * as ts from 'typescript';
import * as tf from '@tensorflow/tfjs';
import { decodeMappings, originalLine, type LineMap } from './source-map';

/** Receives a gate's value right after the user's statement computed it. */
export type GateRecorder = (gate: string, line: number, variable: string, value: unknown) => void;

export interface LoadedCell {
  /** The class or function named by the detector (exported or not). */
  target: unknown;
  /** The module's syntax tree (parameter names are read from it). */
  sourceFile: ts.SourceFile;
  /** Set while the cell runs a checked step; null during the probe. */
  setRecorder(recorder: GateRecorder | null): void;
  /** Where something thrown while the cell ran comes from in the user's file (see thrownIn). */
  locate(thrown: unknown): ThrownInCell;
}

/** Something the user's code threw: its message, its deepest line in their file, its stack with their lines. */
export interface ThrownInCell {
  message: string;
  line: number | null;
  stack: string;
}

/** The message of anything thrown, an Error from the cell's own vm context included (not `instanceof Error` here). */
export function thrownMessage(thrown: unknown): string {
  if (thrown && typeof thrown === 'object' && typeof (thrown as { message?: unknown }).message === 'string')
    return (thrown as { message: string }).message || String((thrown as { name?: unknown }).name ?? 'Error');
  return String(thrown);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The thrown value's message, the deepest frame of its stack in the user's file mapped back to
 * their line, and the stack with every such frame rewritten to their line (TF.js frames kept).
 */
export function thrownIn(thrown: unknown, fileName: string, map: LineMap, firstLineOffset: number): ThrownInCell {
  const message = thrownMessage(thrown);
  const stack = thrown && typeof thrown === 'object' && typeof (thrown as { stack?: unknown }).stack === 'string' ? (thrown as { stack: string }).stack : message;
  const frame = new RegExp(`${escapeRegExp(fileName)}:(\\d+):(\\d+)`, 'g');
  let line: number | null = null;
  const mapped = stack.replace(frame, (_all, l: string, c: string) => {
    const generated = Number(l);
    const column = generated === 1 ? Math.max(1, Number(c) - firstLineOffset) : Number(c);
    const original = originalLine(map, generated, column);
    line ??= original ?? null;
    return original === undefined ? `${fileName} (code the transpiler added)` : `${fileName}:${original}`;
  });
  return { message, line, stack: mapped };
}

const RECORD = '__lstmlab_record';
const TARGET = '__lstmlab_target';
const TFJS_MODULES = new Set(['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-node']);

export class CellLoadError extends Error {
  constructor(
    message: string,
    readonly line: number | null,
    readonly trace?: string,
  ) {
    super(message);
  }
}

function scriptKind(fileName: string): ts.ScriptKind {
  const ext = path.extname(fileName).toLowerCase();
  if (ext === '.tsx') return ts.ScriptKind.TSX;
  if (ext === '.jsx') return ts.ScriptKind.JSX;
  return ext === '.ts' || ext === '.mts' || ext === '.cts' ? ts.ScriptKind.TS : ts.ScriptKind.JS;
}

export function parseModule(fileName: string, source: string): ts.SourceFile {
  return ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2020, true, scriptKind(fileName));
}

/** The variable a statement assigns (`const f = …`, `h = …`), if it is one plain name. */
function assignedName(statement: ts.Statement): string | undefined {
  if (ts.isVariableStatement(statement)) {
    const decls = statement.declarationList.declarations;
    return decls.length === 1 && ts.isIdentifier(decls[0].name) && decls[0].initializer ? decls[0].name.text : undefined;
  }
  if (
    ts.isExpressionStatement(statement) &&
    ts.isBinaryExpression(statement.expression) &&
    statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isIdentifier(statement.expression.left)
  ) {
    return statement.expression.left.text;
  }
  return undefined;
}

/**
 * The source with a record call after each statement in a block that starts on a line of exactly
 * one gate and assigns one variable. Inserted on the statement's own last line, so every line of
 * the user's code keeps its number.
 */
export function instrument(sourceFile: ts.SourceFile, gates: Partial<Record<string, number[]>>): string {
  const gateOfLine = new Map<number, string[]>();
  for (const [gate, lines] of Object.entries(gates)) for (const line of lines ?? []) gateOfLine.set(line, [...(gateOfLine.get(line) ?? []), gate]);
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBlock(node) || ts.isSourceFile(node)) {
      for (const statement of node.statements) {
        const line = sourceFile.getLineAndCharacterOfPosition(statement.getStart(sourceFile)).line + 1;
        const owners = gateOfLine.get(line);
        const name = assignedName(statement);
        if (owners?.length === 1 && name) inserts.push({ at: statement.end, text: `;${RECORD}(${JSON.stringify(owners[0])}, ${line}, ${JSON.stringify(name)}, ${name});` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  let text = sourceFile.text;
  for (const { at, text: insert } of inserts.sort((a, b) => b.at - a.at)) text = text.slice(0, at) + insert + text.slice(at);
  return text;
}

/** The cell's `console`: each call's arguments as one line to `onOutput` (dropped without one). */
function consoleTo(onOutput: ((text: string) => void) | undefined): Record<string, (...args: unknown[]) => void> {
  const write = (...args: unknown[]) => onOutput?.(`${args.map((a) => (typeof a === 'string' ? a : util.inspect(a, { depth: 2 }))).join(' ')}\n`);
  return { log: write, info: write, warn: write, error: write, debug: write };
}

/** Transpiles and runs the module; throws CellLoadError naming what went wrong. */
export function loadCell(fileName: string, source: string, name: string, gates: Partial<Record<string, number[]>>, options: { onOutput?: (text: string) => void } = {}): LoadedCell {
  const sourceFile = parseModule(fileName, source);
  const instrumented = `${instrument(sourceFile, gates)}\n;module.exports.${TARGET} = typeof ${name} === 'undefined' ? undefined : ${name};\n`;
  const { outputText, diagnostics, sourceMapText } = ts.transpileModule(instrumented, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true, allowJs: true, sourceMap: true },
  });
  const syntax = diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntax) {
    const line = syntax.file && syntax.start !== undefined ? syntax.file.getLineAndCharacterOfPosition(syntax.start).line + 1 : null;
    throw new CellLoadError(`cannot transpile ${path.basename(fileName)}: ${ts.flattenDiagnosticMessageText(syntax.messageText, '\n')}`, line);
  }
  let recorder: GateRecorder | null = null;
  const module = { exports: {} as Record<string, unknown> };
  const requireTf = (id: string): unknown => {
    if (TFJS_MODULES.has(id)) return tf;
    throw new Error(`a checked cell may require only @tensorflow/tfjs; this module requires "${id}"`);
  };
  const record = (gate: string, line: number, variable: string, value: unknown) => recorder?.(gate, line, variable, value);
  const context = vm.createContext({ console: consoleTo(options.onOutput) });
  // Deep TF.js stacks must not push the user's frames out of the trace.
  vm.runInContext('Error.stackTraceLimit = 100', context);
  const prefix = `(function (exports, require, module, ${RECORD}) {`;
  const map = decodeMappings(sourceMapText ? (JSON.parse(sourceMapText) as { mappings: string }).mappings : '');
  const locate = (thrown: unknown) => thrownIn(thrown, fileName, map, prefix.length);
  try {
    const wrapper = vm.runInContext(`${prefix}${outputText}\n})`, context, { filename: fileName });
    (wrapper as (...args: unknown[]) => void)(module.exports, requireTf, module, record);
  } catch (error) {
    const where = locate(error);
    throw new CellLoadError(`loading ${path.basename(fileName)} failed: ${where.message}`, where.line, where.stack);
  }
  return { target: module.exports[TARGET], sourceFile, setRecorder: (r) => (recorder = r), locate };
}
