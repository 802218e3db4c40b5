// A quick pick that is one step of a multi-step input: "LSTM Lab: Train Model (1/3)" in its
// title bar, a Back button from the second step on. Resolves with the picked items, 'back',
// or undefined when the user dismisses it.
import * as vscode from 'vscode';

export interface StepOptions<T extends vscode.QuickPickItem> {
  title: string;
  step: number;
  totalSteps: number;
  items: T[];
  placeholder?: string;
  canPickMany?: boolean;
}

export function pickStep<T extends vscode.QuickPickItem>(options: StepOptions<T>): Promise<readonly T[] | 'back' | undefined> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.step = options.step;
  pick.totalSteps = options.totalSteps;
  pick.placeholder = options.placeholder;
  pick.canSelectMany = options.canPickMany ?? false;
  pick.items = options.items;
  pick.ignoreFocusOut = true;
  const picked = options.items.filter((item) => item.picked);
  if (pick.canSelectMany) pick.selectedItems = picked;
  else if (picked.length) pick.activeItems = picked.slice(0, 1);
  pick.buttons = options.step > 1 ? [vscode.QuickInputButtons.Back] : [];
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: readonly T[] | 'back' | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidTriggerButton((button) => button === vscode.QuickInputButtons.Back && finish('back'));
    pick.onDidAccept(() => {
      const chosen = pick.canSelectMany ? pick.selectedItems : pick.selectedItems.length ? pick.selectedItems : pick.activeItems;
      if (chosen.length) finish(chosen);
    });
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}

/** Runs steps in order; a step returns 'back' to go to the previous one, undefined to cancel. */
export async function runSteps(steps: (() => Promise<'next' | 'back' | undefined>)[]): Promise<boolean> {
  let index = 0;
  while (index < steps.length) {
    const outcome = await steps[index]();
    if (outcome === undefined) return false;
    index = outcome === 'back' ? Math.max(0, index - 1) : index + 1;
  }
  return true;
}
