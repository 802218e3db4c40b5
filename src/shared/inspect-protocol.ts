// The "look inside a trained run" messages: what the panel asks for and what the worker
// computes, as valibot schemas (types inferred). src/shared/protocol.ts declares the message
// variants that carry these payloads; this module holds the payloads.
import * as v from 'valibot';
import { finite, positiveInt } from './guards';
import { ActivationCaptureSchema, GradientFlowSchema, SampleWithProbabilitiesSchema, TrainedProbeResultSchema } from './inspect-types';

/** What the panel (or the Inspect Selection command) asks about a run; the host adds the run's checkpoint. */
export const InspectRequestSchema = v.variant('kind', [
  v.object({ kind: v.literal('capture'), text: v.string() }),
  v.object({ kind: v.literal('gradientFlow'), text: v.string() }),
  v.object({ kind: v.literal('probeTrained'), steps: positiveInt, batchSize: positiveInt }),
  v.object({ kind: v.literal('sample'), prime: v.string(), temperature: finite, length: finite, seed: v.optional(finite) }),
]);
export type InspectRequest = v.InferOutput<typeof InspectRequestSchema>;

/** A request as the worker gets it: with the checkpoint folder of the run. */
export const InspectJobSchema = v.intersect([InspectRequestSchema, v.object({ checkpoint: v.string() })]);
export type InspectJob = v.InferOutput<typeof InspectJobSchema>;

export const InspectResultSchema = v.variant('kind', [
  v.object({ kind: v.literal('capture'), capture: ActivationCaptureSchema }),
  v.object({ kind: v.literal('gradientFlow'), flow: GradientFlowSchema }),
  v.object({ kind: v.literal('probeTrained'), probe: TrainedProbeResultSchema }),
  v.object({ kind: v.literal('sample'), sample: SampleWithProbabilitiesSchema }),
]);
export type InspectResult = v.InferOutput<typeof InspectResultSchema>;

/** A CSV file the panel sends with its chart images (the Export command writes it under this name). */
export const ExportCsvFileSchema = v.object({ name: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]+\.csv$/)), text: v.string() });
export type ExportCsvFile = v.InferOutput<typeof ExportCsvFileSchema>;

/** Sampling defaults shared by the Sample Text command and the panel's Sample view. */
export const SAMPLE_DEFAULTS = { prime: 'the ', temperature: 0.8, length: 200 } as const;
