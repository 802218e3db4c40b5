// Whether the active editor holds text a character model can learn from: prose or code, or a
// notebook's cells, but not a notebook's raw JSON, other JSON data or a binary file. The Train
// picker's offer and the refusal when it is chosen anyway come from here, so they agree.

/** What the host read from the active editor (a notebook: its cells' text, joined). */
export interface EditorText {
  /** The file's base name ("untitled" when it has none). */
  name: string;
  text: string;
  /** The text document's language id; absent for a notebook. */
  languageId?: string;
  /** A notebook: how many cells were joined into `text`. */
  notebookCells?: number;
}

export type TextSource = { usable: true; description: string } | { usable: false; description: string; problem: string };

const CHOOSE_ANOTHER = 'open a text file (prose or code), or choose the Brown corpus.';

/** "23k characters", "812 characters". */
function characters(text: string): string {
  const n = text.length;
  return n >= 10_000 ? `${Math.round(n / 1000)}k characters` : `${n} characters`;
}

/** Whether `text` is a Jupyter notebook's JSON (an .ipynb opened as text). */
function isNotebookJson(name: string, text: string): boolean {
  if (name.toLowerCase().endsWith('.ipynb')) return true;
  if (!/^\s*\{/.test(text) || !text.includes('"cells"')) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { cells?: unknown }).cells);
  } catch {
    return false;
  }
}

/** NUL bytes, or many U+FFFD (bytes that were not UTF-8): a binary file shown as text. */
function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  const replaced = text.match(/\uFFFD/g)?.length ?? 0;
  return replaced > 0 && replaced >= text.length / 100;
}

function refused(description: string, problem: string): TextSource {
  return { usable: false, description, problem };
}

/** What the Train picker says about training on the active editor, and whether it can. */
export function describeTextSource(active: EditorText | undefined): TextSource {
  if (!active) return refused('no editor is open', `no editor is open to train on; ${CHOOSE_ANOTHER}`);
  const { name, text } = active;
  if (!text.trim()) return refused(`${name} is empty`, `${name} is empty; open a file with some text in it, or choose the Brown corpus.`);
  if (active.notebookCells !== undefined) return { usable: true, description: `${name}: ${active.notebookCells} cells' text, ${characters(text)}` };
  if (isNotebookJson(name, text))
    return refused(`${name} is notebook JSON, not text`, `${name} is a notebook's JSON, not text to learn: open it as a notebook to train on its cells' text, or ${CHOOSE_ANOTHER}`);
  if (active.languageId === 'json' || active.languageId === 'jsonc') return refused(`${name} is JSON data, not text`, `${name} is JSON data, not text to learn; ${CHOOSE_ANOTHER}`);
  if (looksBinary(text)) return refused(`${name} looks binary`, `${name} looks like a binary file (bytes that are not text); ${CHOOSE_ANOTHER}`);
  return { usable: true, description: `${name}, ${characters(text)}` };
}
