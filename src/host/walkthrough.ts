// The Getting Started walkthrough (package.json `contributes.walkthroughs`) ticks a step when
// the user has really done it: these context keys are set the first time it happens in a
// window, and the steps' completionEvents wait for them (VS Code remembers a ticked step).
import * as vscode from 'vscode';
import type { PanelProvider } from './panel';
import type { RunManager } from './core/run-manager';
import { shippedTutorialMatcher } from './tutorial-code';

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
  /** A check of code the user wrote or changed came back with its verdict (a tutorial cell as shipped ticks only `probed`). */
  checked: 'lstmLab.walkthrough.checked',
} as const;

export type WalkthroughMilestone = keyof typeof WALKTHROUGH_CONTEXT;

export interface WalkthroughProgress {
  disposables: vscode.Disposable[];
  /** Milestones reached in this window. */
  reached: () => WalkthroughMilestone[];
  /** Marks a milestone the trackers below cannot see (the tutorial command calls it). */
  mark: (milestone: WalkthroughMilestone) => void;
  /** A check's verdict came back for this recurrent cell's text: `checked` unless it is a tutorial cell as shipped. */
  checkedCell: (classText: string) => void;
}

export function trackWalkthrough(deps: { manager: RunManager; panel: PanelProvider; shippedTutorial: vscode.Uri; log: (line: string) => void }): WalkthroughProgress {
  const reached = new Set<WalkthroughMilestone>();
  let isShipped: Promise<(classText: string) => boolean> | undefined;
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
    mark,
    checkedCell: (classText) => {
      if (reached.has('checked')) return;
      isShipped ??= Promise.resolve(vscode.workspace.fs.readFile(deps.shippedTutorial)).then((bytes) => shippedTutorialMatcher(new TextDecoder().decode(bytes)));
      isShipped.then(
        (shipped) => (shipped(classText) ? deps.log('walkthrough: a tutorial cell as shipped was checked (not your own cell)') : mark('checked')),
        (error: unknown) => {
          deps.log(`walkthrough: could not read the shipped tutorial (${String(error)}); counting the check as your own cell`);
          mark('checked');
        },
      );
    },
  };
}
