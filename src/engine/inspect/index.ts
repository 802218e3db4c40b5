// Looking inside a trained cell, one feature per module:
//   - capture.ts: every gate's value at every character of a text, computed from the cell's
//     exported weights with its family's equations (so every kind of a family, built-in
//     included, is read the same way); topUnits: the hidden units most active on a pattern;
//   - saturation.ts: fractions of sigmoid-gate activations < 0.1 and > 0.9;
//   - gradient-flow.ts: ‖∂loss_t/∂x_s‖₂ for every s ≤ t, every loss carried back at once;
//   - trained-probe.ts: the notebook's h0 probe on the trained cell next to the run's fresh cell;
//   - sample.ts: the sampler's text with each character's probability.
// source.ts loads the model; steps.ts runs the family's step. Results are plain data (src/shared/inspect-types.ts).
export { encodeText, modelFromCheckpoint, type InspectSource, type LoadedModel } from './source';
export { captureActivations, MAX_CAPTURE_CHARS, positionsMatching, topUnits, type PositionSelection } from './capture';
export { gateSaturation, measureSaturation, SATURATION_THRESHOLD } from './saturation';
export { gradientFlow, MAX_GRADIENT_FLOW_CHARS } from './gradient-flow';
export { probeTrained, type TrainedProbeOptions } from './trained-probe';
export { sampleWithProbabilities, type SampleWithProbabilitiesConfig } from './sample';
