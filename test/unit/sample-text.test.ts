import { strict as assert } from 'node:assert';
import { sampleDocument, wrapText } from '../../src/host/core/sample-text';

describe('the Sample Text document', () => {
  const text = 'the jury said it did find that the court had been given the '.repeat(9) + 'x'.repeat(95) + '\nsecond paragraph of the model';

  it('wraps at spaces only: no line over the width but a single longer word, every character kept in order', () => {
    const wrapped = wrapText(text, 80);
    for (const line of wrapped.split('\n')) assert.ok(line.length <= 80 || !line.includes(' '), `line of ${line.length}: ${line}`);
    // Only spaces became line breaks: putting them back gives the text.
    const restored = wrapped.split('\n');
    assert.equal(restored.join(' ').replace(/ /g, ''), text.replace(/[ \n]/g, ''));
    assert.ok(wrapped.includes('\nsecond paragraph'), "the model's own line break is kept");
  });

  it('opens with a plain header line naming the run (it becomes the tab title), then the settings', () => {
    const doc = sampleDocument('the cat', { runTitle: 'NaiveLSTM · quick · Brown', temperature: 0.8, prime: 'the ', length: 3 });
    const [first, second, blank, body] = doc.split('\n');
    assert.equal(first, 'LSTM Lab sample from NaiveLSTM · quick · Brown');
    assert.match(second, /Temperature 0\.8, 3 characters after the priming text "the "/);
    assert.equal(blank, '');
    assert.equal(body, 'the cat');
  });
});
