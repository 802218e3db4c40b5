// lstm-lab probe: the notebook's gradient probe, ‖∂loss_t/∂h0‖₂ for t = 1..steps, for the
// five default series (or one cell given on the command line). --dump writes the exact
// inputs and weights so the probe can be recomputed in another framework.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../engine/backend';
import { cellKinds, getCell } from '../../engine/cells/registry';
import { hasForgetGate } from '../../shared/catalog';
import { probeStartWeights } from '../../engine/cells/init';
import type { PerGateWeights } from '../../shared/types';
import { loadCheckpoint, type Checkpoint } from '../../engine/checkpoint';
import { loadCorpus } from '../../engine/corpus';
import { embedIds, freshEmbedding, probe, validateProbeConfig, warmProbe } from '../../engine/probe';
import { deriveSeed } from '../../engine/random';
import { DEFAULT_PROBE_SERIES, type CellKind, type ProbeConfig, type ProbeSeries, type ProbeSeriesSpec } from '../../shared/types';
import {
  BACKEND_OPTION,
  backendPreferenceOf,
  CORPUS_OPTION,
  corpusSpecOf,
  refuseForgetGateFlags,
  formatOptions,
  interruptController,
  JSON_OPTION,
  parseArgs,
  printJson,
  QUIET_OPTION,
  SEED_OPTION,
  UsageError,
  type CliVerb,
  type OptionSpec,
  type OptionValues,
} from '../args';
import { probeJson, htmlReport } from '../report';
import { textTable } from '../../shared/table';
import { ProgressBar } from '../progress';

const OPTIONS: OptionSpec[] = [
  { name: 'checkpoint', type: 'string', value: 'DIR', help: 'probe this trained cell as saved (its embedding, weights and trained b_f) instead of the five fresh series' },
  { name: 'cell', type: 'string', value: 'KIND', help: "probe this one fresh cell instead of the notebook's five series", choices: cellKinds() },
  { name: 'no-forget-gate', type: 'boolean', help: 'with --cell or --checkpoint: the LSTM without a forget gate' },
  { name: 'forget-bias', type: 'number', value: 'B', help: 'with --cell: b_f (default 0); with --checkpoint: replace the trained b_f by B' },
  { name: 'steps', type: 'integer', value: 'N', help: 'time steps to record (default 100)' },
  { name: 'batch-size', type: 'integer', value: 'B', help: 'instances in the probe batch (default 32)' },
  { name: 'hidden', type: 'integer', value: 'H', help: "hidden size (default 125, or the checkpoint's)" },
  { name: 'embedding', type: 'integer', value: 'E', help: "embedding size (default 50, or the checkpoint's)" },
  { ...CORPUS_OPTION, help: "the Brown corpus (default, or the checkpoint's text) or a UTF-8 text file" },
  SEED_OPTION,
  { name: 'dump', type: 'string', value: 'DIR', help: "also write DIR/probe-inputs.json: the embedded batch x and every series' weights (per-gate layout: W_ii, W_hi, b_i, …)" },
  { name: 'out', type: 'string', value: 'DIR', help: 'also write DIR/probe.json and DIR/report.html (gradient chart)' },
  BACKEND_OPTION,
  JSON_OPTION,
  QUIET_OPTION,
];

export const name = 'probe';
export const summary = "the notebook's gradient probe: how fast does ∂loss_t/∂h0 fade?";
export const usage = `Usage: lstm-lab probe [options]

For one batch of embedded training text and a cell, h0 = 0 shared over the batch, records
‖∂loss_t/∂h0‖₂ with loss_t = Σ|h_t| for t = 1..steps.
Default: the notebook's five fresh series (SimpleRNN; LSTM without forget gate; LSTM with
b_f = +1, 0, −1). --cell KIND: one fresh cell. --checkpoint DIR: the trained cell exactly as
saved (add --forget-bias B to probe it with b_f set to B instead). The output names the
series that ran.

Options:
${formatOptions(OPTIONS)}

Examples: lstm-lab probe --steps 50
          lstm-lab probe --checkpoint runs/train-naive-lstm-… --json`;

const PROBE_FLAGS: Record<string, string> = { steps: '--steps', batchSize: '--batch-size', embeddingSize: '--embedding', hiddenSize: '--hidden' };

