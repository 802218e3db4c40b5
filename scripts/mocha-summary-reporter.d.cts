import type Mocha from 'mocha';
declare class SummaryReporter extends Mocha.reporters.Spec {}
export = SummaryReporter;
