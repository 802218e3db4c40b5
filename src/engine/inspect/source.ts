// Where an inspected model comes from (a checkpoint folder, a loaded checkpoint or a model
// already built), and how a text becomes the model's ids.
import { activeBackend, initBackend } from '../backend';
import { loadCheckpoint, type Checkpoint } from '../checkpoint';
import { PADDING_ID, UNKNOWN_ID } from '../corpus';
import { InputError } from '../errors';
import { languageModelFromCheckpoint, type LanguageModel } from '../model';

/** A language model with its vocabulary (what a checkpoint holds, loaded). */
export interface LoadedModel {
  model: LanguageModel;
  vocab: string[];
}

/** A checkpoint folder (or its checkpoint.json), a loaded checkpoint, or a model already built. */
export type InspectSource = string | Checkpoint | LoadedModel;

/** Builds the checkpoint's language model. The caller disposes `model`. */
export function modelFromCheckpoint(checkpoint: Checkpoint): LoadedModel {
  const model = languageModelFromCheckpoint(checkpoint);
  return { model, vocab: checkpoint.vocab };
}

export async function ensureBackend(): Promise<void> {
  try {
    activeBackend();
  } catch {
    await initBackend('auto');
  }
}

/** Runs `use` on the source's model; a model built here is disposed afterwards. */
export async function withModel<T>(source: InspectSource, use: (loaded: LoadedModel) => T | Promise<T>): Promise<T> {
  await ensureBackend();
  if (typeof source !== 'string' && 'model' in source) return use(source);
  const checkpoint = typeof source === 'string' ? loadCheckpoint(source) : source;
  const loaded = modelFromCheckpoint(checkpoint);
  try {
    return await use(loaded);
  } finally {
    loaded.model.dispose();
  }
}

/** The text's characters (code points, as given) and their vocabulary ids (lower-cased, as the corpus is; unknown = 1). */
export function encodeText(text: string, vocab: string[], maxChars: number, what: string): { chars: string[]; ids: number[] } {
  if (typeof text !== 'string' || text.length === 0) throw new InputError('The text is empty; give at least one character (e.g. a sentence from the corpus).');
  const chars = Array.from(text);
  if (chars.length > maxChars)
    throw new InputError(`The text has ${chars.length.toLocaleString('en-US')} characters; ${what} reads at most ${maxChars.toLocaleString('en-US')}. Select a shorter passage.`);
  const idOf = new Map(vocab.map((character, id) => [character, id] as const));
  const ids = chars.map((character) => {
    const id = idOf.get(character.toLowerCase());
    return id === undefined || id === PADDING_ID ? UNKNOWN_ID : id;
  });
  return { chars, ids };
}
