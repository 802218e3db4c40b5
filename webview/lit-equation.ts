// The lit equation where the eye is. The host lights the equation of the gate under the
// editor's cursor, but with the panel's sections open that line can be thousands of pixels
// down: a compact line stuck to the top of the panel then repeats it (same KaTeX), and a
// click on it reveals the Equations section. Hidden while the lit line itself is on screen
// or nothing is lit. The panel is never scrolled by a cursor move.
import type { EquationLine, GateName } from '../src/shared/types';
import { el } from './dom';
import { renderEquationMath } from './equations-view';

export class LitEquationLine {
  readonly element: HTMLElement;
  private shown: { gate: GateName; latex: string; cell: string } | undefined;

  constructor(onShow: () => void) {
    this.element = el('div', { class: 'lit-equation', role: 'button', tabindex: '0', hidden: '', title: 'The equation of the code under your cursor — click to show the Equations section' });
    this.element.addEventListener('click', onShow);
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        onShow();
      }
    });
  }

  /**
   * `lit`: the lit equation, its row in the Equations section and the title of the cell whose
   * equations those are (undefined: nothing lit). Shows this line only when that row is not on
   * screen (its section closed or scrolled away), led by the cell's name so it is not read on its own.
   */
  update(lit: { equation: EquationLine; row: HTMLElement; cell: string } | undefined): void {
    const visible = lit !== undefined && !onScreen(lit.row, this.element.hidden ? 0 : this.element.offsetHeight);
    if (!visible) {
      this.element.hidden = true;
      return;
    }
    const { gate, latex, label } = lit.equation;
    const cell = cellName(lit.cell);
    if (this.shown?.gate !== gate || this.shown.latex !== latex || this.shown.cell !== cell) {
      this.shown = { gate, latex, cell };
      this.element.replaceChildren(
        el('span', { class: 'equation-gate' }, gate),
        el('span', { class: 'lit-equation-cell' }, `${cell}:`),
        renderEquationMath(latex),
        el('span', { class: 'lit-equation-label' }, `— ${label}`),
        el('span', { class: 'lit-equation-show' }, 'show'),
      );
      this.element.dataset.gate = gate;
      this.element.title = `${label} of ${lit.cell}: the equation of the code under your cursor — click to show the Equations section`;
    }
    this.element.hidden = false;
  }
}

/** The cell's name from an equations title ("GateByGateLSTM — LSTM, per-gate weights", "OptimizedLSTM (fused …)"). */
function cellName(title: string): string {
  return title.split(/ — | \(/)[0].trim() || title;
}

/** Whether any of `row` is in the viewport below the top `covered` pixels (a closed section's row has no box). */
function onScreen(row: HTMLElement, covered: number): boolean {
  const box = row.getBoundingClientRect();
  if (box.height === 0) return false;
  return box.bottom > covered && box.top < window.innerHeight;
}
