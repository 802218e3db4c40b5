// The Getting Started walkthrough (package.json `contributes.walkthroughs`) ticks a step when
// the user has really done it: these context keys are set the first time it happens in a
// window, and the steps' completionEvents wait for them (VS Code remembers a ticked step).
import * as vscode from 'vscode';
import type { PanelProvider } from './panel';
import type { RunManager } from './run-manager';

export const WALKTHROUGH_CONTEXT = {
  /** The tutorial notebook was opened (also when the command ran from another extension or a test, which onCommand does not see). */
  tutorialOpened: 'lstmLab.walkthrough.tutorialOpened',
  /** A training run finished (the Quick preset is the step's suggestion). */
  trained: 'lstmLab.walkthrough.trained',
  /** A gradient probe finished (a lens's Probe gradient, or the palette's). */
  probed: 'lstmLab.walkthrough.probed',
  /** The cursor sat on a gate line and the panel lit that gate's equation. */
  gateHighlighted: 'lstmLab.walkthrough.gateHighlighted',
  /** An inspection of a trained run came back to the panel or the charts editor. */
  inspected: 'lstmLab.walkthrough.inspected',
  /** A check of the user's own cell came back with its verdict (the lens runs it from the extension host, which onCommand does not see). */
  checked: 'lstmLab.walkthrough.checked',
} as const;

export type WalkthroughMilestone = keyof typeof WALKTHROUGH_CONTEXT;

export interface WalkthroughProgress {
  disposables: vscode.Disposable[];
  /** Milestones reached in this window. */
  reached: () => WalkthroughMilestone[];
  /** Marks a milestone the trackers below cannot see (the tutorial command calls it). */
  mark: (milestone: WalkthroughMilestone) => void;
}

export function trackWalkthrough(deps: { manager: RunManager; panel: PanelProvider; log: (line: string) => void }): WalkthroughProgress {
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
        if (message.type === 'codeVerdict' && message.verdict) mark('checked');
      }),
    ],
    reached: () => [...reached],
    mark,
  };
}
