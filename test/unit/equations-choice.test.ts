// Whose equations the panel shows: the editor's cell wins over a run's, and a run's later
// updates (its epochs, its end) never replace what the panel shows. The scenario is the one a
// learner meets in the tutorial: a Quick run of OptimizedLSTM going, the cursor moved into
// GateByGateLSTM's loop, the run finishing.
import assert from 'node:assert/strict';
import { EquationsChoice } from '../../src/host/core/equations-choice';

describe('EquationsChoice', () => {
  it("a run that ends while the cursor is in another cell leaves that cell's equations shown", () => {
    const choice = new EquationsChoice();
    assert.equal(choice.runMayShow('optimized-quick'), true, 'nothing chosen in the editor yet: the run shows the equations it trains');
    choice.chosenByEditor(); // cursor on GateByGateLSTM's f_t line
    // The run's later updates while running (each epoch, the last batch) and its end.
    for (let k = 0; k < 3; k++) assert.equal(choice.runMayShow('optimized-quick'), false, `update ${k} of the same run replaced the cursor's equations`);
  });

  it('a run started while the cursor is in a cell does not replace that cell’s equations', () => {
    const choice = new EquationsChoice();
    choice.chosenByEditor();
    assert.equal(choice.runMayShow('run-1'), false);
    assert.equal(choice.runMayShow('run-1'), false);
  });

  it('once the cursor leaves for an editor without cells, the next run to start shows its equations, once', () => {
    const choice = new EquationsChoice();
    choice.chosenByEditor();
    assert.equal(choice.runMayShow('run-1'), false);
    choice.editorLeftCells();
    assert.equal(choice.runMayShow('run-1'), false, 'run-1 had already started: its later updates stay quiet');
    assert.equal(choice.runMayShow('run-2'), true);
    assert.equal(choice.runMayShow('run-2'), false);
  });

  it('a run shows its equations only at its start even when no editor cell ever chose (the panel’s own dropdown choice stays)', () => {
    const choice = new EquationsChoice();
    assert.equal(choice.runMayShow('run-1'), true);
    assert.equal(choice.runMayShow('run-1'), false);
  });
});
