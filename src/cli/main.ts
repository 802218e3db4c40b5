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
import { printJson, UsageError } from './args';

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
LSTM_LAB_BACKEND=wasm|cpu|native forces a TF.js backend (as --backend does).`;
}

/** Runs the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [verbName, ...rest] = argv;
  if (verbName === undefined || verbName === '--help' || verbName === '-h' || verbName === 'help') {
    (verbName === undefined ? process.stderr : process.stdout).write(mainUsage() + '\n');
    return verbName === undefined ? 2 : 0;
  }
  const verb = VERBS.find((v) => v.name === verbName);
  if (!verb) {
    process.stderr.write(`lstm-lab: unknown verb "${verbName}".\n\n${mainUsage()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(verb.usage + '\n');
    return 0;
  }
  const json = rest.includes('--json');
  try {
    return await verb.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const usage = error instanceof UsageError;
    process.stderr.write(`lstm-lab ${verb.name}: ${message}\n${usage ? `\n${verb.usage}\n` : ''}`);
    if (!usage && process.env['LSTM_LAB_DEBUG'] && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    // --json promises one object on stdout, failures included.
    if (json) printJson({ error: message, exitCode: usage ? 2 : 1 });
    return usage ? 2 : 1;
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
