// trainer engineer: corpus, language model, trainer, checkpoints, sampler, data paths
export { loadCorpus, stripBrownTags, validateCorpusOptions, PADDING_TOKEN, UNKNOWN_TOKEN, PADDING_ID, UNKNOWN_ID, MAX_CORPUS_BYTES } from './corpus';
export type { Corpus, Batch, CorpusExtra } from './corpus';
export { LanguageModel, crossEntropyIgnoringPadding } from './model';
export type { LanguageModelOptions, LanguageModelWeights } from './model';
export { train, validateTrainConfig } from './trainer';
export type { TrainEvent, TrainOptions } from './trainer';
export { loadCheckpoint, saveCheckpoint, checkpointFile, CHECKPOINT_FILE } from './checkpoint';
export type { Checkpoint, TrainingPosition } from './checkpoint';
export { sample, validateSampleConfig } from './sampler';
export { readBrownTagged, bundledCorpusDir } from './paths';
