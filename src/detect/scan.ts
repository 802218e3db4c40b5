// A tolerant scanner: turns Python (blocks by indentation) or TS/JS (blocks by braces) into
// units (classes, functions, the module top level) holding statements with their line spans.
// It never throws on odd code: whatever it cannot place becomes a plain statement. The two
// scanners live in scanPython.ts and scanCLike.ts; this module holds what they produce.
import { scanCLike } from './scanCLike';
import { scanPython } from './scanPython';
import type { DetectLanguage } from './types';

export interface Stmt {
  /** 1-based first and last line. */
  start: number;
  end: number;
  /** Code with comments removed and string contents blanked; nested blocks blanked. Same length as the source span. */
  text: string;
  /** Offset of text[0] in Scanned.code. */
  offset: number;
  inLoop: boolean;
  /** JS/TS: header texts of the enclosing loops inside the unit (`for (let n = 0; n < 4; n++)`). */
  loops?: string[];
  /** Header texts of the enclosing if/elif/else blocks inside the unit ("else" carries its if's text). */
  conditions: string[];
}

export interface Param {
  name: string;
  /** The whole parameter text (annotation and default included). */
  text: string;
  /** A caller in a loop replaces the argument with the function's result (`s = step(x, s)`): it holds the previous state. */
  carried?: boolean;
}

export interface ScanUnit {
  name: string;
  type: 'class' | 'function' | 'module';
  /** 1-based; for Python the first decorator line. */
  start: number;
  end: number;
  params: Param[];
  stmts: Stmt[];
  children: ScanUnit[];
  parent?: ScanUnit;
  /** ES5: the constructor a `Net.prototype.forward = function` method is assigned to. */
  owner?: string;
}

export interface Scanned {
  code: string;
  module: ScanUnit;
  lineOf(offset: number): number;
}

/** Every unit inside `unit`, at any depth (not `unit` itself), parents before their children. */
export function descendants(unit: ScanUnit): ScanUnit[] {
  return unit.children.flatMap((c) => [c, ...descendants(c)]);
}

export function scan(source: string, language: DetectLanguage): Scanned {
  return language === 'python' ? scanPython(source) : scanCLike(source);
}
