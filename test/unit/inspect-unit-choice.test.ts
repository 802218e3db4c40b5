// Which unit Gate activations opens on before the user picks one: the unit whose gate varies most
// over the text, not unit 0 (in a trained LSTM often pinned near −1: one solid colour).
import { strict as assert } from 'node:assert';
import type { ActivationCapture } from '../../src/shared/inspect-types';
import { mostVaryingUnit } from '../../webview/inspect-model';

function capture(h: (t: number, unit: number) => number, hiddenSize = 6): ActivationCapture {
  const chars = Array.from('the cat sat on the mat');
  const rows = chars.map((_, t) => Array.from({ length: hiddenSize }, (_, unit) => h(t, unit)));
  return { cell: 'naive-lstm', forgetGate: true, hiddenSize, chars, ids: chars.map(() => 2), gateNames: ['h'], gates: { h: rows } } as ActivationCapture;
}

/** Two-pass variance of one unit over the text (independent of the one-pass sum in the model). */
function variance(c: ActivationCapture, unit: number): number {
  const column = c.gates.h!.map((row) => row[unit]!);
  const mean = column.reduce((a, b) => a + b, 0) / column.length;
  return column.reduce((a, v) => a + (v - mean) ** 2, 0) / column.length;
}

describe('the unit Gate activations opens on', () => {
  it('skips a unit stuck at −1 and opens on the one that varies most over the text', () => {
    const c = capture((t, unit) => (unit === 0 ? -0.999 : Math.tanh(Math.sin(t * (0.3 + unit * 0.4)) * unit * 0.5)));
    const chosen = mostVaryingUnit(c, 'h');
    assert.notEqual(chosen, 0);
    const variances = Array.from({ length: c.hiddenSize }, (_, unit) => variance(c, unit));
    assert.equal(variances[chosen], Math.max(...variances), `unit ${chosen} of variances ${variances.map((v) => v.toFixed(3)).join(', ')}`);
  });

  it('with every unit flat it keeps unit 0; a gate the capture lacks also gives 0', () => {
    assert.equal(
      mostVaryingUnit(
        capture(() => 0.5),
        'h',
      ),
      0,
    );
    assert.equal(
      mostVaryingUnit(
        capture(() => 0.5),
        'f',
      ),
      0,
    );
  });
});
