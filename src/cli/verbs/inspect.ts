// lstm-lab inspect: look inside a trained cell on a text — gate activations of one unit as a
// heat strip, the units most active on a pattern, gate saturation, the per-step gradient flow
// (how far back each prediction looks) and, with --probe, the h0 probe trained vs fresh.
import * as path from 'node:path';
import { initBackend } from '../../engine/backend';
import { loadCheckpoint } from '../../engine/checkpoint';
import { captureActivations, gateSaturation, gradientFlow, MAX_CAPTURE_CHARS, MAX_GRADIENT_FLOW_CHARS, modelFromCheckpoint, probeTrained, topUnits } from '../../engine/inspect';
import { GATE_NAMES, hasForgetGate } from '../../shared/catalog';
import type { ActivationCapture, CapturedGate, GradientFlow, TrainedProbeResult, UnitScore } from '../../shared/inspect-types';
import { formatNumber, textTable } from '../../shared/table';
import { BACKEND_OPTION, backendPreferenceOf, formatOptions, JSON_OPTION, parseArgs, printJson, UsageError, type CliVerb, type OptionSpec } from '../args';

const GATES: readonly CapturedGate[] = GATE_NAMES;

const OPTIONS: OptionSpec[] = [
  { name: 'checkpoint', type: 'string', value: 'DIR', help: 'checkpoint folder written by train or compare (required)' },
  {
    name: 'text',
    type: 'string',
    value: 'TEXT',
    help: `the text to read (required; at most ${formatNumber(MAX_CAPTURE_CHARS)} characters, ${formatNumber(MAX_GRADIENT_FLOW_CHARS)} with the gradient flow)`,
    freeText: true,
  },
  { name: 'gate', type: 'string', value: 'NAME', help: 'gate or state to show (default h; the RNN has only h)', choices: GATES },
  { name: 'unit', type: 'integer', value: 'N', help: 'hidden unit to show (default: the top unit for --pattern, else 0)' },
  { name: 'pattern', type: 'string', value: 'REGEX', help: 'rank the units most active on the characters this regular expression matches', freeText: true },
  { name: 'top', type: 'integer', value: 'K', help: 'how many units to rank with --pattern (default 5)' },
  { name: 'no-gradient', type: 'boolean', help: 'skip the per-step gradient flow' },
  { name: 'probe', type: 'boolean', help: "also run the notebook's h0 probe on the trained cell and on the run's fresh cell (loads the run's corpus)" },
  { name: 'probe-steps', type: 'integer', value: 'N', help: 'steps of that probe (default 50)' },
  BACKEND_OPTION,
  JSON_OPTION,
];

export const name = 'inspect';
export const summary = 'look inside a trained cell: gate activations, top units, saturation, gradient flow';
export const usage = `Usage: lstm-lab inspect --checkpoint DIR --text "..." [options]

Reads TEXT with the checkpoint's model (lower-cased, from h = c = 0) and prints one unit of
one gate as a heat strip under the text, the sigmoid gates' saturation (< 0.1, > 0.9), the
units most active on --pattern, and the gradient flow ‖∂loss_t/∂x_s‖ summarised by distance
t − s (how far back a prediction looks). --json prints everything, the full [T][H] capture
and the [T][T] gradient matrix included.

Options:
${formatOptions(OPTIONS)}

Example: lstm-lab inspect --checkpoint runs/train-naive-lstm-… --text "the jury said the city" --gate f --pattern "the"`;

const BLOCKS = '▁▂▃▄▅▆▇█';

/** A character shown in one terminal column. */
function visible(character: string): string {
  if (character === '\n') return '↵';
  if (character === '\t') return '→';
  return /\p{Cc}/u.test(character) ? '·' : character;
}

/** One block per value, scaled over [low, high]. */
function heatStrip(values: number[], low: number, high: number): string {
  const span = high - low || 1;
  return values.map((value) => BLOCKS[Math.max(0, Math.min(BLOCKS.length - 1, Math.round(((value - low) / span) * (BLOCKS.length - 1))))]).join('');
}

