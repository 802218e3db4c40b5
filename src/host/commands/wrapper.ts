// The one error wrapper every LSTM Lab command runs in. A command called with an argument
// object (tests, other modules, the CodeLens commands delegating to the palette ones) shows no
// pickers unless the object says `interactive: true`, and a failure is also rejected to that
// caller; called from the palette, a menu or a lens, failures are shown and swallowed.
import * as vscode from 'vscode';

/** A button on an error message that runs the command that fixes it. */
export interface Fix {
  label: string;
  command: string;
  args?: unknown[];
}

export const OPEN_SETTINGS: Fix = { label: 'Open Settings', command: 'workbench.action.openSettings', args: ['lstmLab'] };
export const TRAIN_MODEL: Fix = { label: 'Train Model…', command: 'lstmLab.train' };

/**
 * A problem the user can fix: shown with the buttons that fix it. `info` marks a normal state
 * rather than a fault (e.g. nothing trained yet), shown as an information message.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly fixes: Fix[] = [],
    readonly severity: 'error' | 'info' = 'error',
  ) {
    super(message);
  }
}

/** A failure of a lstmLab.* command this one called: that command has already shown it. */
export class AlreadyShown extends Error {}

/** Runs another LSTM Lab command; its failures are already on screen, so they are not shown twice. */
export async function delegate<R>(id: string, args: object): Promise<R | undefined> {
  try {
    return await vscode.commands.executeCommand<R | undefined>(id, args);
  } catch (error) {
    throw new AlreadyShown((error as Error).message);
  }
}

/** Shows a failure: a UserError with its fix buttons, anything else as a plain error. */
export function showFailure(error: unknown): void {
  if (error instanceof AlreadyShown) return;
  const message = `LSTM Lab: ${(error as Error).message}`;
  if (!(error instanceof UserError)) {
    void vscode.window.showErrorMessage(message);
    return;
  }
  const show = error.severity === 'info' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  void show(message, ...error.fixes.map((f) => f.label)).then((choice) => {
    const fix = error.fixes.find((f) => f.label === choice);
    if (fix) void vscode.commands.executeCommand(fix.command, ...(fix.args ?? []));
  });
}

export type CommandHandler<A, R> = (args: A | undefined, interactive: boolean) => Promise<R | undefined> | R | undefined;

/**
 * Registers `id` with the shared error handling. The handler gets the argument object (or
 * undefined from the palette or a menu, which may pass a Uri) and whether it may ask the user.
 */
export function registerCommand<A extends object, R>(id: string, log: (line: string) => void, handler: CommandHandler<A, R>): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (raw?: unknown) => {
    const args = raw !== null && typeof raw === 'object' && !(raw instanceof vscode.Uri) ? (raw as A) : undefined;
    const interactive = args === undefined || (args as { interactive?: unknown }).interactive === true;
    try {
      return await handler(args, interactive);
    } catch (error) {
      log(`${id}: ${(error as Error).message}`);
      showFailure(error);
      if (!interactive) throw error;
      return undefined;
    }
  });
}
