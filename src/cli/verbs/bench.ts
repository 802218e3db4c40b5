// lstm-lab bench: ms per training batch for every cell beside the FLOP floor.
// Each cell is measured in a fresh child process (this same CLI, re-invoked with
// --child-cell), so its peak RSS is its own and one cell's heap does not slow the next.
import { fork } from 'node:child_process';
import { initBackend, STOCK_KERNELS_ENV_VAR } from '../../engine/backend';
import { bench, benchRowLabel, benchCellInProcess, benchConfigOf, benchRatios, benchTable, DEFAULT_BENCH_CELLS, type BenchConfig, type BenchVariant } from '../../engine/bench';
import { findPython, missingTorchMessage, probeInterpreter, type PythonInfo } from '../../python/interpreter';
import { cellKinds, getCell } from '../../engine/cells/registry';
import type { BenchResultRow, CellKind } from '../../shared/types';
import { cliEntry } from '../child';
import { formatNumber } from '../../shared/table';
import {
  BACKEND_OPTION,
  backendPreferenceOf,
  formatOptions,
  JSON_OPTION,
  parseArgs,
  printJson,
  QUIET_OPTION,
  threadsOf,
  THREADS_OPTION,
  UsageError,
  type OptionSpec,
  type OptionValues,
} from '../args';

const OPTIONS: OptionSpec[] = [
  { name: 'seq-len', type: 'integer', value: 'T', help: 'characters per instance (default 500)' },
  { name: 'batch-size', type: 'integer', value: 'B', help: 'instances per batch (default 32)' },
  { name: 'cells', type: 'string', value: 'a,b', help: `cells to time, comma-separated (default ${DEFAULT_BENCH_CELLS.join(',')})` },
  { name: 'batches', type: 'integer', value: 'N', help: 'timed batches per cell, after one warm-up batch; the median is reported (default 3)' },
  { name: 'hidden', type: 'integer', value: 'H', help: 'hidden size (default 125)' },
  { name: 'embedding', type: 'integer', value: 'E', help: 'embedding size (default 50)' },
  { name: 'in-process', type: 'boolean', help: 'measure every cell in this process (peak RSS is then the running maximum)' },
  { name: 'no-stock-baseline', type: 'boolean', help: "skip the extra builtin-lstm row timed on TF.js as shipped (without LSTM Lab's matmul fix)" },
  THREADS_OPTION,
  { name: 'no-levers', type: 'boolean', help: 'skip the extra fast-lstm rows (on TF.js ops; its kernel on one thread) that show what each speed-up buys' },
  { name: 'vs-pytorch', type: 'boolean', help: 'also time the same batch in PyTorch (nn.LSTM, 1 thread and every core) in this run and print the ratio' },
  { name: 'python', type: 'string', value: 'PATH', help: 'the Python with torch for --vs-pytorch (default: python3 on PATH that imports torch, else /usr/bin/python3)' },
  BACKEND_OPTION,
  JSON_OPTION,
  QUIET_OPTION,
];
/** Internal: the child process measures this one cell (in this variant) and prints its row as JSON. */
const CHILD_OPTIONS: OptionSpec[] = [
  { name: 'child-cell', type: 'string', value: 'KIND', help: '(internal) measure one cell and print its row' },
  { name: 'child-variant', type: 'string', value: 'NAME', help: '(internal) tfjs-ops', choices: ['tfjs-ops'] },
];

export const name = 'bench';
export const summary = 'time forward+backward+Adam per batch for every cell, beside the FLOP floor';
export const usage = `Usage: lstm-lab bench [--seq-len 500] [--batch-size 32] [--cells a,b] [--batches N] [--threads N] [--vs-pytorch [--python PATH]] [--json]

Times one training batch of the notebook's language model (embedding 50 → cell 125 →
linear to a 60-character vocabulary, Adam) for each cell on synthetic text, after a
warm-up batch, median of N batches; measures the backend's plain-matmul GFLOP/s in the
same run and reports the FLOP floor (the batch's matmul arithmetic at that speed).
Each cell runs in its own child process so its peak memory is its own. fast-lstm runs on
LSTM Lab's wasm kernel over --threads threads (default every core); two more fast-lstm
rows show what the kernel and the threads each buy. --vs-pytorch times the same batch in
PyTorch (nn.LSTM, best of 1 thread and every core) in the same run and prints the ratio.

Options:
${formatOptions(OPTIONS)}

Example: lstm-lab bench --seq-len 100 --cells fused-lstm,fast-lstm`;

function cellsOf(values: OptionValues): CellKind[] {
  const raw = values['cells'];
  if (raw === undefined) return DEFAULT_BENCH_CELLS;
  const kinds = String(raw)
    .split(',')
    .map((kind) => kind.trim())
    .filter(Boolean);
  if (kinds.length === 0) throw new UsageError('--cells needs at least one cell kind.');
  for (const kind of kinds) {
    if (!cellKinds().includes(kind as CellKind)) throw new UsageError(`--cells: unknown cell "${kind}". Valid kinds: ${cellKinds().join(', ')}.`);
  }
  return kinds as CellKind[];
}

