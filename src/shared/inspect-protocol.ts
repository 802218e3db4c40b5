// The "look inside a trained run" messages: what the panel asks for, what the
// worker computes, and the guards both ends run on them. src/shared/protocol.ts declares the
// message variants that carry these payloads; this module holds the payloads, so the
// shared protocol file only grows by a few lines. Types and guards only; its one runtime import is the primitive guards.
import type { ActivationCapture, CapturedGate, CharacterProbability, GateSaturation, GradientFlow, SampleStep, SampleWithProbabilities, SaturationReport, TrainedProbeResult } from './inspect-types';
import type { ProbeSeries } from './types';
import { GATE_NAMES, GATE_RANGE, isCellKind as isCellKindName, type GateName } from './catalog';
import { isArrayOf, isBool, isFiniteNum, isNum, isObj, isStr, type Obj } from './guards';

/** What the panel (or the Inspect Selection command) asks about a run; the host adds the run's checkpoint. */
export type InspectRequest =
  | { kind: 'capture'; text: string }
  | { kind: 'gradientFlow'; text: string }
  | { kind: 'probeTrained'; steps: number; batchSize: number }
  | { kind: 'sample'; prime: string; temperature: number; length: number; seed?: number };

/** A request as the worker gets it: with the checkpoint folder of the run. */
export type InspectJob = InspectRequest & { checkpoint: string };

export type InspectResult =
  | { kind: 'capture'; capture: ActivationCapture }
  | { kind: 'gradientFlow'; flow: GradientFlow }
  | { kind: 'probeTrained'; probe: TrainedProbeResult }
  | { kind: 'sample'; sample: SampleWithProbabilities };

export const CAPTURED_GATES: readonly CapturedGate[] = GATE_NAMES;

// Activations and gradient norms may be NaN/Infinity when a model diverged: carry them, draw a gap.
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isNumberRow = (v: unknown): v is number[] => isArrayOf(v, isNumber);
const isMatrix = (v: unknown): v is number[][] => isArrayOf(v, isNumberRow);
export const isCapturedGate = (v: unknown): v is CapturedGate => isStr(v) && (CAPTURED_GATES as readonly string[]).includes(v);
const isSigmoidGate = (v: unknown): v is GateSaturation['gate'] => isStr(v) && (GATE_NAMES as readonly string[]).includes(v) && GATE_RANGE[v as GateName] === 'sigmoid';
const isPositiveInt = (v: unknown): v is number => isFiniteNum(v) && Number.isInteger(v) && v > 0;

export function isInspectRequest(v: unknown): v is InspectRequest {
  if (!isObj(v)) return false;
  switch (v.kind) {
    case 'capture':
    case 'gradientFlow':
      return isStr(v.text);
    case 'probeTrained':
      return isPositiveInt(v.steps) && isPositiveInt(v.batchSize);
    case 'sample':
      return isStr(v.prime) && isFiniteNum(v.temperature) && isFiniteNum(v.length) && (v.seed === undefined || isFiniteNum(v.seed));
    default:
      return false;
  }
}

export function isInspectJob(v: unknown): v is InspectJob {
  return isInspectRequest(v) && isStr((v as Obj).checkpoint);
}

export function isGateSaturation(v: unknown): v is GateSaturation {
  return isObj(v) && isSigmoidGate(v.gate) && isFiniteNum(v.low) && isFiniteNum(v.high);
}

export function isSaturationReport(v: unknown): v is SaturationReport {
  return (
    isObj(v) && (v.scope === 'batch' || v.scope === 'epoch') && isFiniteNum(v.epoch) && isFiniteNum(v.batch) && isFiniteNum(v.step) && isFiniteNum(v.count) && isArrayOf(v.gates, isGateSaturation)
  );
}

export function isActivationCapture(v: unknown): v is ActivationCapture {
  if (!isObj(v) || !isCellKindName(v.cell) || !isBool(v.forgetGate) || !isPositiveInt(v.hiddenSize)) return false;
  if (!isArrayOf(v.chars, isStr) || !isArrayOf(v.ids, isFiniteNum) || v.ids.length !== v.chars.length) return false;
  if (!isArrayOf(v.gateNames, isCapturedGate) || !isObj(v.gates)) return false;
  const T = v.chars.length;
  const H = v.hiddenSize;
  const gates = v.gates;
  // Every named gate present, [T][H]; no gate that is not named.
  return (
    Object.keys(gates).every((name) => (v.gateNames as string[]).includes(name)) &&
    v.gateNames.every((name) => {
      const rows = gates[name];
      return isMatrix(rows) && rows.length === T && rows.every((row) => row.length === H);
    })
  );
}

function isProbeSeriesLike(v: unknown): v is ProbeSeries {
  return isObj(v) && isStr(v.name) && isCellKindName(v.cell) && isBool(v.forgetGate) && isNum(v.forgetBias) && isNumberRow(v.norms) && isNum(v.seconds);
}

export function isGradientFlow(v: unknown): v is GradientFlow {
  if (!isObj(v) || !isCellKindName(v.cell) || !isArrayOf(v.chars, isStr) || !isArrayOf(v.targets, isStr)) return false;
  const T = v.chars.length;
  return (
    v.targets.length === T &&
    isMatrix(v.norms) &&
    v.norms.length === T &&
    v.norms.every((row) => row.length === T) &&
    isNumberRow(v.losses) &&
    v.losses.length === T &&
    isNumberRow(v.byDistance) &&
    isNum(v.seconds)
  );
}

export function isTrainedProbeResult(v: unknown): v is TrainedProbeResult {
  return isObj(v) && isCellKindName(v.cell) && isFiniteNum(v.steps) && isFiniteNum(v.batchSize) && isProbeSeriesLike(v.trained) && isProbeSeriesLike(v.fresh);
}

const isCharacterProbability = (v: unknown): v is CharacterProbability => isObj(v) && isStr(v.char) && isFiniteNum(v.p);
const isSampleStep = (v: unknown): v is SampleStep => isObj(v) && isStr(v.char) && isFiniteNum(v.probability) && isFiniteNum(v.samplingProbability) && isArrayOf(v.top, isCharacterProbability);

export function isSampleWithProbabilities(v: unknown): v is SampleWithProbabilities {
  return isObj(v) && isStr(v.prime) && isFiniteNum(v.temperature) && isStr(v.text) && isArrayOf(v.steps, isSampleStep);
}

export function isInspectResult(v: unknown): v is InspectResult {
  if (!isObj(v)) return false;
  switch (v.kind) {
    case 'capture':
      return isActivationCapture(v.capture);
    case 'gradientFlow':
      return isGradientFlow(v.flow);
    case 'probeTrained':
      return isTrainedProbeResult(v.probe);
    case 'sample':
      return isSampleWithProbabilities(v.sample);
    default:
      return false;
  }
}

/** A CSV file the panel sends with its chart images (the Export command writes it). */
export interface ExportCsvFile {
  name: string;
  text: string;
}
export const isExportCsvFile = (v: unknown): v is ExportCsvFile => isObj(v) && isStr(v.name) && /^[A-Za-z0-9_.-]+\.csv$/.test(v.name) && isStr(v.text);
export const isExportCsvFiles = (v: unknown): v is ExportCsvFile[] => isArrayOf(v, isExportCsvFile);

/** Sampling defaults shared by the Sample Text command and the panel's Sample view. */
export const SAMPLE_DEFAULTS = { prime: 'the ', temperature: 0.8, length: 200 } as const;
