// The status-bar item: the live loss and characters/s of the running run, the queue length,
// and when idle the last finished training run's validation loss (nothing before the first;
// after a reload, the stored runs' last one).
// Click: show the panel. Beside it while a run trains or waits, a Stop item (a training run has
// no notification of its own, so it never covers the editor; this is where it is cancelled).
import * as vscode from 'vscode';
import type { BatchProgress } from '../shared/types';
import type { RunRecord } from '../shared/protocol';
import type { RunManager } from './core/run-manager';

export function createStatusBar(manager: RunManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('lstmLab.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'LSTM Lab';
  item.command = 'lstmLab.showPanel';
  const stop = vscode.window.createStatusBarItem('lstmLab.stopRun', vscode.StatusBarAlignment.Left, 9);
  stop.name = 'LSTM Lab: Stop';
  stop.text = '$(debug-stop) Stop';
  stop.command = 'lstmLab.stop';
  let last: BatchProgress | undefined;
  /** The last training run that finished with a validation loss: after a reload, the stored one. */
  let finished: RunRecord | undefined = manager.lastFinishedTraining();

  const render = (run: RunRecord | undefined) => {
    const queued = manager.queuedRuns().length;
    const stoppable = [run, manager.activeRun(), ...manager.queuedRuns()].find((r) => r?.status === 'running' || r?.status === 'queued');
    if (stoppable) {
      stop.tooltip = `Stop ${stoppable.title}; its data so far is kept.`;
      stop.show();
    } else stop.hide();
    if (!run) {
      last = undefined;
      const result = finished?.epochs[finished.epochs.length - 1];
      if (!finished || !result) {
        item.hide();
        return;
      }
      item.text = `$(check) LSTM Lab: val loss ${result.valLoss.toFixed(3)}`;
      item.tooltip = `${finished.title}: done — val loss ${result.valLoss.toFixed(3)} (${result.bitsPerChar.toFixed(2)} bits/char), train loss ${result.trainLoss.toFixed(3)} (average over the epoch)\nClick to show the LSTM Lab panel.`;
      item.show();
      return;
    }
    const queueText = queued ? ` · ${queued} queued` : '';
    if (run.kind === 'probe') {
      item.text = `$(pulse) LSTM Lab: probe ${run.probeSeries.length}/${run.probeConfig?.series.length ?? '?'}${queueText}`;
    } else if (last) {
      item.text = `$(pulse) LSTM Lab: loss ${last.loss.toFixed(3)} · ${formatRate(last.charsPerSecond)} chars/s${queueText}`;
    } else {
      item.text = `$(loading~spin) LSTM Lab: starting ${run.title}${queueText}`;
    }
    item.tooltip = `${run.title}\n${run.backend ? `backend: ${run.backend}\n` : ''}${last ? `epoch ${last.epoch}, batch ${last.batch}/${last.batchesPerEpoch}\n` : ''}Click to show the LSTM Lab panel; "LSTM Lab: Stop" stops the run.`;
    item.show();
  };

  const sub = manager.on({
    progress: (id, p) => {
      if (manager.activeRun()?.id !== id) return;
      last = p;
      render(manager.activeRun());
    },
    runUpdated: () => {
      finished = manager.lastFinishedTraining();
      const active = manager.activeRun();
      if (!active || active.status !== 'running') last = undefined;
      render(active && active.status === 'running' ? active : undefined);
    },
    runDeleted: () => {
      // A deleted run (Clear Runs) no longer names the last result.
      finished = manager.lastFinishedTraining();
      render(manager.activeRun());
    },
    probeSeries: () => render(manager.activeRun()),
  });
  render(manager.activeRun());
  return vscode.Disposable.from(item, stop, sub);
}

function formatRate(charsPerSecond: number): string {
  return charsPerSecond >= 10_000 ? `${(charsPerSecond / 1000).toFixed(0)}k` : charsPerSecond >= 1000 ? `${(charsPerSecond / 1000).toFixed(1)}k` : String(Math.round(charsPerSecond));
}