/** The range a gate's values are drawn over: sigmoid gates [0, 1], tanh values [−1, 1], c its own range. */
function rangeOf(gate: CapturedGate, values: number[]): [number, number] {
  if (gate === 'i' || gate === 'f' || gate === 'o') return [0, 1];
  if (gate === 'g' || gate === 'h') return [-1, 1];
  const bound = Math.max(1e-9, ...values.map(Math.abs));
  return [-bound, bound];
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

function describe(
  capture: ActivationCapture,
  gate: CapturedGate,
  unit: number,
  ranked: UnitScore[] | undefined,
  pattern: string | undefined,
  flow: GradientFlow | undefined,
  probe: TrainedProbeResult | undefined,
  timings: Record<string, number>,
): string {
  const lines: string[] = [];
  const values = capture.gates[gate]!.map((row) => row[unit]!);
  const [low, high] = rangeOf(gate, values);
  lines.push(
    `${capture.cell}${capture.forgetGate || !hasForgetGate(capture.cell) ? '' : ' (no forget gate)'}, hidden ${capture.hiddenSize}; ${capture.chars.length} characters (${capture.ids.filter((id) => id === 1).length} unknown to the model)`,
  );
  lines.push('', `${gate} of unit ${unit} (blocks from ${low.toFixed(2)} to ${high.toFixed(2)}; min ${Math.min(...values).toFixed(3)}, max ${Math.max(...values).toFixed(3)}):`);
  const text = capture.chars.map(visible).join('');
  const strip = heatStrip(values, low, high);
  const width = 72;
  const textChars = Array.from(text);
  const stripChars = Array.from(strip);
  for (let start = 0; start < textChars.length; start += width) {
    lines.push(`  ${textChars.slice(start, start + width).join('')}`, `  ${stripChars.slice(start, start + width).join('')}`);
  }
  const saturation = gateSaturation(capture);
  if (saturation.length > 0) {
    lines.push(
      '',
      'saturation of the sigmoid gates on this text:',
      textTable(
        ['gate', '< 0.1', '> 0.9'],
        saturation.map((entry) => [entry.gate, percent(entry.low), percent(entry.high)]),
        [false, true, true],
      ),
    );
  }
  if (ranked && pattern !== undefined) {
    lines.push('', `units whose ${gate} is most active on /${pattern}/ (score = mean on matches − mean elsewhere):`);
    lines.push(
      textTable(
        ['unit', 'score', 'on matches', 'elsewhere'],
        ranked.map((entry) => [String(entry.unit), entry.score.toFixed(3), entry.meanOn.toFixed(3), entry.meanOff.toFixed(3)]),
        [true, true, true, true],
      ),
    );
  }
  if (flow) {
    const meanLoss = flow.losses.reduce((s, v) => s + v, 0) / flow.losses.length;
    lines.push('', `gradient flow over ${flow.norms.length} predictions (mean loss ${meanLoss.toFixed(3)} nats, ${(meanLoss / Math.LN2).toFixed(3)} bits/char):`);
    const base = flow.byDistance[0]! || 1;
    const distances = [0, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500].filter((d) => d < flow.byDistance.length);
    lines.push(
      textTable(
        ['distance t−s', 'mean ‖∂loss_t/∂x_s‖', 'relative to distance 0'],
        distances.map((d) => [String(d), flow.byDistance[d]!.toExponential(3), (flow.byDistance[d]! / base).toExponential(2)]),
        [true, true, true],
      ),
    );
  }
  if (probe) {
    lines.push('', `h0 probe (‖∂Σ|h_t|/∂h0‖, batch ${probe.batchSize}):`);
    const steps = [1, 2, 5, 10, 20, 50, 100].filter((s) => s <= probe.steps);
    lines.push(
      textTable(
        ['step', 'trained', 'fresh'],
        steps.map((step) => [String(step), probe.trained.norms[step - 1]!.toExponential(3), probe.fresh.norms[step - 1]!.toExponential(3)]),
        [true, true, true],
      ),
    );
  }
  lines.push(
    '',
    `timings: ${Object.entries(timings)
      .map(([key, seconds]) => `${key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} ${seconds.toFixed(3)} s`)
      .join(', ')}`,
  );
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(argv, OPTIONS);
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}". Quote the text: --text "..."`);
  if (values['checkpoint'] === undefined) throw new UsageError('--checkpoint DIR is required (a folder written by lstm-lab train).');
  if (values['text'] === undefined) throw new UsageError('--text "..." is required: the text to read through the model.');
  const top = values['top'] === undefined ? 5 : Number(values['top']);
  if (top < 1) throw new UsageError(`--top must be at least 1; got ${top}.`);
  const probeSteps = values['probe-steps'] === undefined ? 50 : Number(values['probe-steps']);
  if (probeSteps < 1) throw new UsageError(`--probe-steps must be at least 1; got ${probeSteps}.`);
  if (values['probe-steps'] !== undefined && values['probe'] !== true) throw new UsageError('--probe-steps applies to --probe: give --probe too.');
  const backend = await initBackend(backendPreferenceOf(values));
  const checkpointDir = path.resolve(String(values['checkpoint']));
  const checkpoint = loadCheckpoint(checkpointDir);
  const text = String(values['text']);
  const pattern = values['pattern'] === undefined ? undefined : String(values['pattern']);
  const timings: Record<string, number> = {};
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    timings[label] = (performance.now() - started) / 1000;
    return result;
  };

  const loaded = modelFromCheckpoint(checkpoint);
  let capture: ActivationCapture;
  let flow: GradientFlow | undefined;
  try {
    capture = await timed('capture', () => captureActivations(loaded, text));
    if (values['no-gradient'] !== true) {
      if (capture.chars.length < 2) throw new UsageError('The gradient flow needs a text of at least two characters; give a longer --text or --no-gradient.');
      flow = await timed('gradientFlow', () => gradientFlow(loaded, text));
    }
  } finally {
    loaded.model.dispose();
  }
  const gate = (values['gate'] as CapturedGate | undefined) ?? 'h';
  if (!capture.gateNames.includes(gate)) throw new UsageError(`--gate ${gate}: this ${capture.cell} has ${capture.gateNames.join(', ')}.`);
  const ranked = pattern === undefined ? undefined : topUnits(capture, { pattern }, gate, { limit: Math.min(top, capture.hiddenSize) });
  const unit = values['unit'] === undefined ? (ranked?.[0]?.unit ?? 0) : Number(values['unit']);
  if (unit < 0 || unit >= capture.hiddenSize) throw new UsageError(`--unit must be from 0 to ${capture.hiddenSize - 1} (the hidden size is ${capture.hiddenSize}); got ${unit}.`);
  const probe = values['probe'] === true ? await timed('probe', () => probeTrained(checkpoint, { steps: probeSteps })) : undefined;

  if (values['json'] === true) {
    printJson({
      backend,
      checkpoint: checkpointDir,
      cell: capture.cell,
      gate,
      unit,
      values: capture.gates[gate]!.map((row) => row[unit]!),
      saturation: gateSaturation(capture),
      ...(ranked ? { pattern, topUnits: ranked } : {}),
      capture,
      ...(flow ? { gradientFlow: flow } : {}),
      ...(probe ? { probe } : {}),
      timings,
    });
  } else {
    process.stdout.write(`backend ${backend}; checkpoint ${checkpointDir}\n${describe(capture, gate, unit, ranked, pattern, flow, probe, timings)}\n`);
  }
  return 0;
}

export const verb: CliVerb = { name, summary, usage, run };
