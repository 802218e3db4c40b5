// lstm-lab check: run the user's own recurrent cells (PyTorch or numpy, .py or .ipynb) in a
// Python child, compare them with the reference cell of their kind from the same weights, and
// probe their gradient flow.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PythonClient } from '../../python/client';
import { DEFAULT_CHECK_SEED, planNotebook, planPythonFile, planTfjsFile, runPlans, toReport, type CellPlan, type CellReport, type PlanOptions } from '../../python/check';
import { initBackend } from '../../engine/backend';
import { checkTfjsInput } from '../../tfjs-cell';
import { findPython, missingTorchMessage, PythonNotFoundError, type PythonInfo } from '../../python/interpreter';
import { formatOptions, JSON_OPTION, parseArgs, printJson, UsageError, type CliVerb, type OptionSpec } from '../args';

const OPTIONS: OptionSpec[] = [
  { name: 'cell', type: 'string', value: 'NAME', help: 'check only the class or function of this name (default: every cell found)' },
  { name: 'python', type: 'string', value: 'PATH', help: 'the Python to run the code with (default: python3/python on PATH, preferring one with torch)' },
  { name: 'steps', type: 'integer', value: 'N', help: 'time steps compared with the reference and probed (default 100)' },
  { name: 'timeout', type: 'number', value: 'S', help: 'stop a cell that runs longer than S seconds (default 120)' },
  {
    name: 'seed',
    type: 'integer',
    value: 'N',
    help: `Python cells: seed of the random inputs and of your cell's own initialisation, so identical runs print identical numbers (default ${DEFAULT_CHECK_SEED})`,
  },
  JSON_OPTION,
];

export const name = 'check';
export const summary = 'run your own LSTM/GRU/RNN cell (PyTorch, numpy, TF.js) and check it against the reference';
export const usage = `Usage: lstm-lab check FILE [--cell NAME] [--python PATH] [--steps N] [--timeout S] [--seed N] [--json]

Runs each recurrent cell that \`lstm-lab detect\` finds in FILE (.py or .ipynb) as written, in a
Python child that loads only the imports and definitions the cell needs. A TF.js cell in a
.ts/.js file is transpiled and run in this process instead (no Python; its probe is one
tf.grad through your code at E=50, H=125). It builds the cell
from (input size, hidden size) or creates its weights from their names, compares h_t over N
steps with the reference cell of its kind (LSTM with or without forget gate, GRU, tanh RNN)
loaded with the same weights, and probes ‖∂Σ|h_t|/∂h0‖ per step (autograd for PyTorch,
central finite differences for numpy).

Verdicts: matches (max relative difference over N steps), differs (the first step and gate
that departs, with its line), unknown (the reason). For a notebook, lines are within each
code cell and cellIndex counts every cell, as in \`lstm-lab detect\`.

Options:
${formatOptions(OPTIONS)}

--json prints {file, python: {path, version, torch}, seed, cells: [{name, line, kind, ran, error, verdict, reference, maxRelDiff,
firstDifference: null | {step, gate, line}, probe: null | {steps, norms}, message, warnings}]}
(plus cellIndex for .ipynb).
Exit status: 0 every cell matches, 1 a cell differs or could not be checked, 2 usage or input errors.

Example: lstm-lab check media/tutorial/lstm-lab-tutorial.ipynb --cell GateByGateLSTM --python /usr/bin/python3`;

function fail(message: string, json: boolean): number {
  process.stderr.write(`lstm-lab check: ${message}\n`);
  if (json) printJson({ error: message, exitCode: 2 });
  return 2;
}

function plansOf(file: string, source: string, options: PlanOptions): CellPlan[] {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.ipynb') return planNotebook(source, options);
  if (extension === '.py') return planPythonFile(file, source, options);
  throw new UsageError(`check runs Python cells (PyTorch, numpy) and TF.js cells: FILE must end in .py, .ipynb, ${[...TFJS_LANGUAGES.keys()].join(', ')}; got "${extension || '(no extension)'}".`);
}

const TFJS_LANGUAGES = new Map<string, 'typescript' | 'javascript'>([
  ['.ts', 'typescript'],
  ['.tsx', 'typescript'],
  ['.mts', 'typescript'],
  ['.cts', 'typescript'],
  ['.js', 'javascript'],
  ['.jsx', 'javascript'],
  ['.mjs', 'javascript'],
  ['.cjs', 'javascript'],
]);

/** The cells named --cell (all when none); a message listing what was found when none has that name. */
function pick<T extends { cell: { name: string } }>(plans: T[], wanted: string | undefined, file: string): T[] | string {
  if (wanted === undefined) return plans.length ? plans : `no recurrent cell found in ${file} (lstm-lab detect shows what is recognised).`;
  const found = plans.filter((p) => p.cell.name === wanted);
  return found.length ? found : `no cell named "${wanted}" in ${file}; found: ${plans.map((p) => p.cell.name).join(', ') || 'none'}.`;
}

