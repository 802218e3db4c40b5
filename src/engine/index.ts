// trainer engineer: corpus, language model, trainer, checkpoints, sampler, data paths
export { loadCorpus, stripBrownTags, validateCorpusOptions, PADDING_TOKEN, UNKNOWN_TOKEN, PADDING_ID, UNKNOWN_ID, MAX_CORPUS_BYTES } from './corpus';
export type { Corpus, Batch, CorpusExtra } from './corpus';
export { LanguageModel, crossEntropyIgnoringPadding } from './model';
export type { LanguageModelOptions, LanguageModelWeights } from './model';
export { train } from './trainer';
export { validateTrainConfig, estimateTrainMemoryMB, memoryProblem, machineMemoryLimitMB, MEMORY_LIMIT_MB } from './validate';
export type { TrainEvent, TrainOptions } from './trainer';
export { loadCheckpoint, saveCheckpoint, checkpointFile, CHECKPOINT_FILE } from './checkpoint';
export type { Checkpoint, TrainingPosition } from './checkpoint';
export { sample, validateSampleConfig } from './sampler';
export { readBrownTagged, bundledCorpusDir } from './paths';
// cells engineer: backend, seeded randomness, cells and their registry, gradient probe
export { initBackend, activeBackend, resolvePreference, defaultWasmDir, BACKEND_ENV_VAR } from './backend';
export type { BackendOptions } from './backend';
export { registerUnsortedSegmentSumWasm } from './kernels/unsorted-segment-sum';
export { mulberry32, shuffleInPlace, deriveSeed, gaussian } from './random';
export { CELL_IMPLEMENTATIONS, getCell, cellKinds } from './cells/registry';
export { initLstmWeights, initRnnWeights, withForgetBias, xavierUniform } from './cells/init';
export { LSTM_WEIGHT_NAMES, RNN_WEIGHT_NAMES, lstmWeightShapes, rnnWeightShapes, checkNotebookWeights } from './cells/notebook-layout';
export type { CellDefinition, CellOptions, CellState, RecurrentCell } from './cells/types';
export { probe, probeSeries, validateProbeConfig, freshEmbedding, embedIds } from './probe';
export type { ProbeOptions, ProbeSeriesOptions } from './probe';
// inspect engineer: looking inside a trained cell (gate capture, top units, saturation, gradient flow, trained probe, sampling with probabilities)
export { captureActivations, topUnits, positionsMatching, gateSaturation, measureSaturation, gradientFlow, probeTrained, sampleWithProbabilities, modelFromCheckpoint, encodeText, MAX_CAPTURE_CHARS, MAX_GRADIENT_FLOW_CHARS, SATURATION_THRESHOLD } from './inspect';
export type { InspectSource, LoadedModel, PositionSelection, TrainedProbeOptions, SampleWithProbabilitiesConfig } from './inspect';
export type { ActivationCapture, CapturedGate, UnitScore, GateSaturation, SaturationReport, GradientFlow, TrainedProbeResult, CharacterProbability, SampleStep, SampleWithProbabilities } from '../shared/inspect-types';
// fast engineer: timing every cell beside the FLOP floor
export { bench, benchConfigOf, benchRatios, benchTable } from './bench';
export type { BenchOptions, BenchConfig } from './bench';
export { canProbeFast, probeSeriesFast } from './fast/probe-fast';
