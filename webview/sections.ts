// The panel's collapsible sections. A section with nothing to show collapses to its heading
// line, which says why it is empty; it opens by itself when its first data arrives (unless
// the user closed it), or, for a section whose data comes from something the user did not ask
// of it (a run ending makes Inspect usable), stays as it is and only marks its heading: a run
// finishing never moves what the user is reading. `reveal` opens a section, scrolls it into
// view and marks it briefly, so a result asked for from the editor (Equations lens, Inspect
// Selection) is seen.
import { el } from './dom';

interface CollapsibleElement extends HTMLElement {
  open: boolean;
  description: string;
}

/** How long a revealed section stays marked. */
export const REVEAL_MARK_MS = 1600;

export interface SectionOptions {
  id: string;
  heading: string;
  /** The user's last choice (persisted by the panel). */
  open: boolean;
  /** Called when the user opens or closes a section that has data. */
  onToggle: (open: boolean) => void;
  /**
   * Its first data does not open it: the heading is marked for a moment and says this instead
   * (while the section is closed). Undefined: the section opens by itself, as the user wanted.
   */
  readyNote?: { text: string; hover: string };
}

export class Section {
  readonly element: CollapsibleElement;
  private emptyNote: string | undefined;
  private wanted: boolean;
  private markTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly readyNote: { text: string; hover: string } | undefined;
  /** False while the page restores what it showed before (then data opens it as the user left it). */
  private live = false;

  constructor(options: SectionOptions, ...content: (HTMLElement | string)[]) {
    this.wanted = options.open;
    this.readyNote = options.readyNote;
    this.element = el('vscode-collapsible', { 'data-section': options.id, heading: options.heading }, el('div', { class: 'section-body' }, ...content)) as CollapsibleElement;
    this.element.open = options.open;
    this.element.addEventListener('vsc-collapsible-toggle', () => {
      // Opening an empty section to read its note is not a choice to remember.
      if (this.emptyNote !== undefined) return;
      if (this.element.open) this.clearReadyNote();
      this.wanted = this.element.open;
      options.onToggle(this.element.open);
    });
  }

  get open(): boolean {
    return this.element.open;
  }

  get isEmpty(): boolean {
    return this.emptyNote !== undefined;
  }

  /** `note`: the section has nothing to show (its heading line says this); undefined: it has data. */
  setEmpty(note: string | undefined): void {
    if (note === this.emptyNote) return;
    const wasEmpty = this.emptyNote !== undefined;
    this.emptyNote = note;
    this.element.description = note ?? '';
    // A narrow side bar cuts the note short: the whole of it on hover.
    if (note !== undefined) this.element.title = note;
    else this.element.removeAttribute('title');
    this.element.classList.toggle('is-empty', note !== undefined);
    if (note !== undefined) this.element.open = false;
    else if (wasEmpty && (this.readyNote === undefined || !this.live)) this.element.open = this.wanted;
    else if (wasEmpty && this.readyNote !== undefined) this.markReady(this.readyNote);
  }

  /** The page has restored what it showed: data arriving from now on is news (see `readyNote`). */
  goLive(): void {
    this.live = true;
  }

  /** Data arrived that the user did not ask this section for: say so on its heading, open nothing. */
  private markReady(note: { text: string; hover: string }): void {
    if (!this.element.open) {
      this.element.description = note.text;
      this.element.title = note.hover;
    }
    this.mark();
  }

  private clearReadyNote(): void {
    if (this.readyNote === undefined || this.element.description !== this.readyNote.text) return;
    this.element.description = '';
    this.element.removeAttribute('title');
  }

  /** Outlines the section for a moment. */
  private mark(): void {
    this.element.classList.add('just-revealed');
    clearTimeout(this.markTimer);
    this.markTimer = setTimeout(() => this.element.classList.remove('just-revealed'), REVEAL_MARK_MS);
  }

  /** Opens the section, scrolls it into view and marks it for a moment. */
  reveal(): void {
    this.element.open = true;
    if (this.emptyNote === undefined) this.wanted = true;
    // After the collapsible has rendered its opened body, so the scroll can bring it all up.
    requestAnimationFrame(() => requestAnimationFrame(() => this.element.scrollIntoView({ block: 'start', behavior: 'smooth' })));
    this.clearReadyNote();
    this.mark();
  }
}
