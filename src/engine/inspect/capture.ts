// Activation capture (every gate's value at every character of a text) and the units most
// active on a pattern.
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { ActivationCapture, CapturedGate, UnitScore } from '../../shared/inspect-types';
import { encodeText, withModel, type InspectSource } from './source';
import { cellMaths, disposeCellMaths, runEquations } from './steps';

/** Longest text an activation capture accepts (one step per character). */
export const MAX_CAPTURE_CHARS = 5000;

/**
 * Every gate's value at every character of `text` ([T][H] per gate), starting from
 * h_0 = c_0 = 0. The model reads the text lower-cased; characters outside its vocabulary
 * are read as "unknown" (id 1).
 */
export async function captureActivations(source: InspectSource, text: string): Promise<ActivationCapture> {
  return withModel(source, ({ model, vocab }) => {
    const { chars, ids } = encodeText(text, vocab, MAX_CAPTURE_CHARS, 'the activation capture');
    const maths = cellMaths(model.cell);
    try {
      const names = maths.gateNames;
      const stacked = tf.tidy(() => {
        const x = model.embed(tf.tensor2d([ids], [1, ids.length], 'int32'));
        const steps = runEquations(maths, x);
        // [T, H] per gate (batch of one).
        return names.map((name) =>
          tf.concat(
            steps.map((step) => step[name]!),
            0,
          ),
        );
      });
      const gates: ActivationCapture['gates'] = {};
      names.forEach((name, k) => (gates[name] = stacked[k]!.arraySync() as number[][]));
      tf.dispose(stacked);
      return { cell: model.cell.kind, forgetGate: maths.weights.forgetGate, hiddenSize: maths.weights.hiddenSize, chars, ids, gateNames: names, gates };
    } finally {
      disposeCellMaths(maths);
    }
  });
}

// ───────────── 2. units most active on a pattern ─────────────

/** Which positions to score: explicit indices, or every character a regular expression matches. */
export type PositionSelection = { positions: number[] } | { pattern: RegExp | string };

/** Character positions (code points) covered by the matches of `pattern` in chars.join(''). */
export function positionsMatching(chars: string[], pattern: RegExp | string): number[] {
  let regex: RegExp;
  try {
    regex = typeof pattern === 'string' ? new RegExp(pattern, 'gu') : new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
  } catch (error) {
    throw new InputError(`"${String(pattern)}" is not a valid regular expression (${(error as Error).message}).`);
  }
  const text = chars.join('');
  // Code-unit offset → character index (a character outside the BMP takes two code units).
  const charAt: number[] = [];
  chars.forEach((character, index) => {
    for (let k = 0; k < character.length; k++) charAt.push(index);
  });
  const selected = new Set<number>();
  for (const match of text.matchAll(regex)) {
    const start = match.index ?? 0;
    for (let unit = start; unit < start + match[0].length; unit++) selected.add(charAt[unit]!);
  }
  return [...selected].sort((a, b) => a - b);
}

/**
 * The hidden units whose `gate` is most active on the selected positions: score = mean over
 * the selected positions − mean over all others, highest first.
 */
export function topUnits(capture: ActivationCapture, selection: PositionSelection, gate: CapturedGate, options: { limit?: number } = {}): UnitScore[] {
  const values = capture.gates[gate];
  if (!values) throw new Error(`This ${capture.cell} capture has no "${gate}"; it has ${capture.gateNames.join(', ')}.`);
  const steps = capture.chars.length;
  const positions = 'positions' in selection ? selection.positions : positionsMatching(capture.chars, selection.pattern);
  for (const position of positions) {
    if (!Number.isInteger(position) || position < 0 || position >= steps) {
      throw new Error(`Position ${position} is outside the text (0 … ${steps - 1}).`);
    }
  }
  const on = new Set(positions);
  if (on.size === 0) throw new InputError('The pattern matches no character of the text; give a pattern that occurs in it.');
  if (on.size === steps) throw new InputError('The pattern matches every character, so there is nothing to compare it with; give a pattern that matches only part of the text.');
  const limit = options.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`The number of units to rank must be a positive integer, got ${limit}.`);
  const hidden = capture.hiddenSize;
  const sumOn = new Float64Array(hidden);
  const sumOff = new Float64Array(hidden);
  for (let t = 0; t < steps; t++) {
    const target = on.has(t) ? sumOn : sumOff;
    const row = values[t]!;
    for (let unit = 0; unit < hidden; unit++) target[unit] += row[unit]!;
  }
  const scores: UnitScore[] = [];
  for (let unit = 0; unit < hidden; unit++) {
    const meanOn = sumOn[unit]! / on.size;
    const meanOff = sumOff[unit]! / (steps - on.size);
    scores.push({ unit, score: meanOn - meanOff, meanOn, meanOff });
  }
  scores.sort((a, b) => b.score - a.score || a.unit - b.unit);
  return scores.slice(0, limit);
}
