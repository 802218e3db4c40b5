import assert from 'node:assert/strict';
import { encodeNonFinite, reviveNonFinite } from '../../src/shared/non-finite';
import { isHostToWebview, type HostToWebview } from '../../src/shared/protocol';

// What VS Code does to a message between the extension and a webview.
const throughJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('non-finite numbers between the extension and a webview', () => {
  const series = { name: 'LSTM, forget bias −1', cell: 'naive-lstm', forgetGate: true, forgetBias: -1, norms: [1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0], seconds: 2 };
  const message = { type: 'probeSeries', runId: 'probe-1', series } as HostToWebview;

  it('JSON alone turns them into null, and the panel would drop the message', () => {
    assert.equal(isHostToWebview(message), true);
    assert.equal(isHostToWebview(throughJson(message)), false);
  });

  it('marked on the way out and read back, they arrive as the numbers they were, and the message passes', () => {
    const arrived = reviveNonFinite(throughJson(encodeNonFinite(message)));
    assert.deepEqual(arrived, message);
    assert.equal(isHostToWebview(arrived), true);
  });

  it('leaves everything else as it is: the same objects when nothing is to mark, strings that read "NaN" stay strings', () => {
    const finite = { type: 'runs', runs: [{ title: 'NaN', values: [1, 2], nested: { x: 3 } }] };
    assert.equal(encodeNonFinite(finite), finite);
    assert.equal(reviveNonFinite(finite), finite);
    assert.deepEqual(reviveNonFinite(throughJson(encodeNonFinite(finite))), finite);
    // A lookalike with another key is not a mark.
    const lookalike = { $nonFinite: 'NaN', other: 1 };
    assert.equal(reviveNonFinite(lookalike), lookalike);
  });

  it('never changes what it is given', () => {
    const before = structuredClone(message);
    encodeNonFinite(message);
    assert.deepEqual(message, before);
  });
});