/** TF.js cells run in this process: no Python involved. */
async function checkTfjsFile(file: string, source: string, language: 'typescript' | 'javascript', wanted: string | undefined, options: PlanOptions, json: boolean, shown: string): Promise<number> {
  const picked = pick(planTfjsFile(file, source, language, options), wanted, shown);
  if (typeof picked === 'string') return fail(picked, json);
  await initBackend('auto');
  const reports = picked.map((plan) => {
    const report = toReport(plan, checkTfjsInput(plan.input));
    if (!json) process.stdout.write(`${describe(report)}\n`);
    return report;
  });
  if (json) printJson({ file, cells: reports });
  return reports.every((r) => r.verdict === 'matches') ? 0 : 1;
}

/** Which Python ran the cells, and with which seed: the first line of the text output. */
function ranWith(python: PythonInfo, seed: number): string {
  return `Python ${python.version} at ${python.path} (${python.torch ? `torch ${python.torch}` : 'no torch'}), seed ${seed}`;
}

function where(report: CellReport): string {
  return report.cellIndex !== undefined ? `cell ${report.cellIndex}, ` : '';
}

function describe(report: CellReport): string {
  const lines = [`${report.name} (${where(report)}line ${report.line}, ${report.kind}): ${report.verdict}`, `  ${report.message}`];
  for (const w of report.warnings) lines.push(`  warning${w.line ? ` on line ${w.line}` : ''}: ${w.message}`);
  if (report.error?.line) lines.push(`  error on line ${report.error.line}`);
  if (report.probe) {
    const n = report.probe.norms;
    const pick = [1, 10, 50, n.length].filter((t, k, all) => t <= n.length && all.indexOf(t) === k);
    lines.push(`  probe ‖∂Σ|h_t|/∂h0‖: ${pick.map((t) => `t=${t} ${n[t - 1] === null ? 'not finite' : n[t - 1]!.toExponential(2)}`).join(', ')}`);
  }
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  const json = values['json'] === true;
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `One FILE at a time; got ${positionals.length}.` : 'FILE is required: a .py, .ipynb, .ts or .js file.');
  const steps = (values['steps'] as number | undefined) ?? 100;
  if (steps < 1 || steps > 2000) throw new UsageError(`--steps must be between 1 and 2000; got ${steps}.`);
  const timeout = (values['timeout'] as number | undefined) ?? 120;
  if (!(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds; got ${timeout}.`);
  const seed = (values['seed'] as number | undefined) ?? DEFAULT_CHECK_SEED;
  if (seed < 0 || seed > 2 ** 32 - 1) throw new UsageError(`--seed must be between 0 and ${2 ** 32 - 1}; got ${seed}.`);
  const file = path.resolve(positionals[0]);
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${(error as Error).message}`, json);
  }
  const wanted = values['cell'] as string | undefined;
  const tfjsLanguage = TFJS_LANGUAGES.get(path.extname(file).toLowerCase());
  if (tfjsLanguage) return checkTfjsFile(file, source, tfjsLanguage, wanted, { steps, seed }, json, positionals[0]);
  let plans: CellPlan[];
  try {
    plans = plansOf(file, source, { steps, seed });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    return fail(`${file}: ${(error as Error).message}`, json);
  }
  const picked = pick(plans, wanted, positionals[0]);
  if (typeof picked === 'string') return fail(picked, json);
  plans = picked;

  let python;
  try {
    const explicit = values['python'] as string | undefined;
    python = await findPython(explicit ? { explicit: { path: explicit, source: 'cli' } } : {});
  } catch (error) {
    if (error instanceof PythonNotFoundError) return fail(error.message, json);
    throw error;
  }
  const noTorch = missingTorchMessage(python);
  if (noTorch) process.stderr.write(`lstm-lab check: ${noTorch}\n`);
  if (!json) process.stdout.write(`${ranWith(python, seed)}\n`);
  const client = new PythonClient({ python: python.path, timeoutMs: timeout * 1000, onOutput: (text) => process.stderr.write(text) });
  let reports: CellReport[];
  try {
    reports = await runPlans(client, plans, {}, (report) => {
      if (!json) process.stdout.write(`${describe(report)}\n`);
    });
  } finally {
    client.dispose();
  }
  if (noTorch) for (const r of reports) if (r.error && /No module named 'torch'/.test(r.error.message)) r.message += ` ${noTorch}`;
  if (json) printJson({ file, python: { path: python.path, version: python.version, torch: python.torch }, seed, cells: reports });
  return reports.every((r) => r.verdict === 'matches') ? 0 : 1;
}

export const verb: CliVerb = { name, summary, usage, run };
