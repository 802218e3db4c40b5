// lstm-lab: the headless front door to the engine. One module per verb in ./verbs, each
// exporting { name, summary, usage, run(argv) → exit code }; this file only dispatches.
import * as bench from './verbs/bench';
import * as check from './verbs/check';
import * as compare from './verbs/compare';
import * as detect from './verbs/detect';
import * as inspect from './verbs/inspect';
import * as probe from './verbs/probe';
import * as sample from './verbs/sample';
import * as train from './verbs/train';
import { InputError } from '../engine/errors';
import { version } from '../../package.json';
import { closestWord, HelpRequested, printJson, UsageError } from './args';

interface VerbModule {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

export const VERBS: readonly VerbModule[] = [train, probe, compare, sample, bench, detect, inspect, check];

export function mainUsage(): string {
  const width = Math.max(...VERBS.map((v) => v.name.length)) + 2;
  return `Usage: lstm-lab <verb> [options]   (npm run lab -- <verb> [options])

Verbs:
${VERBS.map((v) => `  ${v.name.padEnd(width)}${v.summary}`).join('\n')}

lstm-lab <verb> --help shows a verb's options. --json prints one JSON object on stdout.
lstm-lab --version prints the version.
--backend NAME chooses the TF.js backend; LSTM_LAB_BACKEND=auto|native|tensorflow|wasm|cpu
sets the default when --backend is not given.

Exit status: 0 done, 1 failed, 2 a usage or input error (a bad option, file or checkpoint),
130 interrupted.`;
}

/** Exit status of an error: 2 when the user's command or input is at fault, 1 otherwise. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError || error instanceof InputError ? 2 : 1;
}

/** Runs the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [verbName, ...rest] = argv;
  if (verbName === '--version' || verbName === '-V' || verbName === 'version') {
    process.stdout.write(`lstm-lab ${version}\n`);
    return 0;
  }
  if (verbName === undefined || verbName === '--help' || verbName === '-h' || verbName === 'help') {
    (verbName === undefined ? process.stderr : process.stdout).write(mainUsage() + '\n');
    return verbName === undefined ? 2 : 0;
  }
  const verb = VERBS.find((v) => v.name === verbName);
  if (!verb) {
    const guess = closestWord(
      verbName,
      VERBS.map((v) => v.name),
    );
    process.stderr.write(
      `lstm-lab: unknown verb "${verbName}".${guess ? ` Did you mean ${guess}?` : ''} The verbs are ${VERBS.map((v) => v.name).join(', ')}; run "lstm-lab --help" for what each does.\n`,
    );
    return 2;
  }
  const json = rest.includes('--json');
  try {
    return await verb.run(rest);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(verb.usage + '\n');
      return 0;
    }
    const message = error instanceof Error ? error.message : String(error);
    const exitCode = exitCodeOf(error);
    const pointer = error instanceof UsageError ? `\nRun "lstm-lab ${verb.name} --help" for its options.` : '';
    process.stderr.write(`lstm-lab ${verb.name}: ${message}${pointer}\n`);
    if (exitCode === 1 && process.env['LSTM_LAB_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    // --json promises one object on stdout, failures included.
    if (json) printJson({ error: message, exitCode });
    return exitCode;
  }
}

if (require.main === module) {
  // Libraries (TF.js) print notices with console.log/warn: keep stdout for results only.
  console.log = console.info = console.warn = console.debug = (...args: unknown[]) => console.error(...args);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`lstm-lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
