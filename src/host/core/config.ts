// Settings → run configurations. Pure (no vscode, no TF.js) so unit tests load it directly
// and the host can refuse a bad value before any worker starts.
import type { BackendPreference, CellKind, CorpusSpec, ProbeConfig, ProbeSeriesSpec, TrainConfig } from '../../shared/types';
import { BACKEND_PREFERENCES, DEFAULT_PROBE_SERIES, SEED_NOTEBOOK_TRAIN_CONFIG } from '../../shared/types';
import { CELL_CATALOG, CELL_KINDS, hasForgetGate } from '../../shared/catalog';
import { estimateTrainMemoryMB, MEMORY_LIMIT_MB, memoryProblem, validateTrainConfig } from '../../engine/validate';

export type Preset = 'quick' | 'notebook' | 'custom';
export const PRESETS: readonly Preset[] = ['quick', 'notebook', 'custom'];

/** The `lstmLab.*` settings as read from VS Code (values are unknown until checked). */
export type RawSettings = Record<string, unknown>;

interface IntRange {
  kind: 'int';
  min: number;
  max: number;
}
interface RealRange {
  kind: 'real';
  /** Exclusive lower bound. */
  above: number;
  max: number;
}

// Accepted ranges. The upper bounds stop typos (hiddenSize 125000) before they become an
// out-of-memory crash; the memory estimate below catches combinations of large values.
export const SETTING_RANGES = {
  hiddenSize: { kind: 'int', min: 1, max: 4096 },
  embeddingSize: { kind: 'int', min: 1, max: 4096 },
  batchSize: { kind: 'int', min: 1, max: 4096 },
  seqLen: { kind: 'int', min: 2, max: 10000 },
  epochs: { kind: 'int', min: 1, max: 1000 },
  maxBatches: { kind: 'int', min: 1, max: 1_000_000 },
  seed: { kind: 'int', min: 0, max: 2 ** 31 - 1 },
  probeSteps: { kind: 'int', min: 1, max: 2000 },
  learningRate: { kind: 'real', above: 0, max: 100 },
} as const satisfies Record<string, IntRange | RealRange>;

type NumericSetting = keyof typeof SETTING_RANGES;

export const DEFAULT_SETTINGS = {
  hiddenSize: SEED_NOTEBOOK_TRAIN_CONFIG.hiddenSize,
  embeddingSize: SEED_NOTEBOOK_TRAIN_CONFIG.embeddingSize,
  batchSize: SEED_NOTEBOOK_TRAIN_CONFIG.batchSize,
  seqLen: SEED_NOTEBOOK_TRAIN_CONFIG.seqLen,
  epochs: SEED_NOTEBOOK_TRAIN_CONFIG.epochs,
  learningRate: SEED_NOTEBOOK_TRAIN_CONFIG.learningRate,
  seed: SEED_NOTEBOOK_TRAIN_CONFIG.seed,
  backend: 'auto' as BackendPreference,
  defaultPreset: 'quick' as Preset,
  probeSteps: 100,
};

/** The Quick preset: short sequences and a capped epoch, under a minute on one wasm thread. */
export const QUICK_PRESET = { seqLen: 100, maxBatches: 50 } as const;

