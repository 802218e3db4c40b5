// LSTM Lab: Sample Text… — generate text from a trained run's checkpoint.
import * as vscode from 'vscode';
import type { RunRecord } from '../../shared/protocol';
import type { CommandDeps } from './context';
import { SAMPLE_DEFAULTS } from '../../shared/inspect-protocol';
import { sampleDocument } from '../core/sample-text';
import { registerCommand, TRAIN_MODEL, UserError } from './wrapper';

export interface SampleArgs {
  runId?: string;
  temperature?: number;
  prime?: string;
  length?: number;
  seed?: number;
  /** Open the text in a new untitled editor (default true). */
  openEditor?: boolean;
}

export function registerSample(deps: CommandDeps): vscode.Disposable {
  const { manager } = deps;
  return registerCommand<SampleArgs, string>('lstmLab.sample', deps.log, async (args, interactive) => {
    const candidates = manager.list().filter((r) => r.kind === 'train' && r.checkpoint && r.status !== 'running' && r.status !== 'queued');
    let run: RunRecord | undefined = args?.runId ? manager.get(args.runId) : undefined;
    if (args?.runId && !run) throw new UserError(`there is no run ${args.runId}.`);
    if (!run) {
      if (candidates.length === 0) throw new UserError('no trained model yet: train one to sample from (a Quick run takes about a minute).', [TRAIN_MODEL], 'info');
      if (!interactive) run = candidates[candidates.length - 1];
      else {
        const pick = await vscode.window.showQuickPick(
          candidates.reverse().map((r) => ({ label: r.title, description: `${r.status}${r.epochs.length ? ` · val loss ${r.epochs[r.epochs.length - 1].valLoss.toFixed(3)}` : ''}`, run: r })),
          { title: 'LSTM Lab: sample from which model?' },
        );
        if (!pick) return undefined;
        run = pick.run;
      }
    }
    const checkpoint = run.checkpoint;
    if (!checkpoint) throw new UserError(`${run.title} has no checkpoint to sample from (it stopped before its first one was written).`);
    let temperature: number = args?.temperature ?? SAMPLE_DEFAULTS.temperature;
    let prime: string = args?.prime ?? SAMPLE_DEFAULTS.prime;
    if (interactive) {
      const t = await vscode.window.showInputBox({
        title: `LSTM Lab: Sample Text from ${run.title} — temperature`,
        prompt: 'Lower is more conservative, higher more adventurous (0.05–5).',
        value: String(temperature),
        validateInput: (v) => (Number.isFinite(Number(v)) && Number(v) >= 0.05 && Number(v) <= 5 ? undefined : 'Enter a number from 0.05 to 5.'),
      });
      if (t === undefined) return undefined;
      temperature = Number(t);
      const p = await vscode.window.showInputBox({
        title: `LSTM Lab: Sample Text from ${run.title} — priming text`,
        prompt: `The model continues this text with ${args?.length ?? SAMPLE_DEFAULTS.length} characters.`,
        value: prime,
      });
      if (p === undefined) return undefined;
      prime = p;
    }
    if (!(Number.isFinite(temperature) && temperature >= 0.05 && temperature <= 5)) throw new UserError(`temperature is ${temperature}; it must be a number from 0.05 to 5.`);
    const length: number = args?.length ?? SAMPLE_DEFAULTS.length;
    if (!(Number.isInteger(length) && length >= 1 && length <= 100_000)) throw new UserError(`length is ${length}; it must be an integer from 1 to 100000.`);
    const text = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `LSTM Lab: sampling from ${run.title}` }, () =>
      manager.sample({ checkpoint, length, temperature, prime, ...(args?.seed !== undefined ? { seed: args.seed } : {}) }),
    );
    if (args?.openEditor !== false) {
      const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: sampleDocument(text, { runTitle: run.title, temperature, prime, length }) });
      await vscode.window.showTextDocument(doc, { preview: false });
    }
    return text;
  });
}