/** The series of a fresh probe: the notebook's five, or the one --cell asks for. */
function freshSeries(values: OptionValues): ProbeSeriesSpec[] {
  const cell = values['cell'] as CellKind | undefined;
  if (cell === undefined) {
    if (values['no-forget-gate'] !== undefined || values['forget-bias'] !== undefined) throw new UsageError('--no-forget-gate and --forget-bias apply to one cell: give --cell (or --checkpoint) too.');
    return DEFAULT_PROBE_SERIES;
  }
  refuseForgetGateFlags(values, cell);
  const forgetGate = values['no-forget-gate'] !== true;
  const forgetBias = values['forget-bias'] === undefined ? 0 : Number(values['forget-bias']);
  const withForget = hasForgetGate(getCell(cell).kind);
  const label = !withForget ? cell : !forgetGate ? `${cell}, no forget gate` : `${cell}, forget bias ${forgetBias}`;
  return [{ name: label, cell, forgetGate: withForget ? forgetGate : false, forgetBias }];
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

/** The one series of a checkpoint probe: the trained cell as saved, or with the b_f or forget gate asked for. */
function checkpointSeries(values: OptionValues, checkpoint: Checkpoint): ProbeSeriesSpec {
  const kind = checkpoint.cell.kind;
  if (values['cell'] !== undefined && getCell(String(values['cell'])).family !== getCell(kind).family) {
    throw new UsageError(
      `--cell ${String(values['cell'])} cannot start from this checkpoint's ${kind} weights; leave out --cell to probe the trained ${kind}, or leave out --checkpoint to probe a fresh ${String(values['cell'])}.`,
    );
  }
  const cell = (values['cell'] as CellKind | undefined) ?? kind;
  if (!hasForgetGate(cell)) {
    if (values['no-forget-gate'] !== undefined || values['forget-bias'] !== undefined) throw new UsageError(`--no-forget-gate and --forget-bias apply to LSTMs; this checkpoint holds a ${kind}.`);
    return { name: `${cell} as trained`, cell, forgetGate: false, forgetBias: 0 };
  }
  const forgetGate = values['no-forget-gate'] === true ? false : checkpoint.cell.forgetGate;
  if (values['forget-bias'] !== undefined) {
    const forgetBias = Number(values['forget-bias']);
    return { name: `${cell} as trained, b_f set to ${forgetBias}${forgetGate ? '' : ', no forget gate'}`, cell, forgetGate, forgetBias };
  }
  const trained = checkpoint.weights.cell['b_f'];
  const forgetBias = Math.round(mean(Array.isArray(trained) ? (trained as number[]) : []) * 1000) / 1000;
  return { name: `${cell} as trained (b_f as saved, mean ${forgetBias})${forgetGate ? '' : ', no forget gate'}`, cell, forgetGate, forgetBias, keepTrainedForgetBias: true };
}

/** The embedded batch exactly as engine/probe.ts builds it (so --dump holds what was probed). */
async function embeddedBatch(config: ProbeConfig, checkpoint: Checkpoint | undefined): Promise<tf.Tensor3D> {
  const corpus = await loadCorpus(config.corpus, { seqLen: config.steps, valFraction: 0.1, seed: config.seed }, checkpoint ? { vocab: checkpoint.vocab } : {});
  const first = corpus.trainBatches(config.batchSize, 0).next();
  if (first.done) throw new Error('The corpus has no training batch for the probe.');
  const table = checkpoint ? Float32Array.from(checkpoint.weights.embedding.flat()) : freshEmbedding(corpus.vocab.length, config.embeddingSize, config.seed);
  return embedIds(first.value.inputs, first.value.batchSize, config.steps, table, config.embeddingSize);
}

/** The weights each series starts from, as engine/probe.ts chooses them (checkpoint's, else the seeded init). */
function seriesWeights(config: ProbeConfig, spec: ProbeSeriesSpec, checkpoint: Checkpoint | undefined): PerGateWeights {
  const definition = getCell(spec.cell);
  const fromCheckpoint = checkpoint && getCell(checkpoint.cell.kind).family === definition.family ? checkpoint.weights.cell : undefined;
  if (fromCheckpoint) return probeStartWeights(fromCheckpoint, spec);
  const cell = definition.create({
    inputSize: config.embeddingSize,
    hiddenSize: config.hiddenSize,
    forgetGate: spec.forgetGate,
    forgetBias: spec.forgetBias,
    seed: deriveSeed(config.seed, 'probe-cell'),
  });
  try {
    return cell.exportWeights();
  } finally {
    cell.dispose();
  }
}

const sci = (value: number | undefined) => (value === undefined ? '—' : Number.isFinite(value) ? value.toExponential(3) : String(value));

export function probeTable(series: readonly ProbeSeries[], steps: number): string {
  const marks = [...new Set([1, 10, 50, steps].filter((t) => t <= steps))];
  return textTable(
    ['series', ...marks.map((t) => `t = ${t}`), 'seconds'],
    series.map((s) => [s.name, ...marks.map((t) => sci(s.norms[t - 1])), s.seconds.toFixed(1)]),
    [false, ...marks.map(() => true), true],
  );
}

/** One line saying what ran: sizes, seed, text, checkpoint, backend. */
function probeSubtitle(config: ProbeConfig, backend: string): string {
  const text = config.corpus.kind === 'brown' ? 'Brown' : config.corpus.kind === 'file' ? config.corpus.path : config.corpus.name;
  return `${config.steps} steps, batch ${config.batchSize}, ${config.embeddingSize}→${config.hiddenSize}, seed ${config.seed}, text ${text}${config.checkpoint ? `, checkpoint ${config.checkpoint}` : ', fresh cells'}; backend ${backend}.`;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  const checkpointPath = values['checkpoint'] === undefined ? undefined : path.resolve(String(values['checkpoint']));
  const checkpoint = checkpointPath ? loadCheckpoint(checkpointPath) : undefined;
  const given = (option: string, fallback: number) => (values[option] === undefined ? fallback : Number(values[option]));
  const config: ProbeConfig = {
    steps: given('steps', 100),
    batchSize: given('batch-size', 32),
    embeddingSize: given('embedding', checkpoint?.cell.inputSize ?? 50),
    hiddenSize: given('hidden', checkpoint?.cell.hiddenSize ?? 125),
    seed: given('seed', 0),
    // A trained cell reads the text it was trained on unless told otherwise.
    corpus: values['corpus'] === undefined && checkpoint?.config.corpus ? checkpoint.config.corpus : corpusSpecOf(values),
    series: checkpoint ? [checkpointSeries(values, checkpoint)] : freshSeries(values),
    ...(checkpointPath ? { checkpoint: checkpointPath } : {}),
  };
  if (checkpoint && (config.embeddingSize !== checkpoint.cell.inputSize || config.hiddenSize !== checkpoint.cell.hiddenSize)) {
    throw new UsageError(
      `the checkpoint's cell is ${checkpoint.cell.inputSize}→${checkpoint.cell.hiddenSize}; leave out --embedding and --hidden (or give ${checkpoint.cell.inputSize} and ${checkpoint.cell.hiddenSize}).`,
    );
  }
  try {
    validateProbeConfig(config, { batchSize: '--batch-size', seqLen: '--steps', hiddenSize: '--hidden' });
  } catch (error) {
    const message = (error as Error).message.replace(/^Probe: /, '');
    throw new UsageError(message.replace(/^(\w+) must/, (whole, setting: string) => (PROBE_FLAGS[setting] ? `${PROBE_FLAGS[setting]} must` : whole)));
  }
  const bar = new ProgressBar(process.stderr, values['quiet'] !== true);
  const backend = await initBackend(backendPreferenceOf(values));
  bar.line(
    `lstm-lab probe: ${config.series.length === 1 ? config.series[0]!.name : `${config.series.length} series`}${checkpointPath ? ` from ${checkpointPath}` : ''}, ${config.steps} steps, batch ${config.batchSize}, ${config.embeddingSize}→${config.hiddenSize}, on the ${backend} backend`,
  );
  const interrupt = interruptController(() => bar.line('Stopping the probe…'));
  warmProbe(config); // the threads start while the corpus loads
  const x = await embeddedBatch(config, checkpoint);
  try {
    if (values['dump'] !== undefined) {
      const dir = path.resolve(String(values['dump']));
      fs.mkdirSync(dir, { recursive: true });
      const dump = { x: x.arraySync(), series: config.series.map((spec) => ({ name: spec.name, cell: spec.cell, weights: seriesWeights(config, spec, checkpoint) })) };
      fs.writeFileSync(path.join(dir, 'probe-inputs.json'), JSON.stringify(dump));
      bar.line(`probe inputs written to ${path.join(dir, 'probe-inputs.json')}`);
    }
    let done = 0;
    const result = await probe(config, {
      signal: interrupt.signal,
      embeddedBatch: x,
      onSeries: (series) => {
        done++;
        bar.line(`[${done}/${config.series.length}] ${series.name}: ‖∂loss_${config.steps}/∂h0‖ = ${sci(series.norms[series.norms.length - 1])} (${series.seconds.toFixed(1)} s)`);
      },
    });
    if (values['out'] !== undefined) {
      const dir = path.resolve(String(values['out']));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'probe.json'), JSON.stringify(probeJson(result, config), null, 2) + '\n');
      fs.writeFileSync(
        path.join(dir, 'report.html'),
        htmlReport({ title: 'LSTM Lab — gradient probe', subtitle: probeSubtitle(config, backend), probe: result, tables: [probeTable(result.series, result.steps)] }),
      );
    }
    if (values['json'] === true) printJson(probeJson(result, config));
    else process.stdout.write(`\n${probeTable(result.series, result.steps)}\n\n${probeSubtitle(config, result.backend)}\n`);
    return 0;
  } catch (error) {
    if ((error as Error).name === 'AbortError') {
      bar.line((error as Error).message);
      return 130;
    }
    throw error;
  } finally {
    x.dispose();
    interrupt.dispose();
  }
}

export const verb: CliVerb = { name, summary, usage, run };
