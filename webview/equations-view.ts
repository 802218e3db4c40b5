// The cell's equations, one KaTeX line per gate. The host highlights the gate whose code
// is under the editor's cursor; hovering a line highlights it while the pointer is there;
// clicking (or Enter) asks the host to reveal the code that computes it.
import katex from 'katex';
import type { EquationLine, GateName } from '../src/shared/types';
import { el } from './dom';

/** One equation set by KaTeX (its source as text, marked, when KaTeX refuses it). */
export function renderEquationMath(latex: string): HTMLElement {
  const math = el('div', { class: 'equation-math' });
  try {
    // KaTeX builds the DOM itself and escapes text; `trust: false` refuses \href and friends.
    katex.render(latex, math, { throwOnError: true, displayMode: false, trust: false, strict: 'ignore', output: 'htmlAndMathml' });
  } catch (error) {
    math.textContent = latex;
    math.classList.add('equation-error');
    math.title = `KaTeX could not render this line: ${error instanceof Error ? error.message : String(error)}`;
  }
  return math;
}

export class EquationsView {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private lines: HTMLElement[] = [];
  private hostGate: GateName | null = null;
  private hoverGate: GateName | null = null;
  private departing: GateName | null = null;

  constructor(private readonly onReveal: (gate: GateName) => void) {
    this.list = el('div', { class: 'equation-lines', role: 'list' });
    this.element = this.list;
  }

  render(lines: readonly EquationLine[]): void {
    this.hoverGate = null;
    this.lines = lines.map((line) => this.renderLine(line));
    this.list.replaceChildren(...this.lines);
    this.setDeparting(this.departing);
    this.applyHighlight();
  }

  /** Marks the equation the user's code departs from (their check said "differs"); null clears it. */
  setDeparting(gate: GateName | null): void {
    this.departing = gate;
    for (const row of this.lines) {
      const on = gate !== null && row.dataset.gate === gate;
      row.classList.toggle('departs', on);
      row.querySelector('.equation-departs')?.remove();
      if (on) row.append(el('span', { class: 'equation-departs', title: 'Your code computes something else here: see the verdict above and the squiggle in the editor' }, 'your code differs'));
    }
  }

  /** The line the host lit (the gate under the editor's cursor), if the equations have one. */
  litLine(): { line: HTMLElement; gate: GateName } | undefined {
    const gate = this.hostGate;
    const line = gate === null ? undefined : this.lines.find((row) => row.dataset.gate === gate);
    return line && gate !== null ? { line, gate } : undefined;
  }

  /** The host's highlight; null clears it. */
  setHighlight(gate: GateName | null): void {
    this.hostGate = gate;
    this.applyHighlight();
  }

  private renderLine(line: EquationLine): HTMLElement {
    const math = renderEquationMath(line.latex);
    const row = el(
      'div',
      { class: 'equation-line', role: 'listitem', tabindex: '0', 'data-gate': line.gate, title: `${line.label} (${line.gate}) — click to show the code that computes it` },
      el('span', { class: 'equation-gate' }, line.gate),
      el('span', { class: 'equation-label' }, line.label),
      math,
    );
    row.addEventListener('mouseenter', () => {
      this.hoverGate = line.gate;
      this.applyHighlight();
    });
    row.addEventListener('mouseleave', () => {
      if (this.hoverGate === line.gate) this.hoverGate = null;
      this.applyHighlight();
    });
    row.addEventListener('click', () => this.onReveal(line.gate));
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this.onReveal(line.gate);
      }
    });
    return row;
  }

  /** Marks exactly one line (the first with the gate): hover wins over the host's choice. */
  private applyHighlight(): void {
    const gate = this.hoverGate ?? this.hostGate;
    let marked = false;
    for (const row of this.lines) {
      const on = !marked && gate !== null && row.dataset.gate === gate;
      if (on) marked = true;
      row.classList.toggle('highlighted', on);
      if (on) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
    }
  }
}
