// Whose equations the panel shows. The editor's choice wins: the cell under the cursor, the
// Equations lens, a check of the user's own cell. A run shows its cell's equations only when
// it starts, and only while no editor cell has chosen them; its later updates (epochs, its
// end) never replace what the panel shows, so a run finishing cannot swap the per-gate
// equations of the line the cursor is on for the fused ones of the cell being trained.
// No vscode import: PanelProvider asks it, the unit tests drive it directly.

export class EquationsChoice {
  /** An editor cell chose the equations and the cursor has not left for a place without cells. */
  private editorChose = false;
  /** Runs whose start was already considered (each run may show its equations once). */
  private readonly started = new Set<string>();

  /** The editor showed a cell's equations (cursor in a cell, Equations lens, a check of the user's cell). */
  chosenByEditor(): void {
    this.editorChose = true;
  }

  /** The cursor moved to an editor without recurrent cells: a run's start may show its equations again. */
  editorLeftCells(): void {
    this.editorChose = false;
  }

  /** Whether this update of a running run may show its cell's equations: its first, and only when the editor chose none. */
  runMayShow(runId: string): boolean {
    if (this.started.has(runId)) return false;
    this.started.add(runId);
    return !this.editorChose;
  }
}
