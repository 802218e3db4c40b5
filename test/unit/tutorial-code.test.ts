// The walkthrough's "Check your own cell" step: a check of a tutorial cell exactly as shipped is
// not the user's own cell; the same cell with one line changed, or a cell written elsewhere, is.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { detectNotebook } from '../../src/detect';
import { shippedTutorialMatcher } from '../../src/host/tutorial-code';

const TUTORIAL = fs.readFileSync(path.join(__dirname, '../../media/tutorial/lstm-lab-tutorial.ipynb'), 'utf8');

/** Each recurrent cell's lines as the check sees them (its detected range in its notebook cell). */
function shippedClasses(): Map<string, string> {
  const cells = JSON.parse(TUTORIAL).cells as { source: string | string[] }[];
  return new Map(
    detectNotebook(TUTORIAL).map((found) => {
      const source = cells[found.cellIndex]!.source;
      const lines = (Array.isArray(source) ? source.join('') : source).split('\n');
      return [found.name, lines.slice(found.range.start - 1, found.range.end).join('\n')];
    }),
  );
}

describe('whether a checked cell is the tutorial as shipped', () => {
  const isShipped = shippedTutorialMatcher(TUTORIAL);
  const classes = shippedClasses();

  it('each of the four tutorial cells, unchanged, is the tutorial (also re-saved with CRLF and trailing blanks)', () => {
    assert.deepEqual([...classes.keys()], ['GateByGateLSTM', 'SideBySideLSTM', 'TanhRNN', 'SwitchableForgetLSTM']);
    for (const [name, text] of classes) {
      assert.ok(isShipped(text), name);
      assert.ok(isShipped(`${text.replace(/\n/g, '  \r\n')}\n\n`), `${name} with CRLF`);
    }
  });

  it('a tutorial cell with one line changed (tanh → sigmoid) is the user own code', () => {
    const rnn = classes.get('TanhRNN')!;
    const edited = rnn.replace('h = torch.tanh(', 'h = torch.sigmoid(');
    assert.notEqual(edited, rnn, 'the RNN has the tanh line the walkthrough suggests changing');
    assert.equal(isShipped(edited), false);
    assert.equal(isShipped(rnn.replace('self.b = zeros(hidden_size)', 'self.b = zeros(hidden_size) + 0.1')), false);
  });

  it('a cell written elsewhere, or an empty one, is not the tutorial', () => {
    assert.equal(isShipped('class MyRNN(nn.Module):\n    def forward(self, x):\n        return x'), false);
    assert.equal(isShipped('  \n'), false);
  });
});
