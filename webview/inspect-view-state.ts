// What the inspect views persist with the panel's getState/setState: the user's choices, never
// the results (a capture of 5000 characters × 125 units × 6 gates is far too large to keep).
import { isCapturedGate, type CapturedGate } from '../src/shared/inspect-types';
import { SAMPLE_DEFAULTS } from '../src/shared/inspect-protocol';

export interface InspectUiState {
  runId?: string;
  text: string;
  gate: CapturedGate;
  /** The unit the user chose; null until they choose one (a capture then opens on its most varying unit). */
  unit: number | null;
  pattern: string;
  prime: string;
  temperature: number;
  length: number;
  probeSteps: number;
  open: { saturation: boolean; inspect: boolean };
}

export function defaultInspectState(): InspectUiState {
  return {
    text: '',
    gate: 'h',
    unit: null,
    pattern: '',
    prime: SAMPLE_DEFAULTS.prime,
    temperature: SAMPLE_DEFAULTS.temperature,
    length: SAMPLE_DEFAULTS.length,
    probeSteps: 50,
    open: { saturation: true, inspect: true },
  };
}

/** Field by field: anything missing or malformed falls back to the default. */
export function restoreInspectState(saved: unknown): InspectUiState {
  const state = defaultInspectState();
  if (typeof saved !== 'object' || saved === null) return state;
  const s = saved as Record<string, unknown>;
  if (typeof s.runId === 'string') state.runId = s.runId;
  if (typeof s.text === 'string') state.text = s.text.slice(0, 5000);
  if (isCapturedGate(s.gate)) state.gate = s.gate;
  if (typeof s.unit === 'number' && Number.isInteger(s.unit) && s.unit >= 0) state.unit = s.unit;
  if (typeof s.pattern === 'string') state.pattern = s.pattern;
  if (typeof s.prime === 'string') state.prime = s.prime;
  if (typeof s.temperature === 'number' && s.temperature >= 0 && s.temperature <= 2) state.temperature = s.temperature;
  if (typeof s.length === 'number' && Number.isInteger(s.length) && s.length >= 1 && s.length <= 2000) state.length = s.length;
  if (typeof s.probeSteps === 'number' && Number.isInteger(s.probeSteps) && s.probeSteps >= 1 && s.probeSteps <= 500) state.probeSteps = s.probeSteps;
  if (typeof s.open === 'object' && s.open !== null) {
    const open = s.open as Record<string, unknown>;
    if (typeof open.saturation === 'boolean') state.open.saturation = open.saturation;
    if (typeof open.inspect === 'boolean') state.open.inspect = open.inspect;
  }
  return state;
}
