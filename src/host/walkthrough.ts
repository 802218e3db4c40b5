// The Getting Started walkthrough (package.json `contributes.walkthroughs`) ticks a step when
// the user has really done it: these context keys are set the first time it happens in a
// window, and the steps' completionEvents wait for them (VS Code remembers a ticked step).
import * as vscode from 'vscode';
import type { PanelProvider } from './panel';
import type { RunManager } from './run-manager';

export const WALKTHROUGH_CONTEXT = {
  /** A training run finished (the Quick preset is the step's suggestion). */
  trained: 'lstmLab.walkthrough.trained',
  /** A gradient probe finished (a lens's Probe gradient, or the palette's). */
  probed: 'lstmLab.walkthrough.probed',
  /** The cursor sat on a gate line and the panel lit that gate's equation. */
  gateHighlighted: 'lstmLab.walkthrough.gateHighlighted',
  /** An inspection of a trained run came back to the panel or the charts editor. */
  inspected: 'lstmLab.walkthrough.inspected',
} as const;

export type WalkthroughMilestone = keyof typeof WALKTHROUGH_CONTEXT;

export function trackWalkthrough(deps: { manager: RunManager; panel: PanelProvider; log: (line: string) => void }): { disposables: vscode.Disposable[]; reached: () => WalkthroughMilestone[] } {
  const reached = new Set<WalkthroughMilestone>();
  const mark = (milestone: WalkthroughMilestone) => {
    if (reached.has(milestone)) return;
    reached.add(milestone);
    deps.log(`walkthrough: ${milestone}`);
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT[milestone], true);
  };
  return {
    disposables: [
      deps.manager.on({
        runUpdated: (run) => {
          if (run.status === 'done') mark(run.kind === 'probe' ? 'probed' : 'trained');
        },
      }),
      deps.panel.onDidPost((message) => {
        if (message.type === 'highlight' && message.gate) mark('gateHighlighted');
        if (message.type === 'inspectResult') mark('inspected');
      }),
    ],
    reached: () => [...reached],
  };
}