function describeRange(range: IntRange | RealRange): string {
  return range.kind === 'int' ? `an integer from ${range.min} to ${range.max}` : `a number greater than ${range.above} and at most ${range.max}`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Checks one numeric value; returns the number or pushes a message naming the setting. */
export function checkNumber(name: NumericSetting, value: unknown, errors: string[], prefix = 'lstmLab.'): number | undefined {
  const range: IntRange | RealRange = SETTING_RANGES[name];
  const ok =
    typeof value === 'number' && Number.isFinite(value) && (range.kind === 'int' ? Number.isInteger(value) && value >= range.min && value <= range.max : value > range.above && value <= range.max);
  if (!ok) {
    errors.push(`${prefix}${name} is ${describeValue(value)}; it must be ${describeRange(range)}.`);
    return undefined;
  }
  return value as number;
}

export interface CheckedSettings {
  hiddenSize: number;
  embeddingSize: number;
  batchSize: number;
  seqLen: number;
  epochs: number;
  learningRate: number;
  seed: number;
  backend: BackendPreference;
  defaultPreset: Preset;
  probeSteps: number;
}

/** Every setting checked; missing ones take their defaults. */
export function readSettings(raw: RawSettings): { settings: CheckedSettings; errors: string[] } {
  const errors: string[] = [];
  const pick = <K extends keyof CheckedSettings>(key: K): unknown => (raw[key] === undefined || raw[key] === null ? DEFAULT_SETTINGS[key] : raw[key]);
  const num = (key: NumericSetting & keyof CheckedSettings): number => checkNumber(key, pick(key), errors) ?? (DEFAULT_SETTINGS[key] as number);
  const backend = pick('backend');
  if (!(typeof backend === 'string' && (BACKEND_PREFERENCES as readonly string[]).includes(backend))) {
    errors.push(`lstmLab.backend is ${describeValue(backend)}; it must be one of ${BACKEND_PREFERENCES.join(', ')}.`);
  }
  const preset = pick('defaultPreset');
  if (!(typeof preset === 'string' && (PRESETS as readonly string[]).includes(preset))) {
    errors.push(`lstmLab.defaultPreset is ${describeValue(preset)}; it must be one of ${PRESETS.join(', ')}.`);
  }
  const settings: CheckedSettings = {
    hiddenSize: num('hiddenSize'),
    embeddingSize: num('embeddingSize'),
    batchSize: num('batchSize'),
    seqLen: num('seqLen'),
    epochs: num('epochs'),
    learningRate: num('learningRate'),
    seed: num('seed'),
    probeSteps: num('probeSteps'),
    backend: errors.some((e) => e.startsWith('lstmLab.backend')) ? 'auto' : (backend as BackendPreference),
    defaultPreset: errors.some((e) => e.startsWith('lstmLab.defaultPreset')) ? 'quick' : (preset as Preset),
  };
  return { settings, errors };
}

/** What a command (or a test) may ask for on top of the settings. */
export interface TrainRequest {
  cell: CellKind;
  preset: Preset;
  corpus: CorpusSpec;
  /** Overrides, checked like the settings (tests use small values). */
  overrides?: Partial<Pick<TrainConfig, 'hiddenSize' | 'embeddingSize' | 'batchSize' | 'seqLen' | 'epochs' | 'maxBatches' | 'learningRate' | 'seed' | 'forgetBias' | 'forgetGate'>>;
}

/**
 * Builds the TrainConfig for a request: Quick (seq 100, 50 batches), Notebook (the notebook's
 * exact configuration, one epoch), Custom (the settings). Returns every problem found, each
 * naming the setting and its accepted range; the config is present only when there are none.
 */
export function buildTrainConfig(request: TrainRequest, raw: RawSettings, memoryLimitMB = MEMORY_LIMIT_MB): { config?: TrainConfig; errors: string[] } {
  const errors: string[] = [];
  if (!(CELL_KINDS as readonly string[]).includes(request.cell)) {
    errors.push(`cell is ${describeValue(request.cell)}; it must be one of ${CELL_KINDS.join(', ')}.`);
  }
  if (!(PRESETS as readonly string[]).includes(request.preset)) {
    errors.push(`preset is ${describeValue(request.preset)}; it must be one of ${PRESETS.join(', ')}.`);
  }
  errors.push(...checkCorpus(request.corpus));
  let base: Omit<TrainConfig, 'cell' | 'corpus'>;
  if (request.preset === 'custom') {
    const { settings, errors: settingErrors } = readSettings(raw);
    errors.push(...settingErrors.filter((e) => !e.startsWith('lstmLab.probeSteps') && !e.startsWith('lstmLab.defaultPreset') && !e.startsWith('lstmLab.backend')));
    base = {
      ...SEED_NOTEBOOK_TRAIN_CONFIG,
      hiddenSize: settings.hiddenSize,
      embeddingSize: settings.embeddingSize,
      batchSize: settings.batchSize,
      seqLen: settings.seqLen,
      epochs: settings.epochs,
      learningRate: settings.learningRate,
      seed: settings.seed,
    };
  } else if (request.preset === 'quick') {
    base = { ...SEED_NOTEBOOK_TRAIN_CONFIG, ...QUICK_PRESET };
  } else {
    base = { ...SEED_NOTEBOOK_TRAIN_CONFIG };
  }
  const config: TrainConfig = { ...base, cell: request.cell, corpus: request.corpus };
  for (const [key, value] of Object.entries(request.overrides ?? {})) {
    if (value === undefined) continue;
    if (key === 'forgetGate') {
      if (typeof value === 'boolean') config.forgetGate = value;
      else errors.push(`forgetGate is ${describeValue(value)}; it must be true or false.`);
    } else if (key === 'forgetBias') {
      if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= 100) config.forgetBias = value;
      else errors.push(`forgetBias is ${describeValue(value)}; it must be a number from -100 to 100.`);
    } else if (key in SETTING_RANGES) {
      const checked = checkNumber(key as NumericSetting, value, errors, '');
      if (checked !== undefined) (config as unknown as Record<string, number>)[key] = checked;
    } else {
      errors.push(`${key} is not a training option; use one of hiddenSize, embeddingSize, batchSize, seqLen, epochs, maxBatches, learningRate, seed, forgetBias, forgetGate.`);
    }
  }
  if (errors.length === 0) {
    // The engine's own rules (the worker would refuse anything they refuse), then the memory estimate.
    errors.push(...validateTrainConfig(config));
    const memory = memoryProblem(config, memoryLimitMB, { batchSize: 'lstmLab.batchSize', seqLen: 'lstmLab.seqLen', hiddenSize: 'lstmLab.hiddenSize' });
    if (errors.length === 0 && memory) errors.push(memory);
  }
  return errors.length ? { errors } : { config, errors };
}