/** The options a child needs to measure the same configuration. */
function childArgs(values: OptionValues, cell: CellKind, variant?: BenchVariant): string[] {
  const args = ['bench', '--child-cell', cell];
  for (const option of ['seq-len', 'batch-size', 'batches', 'hidden', 'embedding', 'backend', 'threads']) {
    if (values[option] !== undefined && !(option === 'threads' && typeof variant === 'object')) args.push(`--${option}`, String(values[option]));
  }
  if (typeof variant === 'object') args.push('--threads', String(variant.threads));
  if (variant === 'tfjs-ops') args.push('--child-variant', 'tfjs-ops');
  return args;
}

/** The Python for --vs-pytorch: --python, else one on PATH that imports torch, else /usr/bin/python3. */
async function pythonWithTorch(values: OptionValues): Promise<PythonInfo> {
  const given = values['python'];
  let info = await findPython(given === undefined ? {} : { explicit: { path: String(given), source: 'cli' } });
  if (!info.torch && given === undefined && process.platform !== 'win32') {
    const system = await probeInterpreter('/usr/bin/python3', 'path');
    if (!('error' in system) && system.torch) info = system;
  }
  const missing = missingTorchMessage(info);
  if (missing) throw new Error(`--vs-pytorch: ${missing}`);
  return info;
}

function runChild(entry: string, args: string[], cell: CellKind, variant?: BenchVariant): Promise<BenchResultRow> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, [STOCK_KERNELS_ENV_VAR]: variant === 'stock-tfjs' ? '1' : '0' };
    const child = fork(entry, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env });
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`measuring ${cell} failed (child exited with ${signal ?? `code ${code}`}); run with --in-process --cells ${cell} to see why.`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as BenchResultRow);
      } catch {
        reject(new Error(`measuring ${cell}: the child printed no result row (got ${JSON.stringify(stdout.slice(0, 200))}).`));
      }
    });
  });
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, [...OPTIONS, ...CHILD_OPTIONS]);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const number = (option: string): number | undefined => (values[option] === undefined ? undefined : Number(values[option]));
  const options = {
    seqLen: number('seq-len'),
    batchSize: number('batch-size'),
    batches: number('batches'),
    hiddenSize: number('hidden'),
    embeddingSize: number('embedding'),
    threads: threadsOf(values),
  };
  let config: BenchConfig;
  try {
    config = benchConfigOf(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
  } catch (error) {
    // The engine names its options; say the flag the user typed.
    const flags: Record<string, string> = { seqLen: '--seq-len', batchSize: '--batch-size', batches: '--batches', hiddenSize: '--hidden', embeddingSize: '--embedding' };
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/^bench: (\w+)/, (whole, option: string) => flags[option] ?? whole));
  }
  const backend = await initBackend(backendPreferenceOf(values));

  const childCell = values['child-cell'];
  if (childCell !== undefined) {
    getCell(String(childCell));
    printJson(await benchCellInProcess(childCell as CellKind, config, values['child-variant'] === 'tfjs-ops' ? 'tfjs-ops' : undefined));
    return 0;
  }

  const cells = cellsOf(values);
  const quiet = values['quiet'] === true;
  const log = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  const entry = values['in-process'] === true ? undefined : cliEntry();
  const python = values['vs-pytorch'] === true ? await pythonWithTorch(values) : undefined;
  if (python) log(`PyTorch: ${python.path} (torch ${python.torch}), timed after LSTM Lab's cells`);
  log(
    `lstm-lab bench on the ${backend} backend: T=${config.seqLen} B=${config.batchSize}, ${config.batches} timed batch(es) per cell after ${config.warmup} warm-up${entry ? ', one child process per cell' : ', in this process'}`,
  );
  const result = await bench({
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    cells,
    runCell: entry ? (cell, _config, variant) => runChild(entry, childArgs(values, cell, variant), cell, variant) : undefined,
    stockBaseline: entry !== undefined && values['no-stock-baseline'] !== true,
    levers: values['no-levers'] !== true,
    ...(python ? { pytorch: { python: python.path } } : {}),
    onResult: (row) =>
      log(
        `  ${benchRowLabel(row)}, ${row.threads} thread${row.threads === 1 ? '' : 's'}: ${formatNumber(row.msPerBatch)} ms/batch, ${formatNumber(row.minutesPerEpoch, 1)} min/epoch, peak RSS ${formatNumber(row.peakRssMB)} MB`,
      ),
  });
  if (values['json'] === true) printJson(result);
  else {
    const ratios = benchRatios(result);
    process.stdout.write(`\n${benchTable(result)}\n${ratios.length ? `\n${ratios.join('\n')}\n` : ''}`);
  }
  return 0;
}
