// Running the user's own Python cell: what the host and the CLI import (no vscode here).
export { findPython, missingTorchMessage, missingArrayLibraryMessage, PythonNotFoundError, INSTALL_TORCH_HINT, type PythonInfo, type InterpreterRequest, type InterpreterSource } from './interpreter';
export { PythonClient, PythonRunError, defaultHarnessPath, importSignature, type CheckInput, type CheckCallOptions, type PythonClientOptions } from './client';
export { planPythonFile, planTfjsFile, planNotebook, planCodeCells, runPlans, toReport, DEFAULT_CHECK_STEPS, DEFAULT_CHECK_SEED, type CellPlan, type CellReport, type PlanOptions } from './check';
export type { CellResult, FirstDifference, Probe, ProbeSeries, Ready, Print, Unit, Target, CheckRequest } from './protocol';