export function checkCorpus(corpus: unknown): string[] {
  if (typeof corpus !== 'object' || corpus === null) return ['corpus is missing; use {kind:"brown"}, {kind:"file", path} or {kind:"text", text, name}.'];
  const c = corpus as Record<string, unknown>;
  if (c.kind === 'brown') return [];
  if (c.kind === 'file') return typeof c.path === 'string' && c.path.length > 0 ? [] : ['corpus file path is empty; choose a text file.'];
  if (c.kind === 'text') {
    if (typeof c.text !== 'string' || typeof c.name !== 'string') return ['corpus text must be a string with a name.'];
    return c.text.length === 0 ? [`the text of ${c.name} is empty; open a file with some text in it, or train on Brown.`] : [];
  }
  return [`corpus kind ${describeValue(c.kind)} is unknown; use brown, file or text.`];
}

// The memory estimate is the engine's (validate.ts, TF.js-free); re-exported for the host's callers.
export { estimateTrainMemoryMB, MEMORY_LIMIT_MB };

export interface ProbeRequest {
  /** Defaults to the notebook's five series. */
  series?: ProbeSeriesSpec[];
  steps?: number;
  corpus?: CorpusSpec;
  checkpoint?: string;
}

/** The gradient probe's configuration: the notebook's sizes (B 32, E 50, H 125), steps from settings. */
export function buildProbeConfig(request: ProbeRequest, raw: RawSettings): { config?: ProbeConfig; errors: string[] } {
  const { settings, errors: settingErrors } = readSettings(raw);
  const errors = settingErrors.filter((e) => e.startsWith('lstmLab.probeSteps') || e.startsWith('lstmLab.seed'));
  const steps = request.steps === undefined ? settings.probeSteps : checkNumber('probeSteps', request.steps, errors, '');
  const series = request.series ?? DEFAULT_PROBE_SERIES;
  if (!Array.isArray(series) || series.length === 0) errors.push('the probe needs at least one series (a cell kind and a forget-bias value).');
  for (const s of Array.isArray(series) ? series : []) {
    if (!(CELL_KINDS as readonly string[]).includes(s.cell)) errors.push(`series "${s.name}": cell ${describeValue(s.cell)} must be one of ${CELL_KINDS.join(', ')}.`);
    if (!(typeof s.forgetBias === 'number' && Number.isFinite(s.forgetBias) && Math.abs(s.forgetBias) <= 100)) {
      errors.push(`series "${s.name}": forget bias ${describeValue(s.forgetBias)} must be a number from -100 to 100.`);
    }
  }
  const corpus = request.corpus ?? { kind: 'brown' };
  errors.push(...checkCorpus(corpus));
  if (errors.length) return { errors };
  return {
    config: {
      steps: steps as number,
      batchSize: SEED_NOTEBOOK_TRAIN_CONFIG.batchSize,
      embeddingSize: SEED_NOTEBOOK_TRAIN_CONFIG.embeddingSize,
      hiddenSize: SEED_NOTEBOOK_TRAIN_CONFIG.hiddenSize,
      seed: settings.seed,
      corpus,
      series,
      ...(request.checkpoint ? { checkpoint: request.checkpoint } : {}),
    },
    errors,
  };
}

/** Parses the free text of the probe picker: "1, 0, -1.5" → [1, 0, -1.5], or a message. */
export function parseForgetBiases(text: string): { values?: number[]; error?: string } {
  const parts = text
    .split(/[,;\s]+/)
    .map((p) => p.trim().replace(/^\u2212/, '-'))
    .filter((p) => p.length > 0);
  if (parts.length === 0) return { error: 'Enter at least one forget-bias value, e.g. "1, 0, -1".' };
  const values: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v) || Math.abs(v) > 100) return { error: `"${p}" is not a forget-bias value; enter numbers from -100 to 100 separated by commas.` };
    values.push(v);
  }
  return { values };
}

export function probeSeriesName(cell: CellKind, forgetGate: boolean, forgetBias: number): string {
  if (!hasForgetGate(cell)) return CELL_CATALOG[cell].shortName;
  if (!forgetGate) return `${cell}, no forget gate`;
  const sign = forgetBias > 0 ? '+' : forgetBias < 0 ? '−' : '';
  return `${cell}, forget bias ${sign}${Math.abs(forgetBias)}`;
}
