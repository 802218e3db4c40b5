// Running the user's own TF.js cell (.ts/.js) in-process: what the CLI and the worker import (no vscode here).
export { checkTfjsCell, checkTfjsInput, type CheckedCell, type TfjsCheckOptions } from './check';
