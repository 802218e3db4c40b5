// The CLI's option parser (util.parseArgs underneath) with the conventions a user relies on:
// typed values, negative numbers as values, free text that starts with a dash, "did you mean",
// and --help only where it is an option.
import { strict as assert } from 'node:assert';
import { closestWord, HelpRequested, parseArgs, UsageError, type OptionSpec } from '../../src/cli/args';

const SPECS: OptionSpec[] = [
  { name: 'seq-len', type: 'integer', value: 'T', help: '' },
  { name: 'forget-bias', type: 'number', value: 'B', help: '' },
  { name: 'backend', type: 'string', value: 'NAME', help: '', choices: ['wasm', 'cpu'] },
  { name: 'out', type: 'string', value: 'DIR', help: '' },
  { name: 'prime', type: 'string', value: 'TEXT', help: '', freeText: true },
  { name: 'json', type: 'boolean', help: '' },
];

const usageError = (argv: string[], message: RegExp) =>
  assert.throws(
    () => parseArgs(argv, SPECS),
    (error: unknown) => error instanceof UsageError && message.test(error.message),
  );

describe('lstm-lab option parsing', () => {
  it('converts values to their types, keeps positionals, and takes --name=value', () => {
    const { values, positionals } = parseArgs(['file.py', '--seq-len', '100', '--forget-bias=-1.5', '--json', '--backend', 'cpu', '--', '--not-an-option'], SPECS);
    assert.deepEqual(values, { 'seq-len': 100, 'forget-bias': -1.5, json: true, backend: 'cpu' });
    assert.deepEqual(positionals, ['file.py', '--not-an-option']);
  });

  it('takes a negative number as a value, and free text starting with a dash (--prime -h is a prime)', () => {
    assert.equal(parseArgs(['--forget-bias', '-1'], SPECS).values['forget-bias'], -1);
    assert.equal(parseArgs(['--forget-bias', '-.5e1'], SPECS).values['forget-bias'], -5);
    assert.equal(parseArgs(['--prime', '-h'], SPECS).values['prime'], '-h');
    assert.equal(parseArgs(['--prime', '--json'], SPECS).values['prime'], '--json');
  });

  it('--help or -h as an option asks for help, even after a mistake', () => {
    assert.throws(() => parseArgs(['--out', 'x', '-h'], SPECS), HelpRequested);
    assert.throws(() => parseArgs(['--frob', '--help'], SPECS), HelpRequested);
  });

  it('refuses mistakes with the flag named: missing values, a flag as a value, wrong types, choices, switches with values', () => {
    usageError(['--seq-len'], /^--seq-len needs a value \(T\)\.$/);
    usageError(['--out', '--json'], /^--out needs a value \(DIR\)\.$/);
    usageError(['--out', '-x'], /^--out needs a value \(DIR\)\.$/);
    usageError(['--seq-len', '2.5'], /^--seq-len must be a whole number; got "2\.5"\.$/);
    usageError(['--forget-bias', 'one'], /^--forget-bias must be a number; got "one"\.$/);
    usageError(['--backend', 'gpu'], /^--backend must be one of wasm, cpu; got "gpu"\.$/);
    usageError(['--json=yes'], /^--json is a switch and takes no value\.$/);
  });

  it('unknown options say which declared option was probably meant', () => {
    usageError(['--seq-lenn', '3'], /^Unknown option --seq-lenn\. Did you mean --seq-len\?$/);
    usageError(['--primer', 'x'], /^Unknown option --primer\. Did you mean --prime\?$/);
    usageError(['--frobnicate'], /^Unknown option --frobnicate\.$/);
    usageError(['-x'], /^Unknown option -x\. Options are written --name/);
    assert.equal(closestWord('trian', ['train', 'probe']), 'train');
    assert.equal(closestWord('xyz', ['train', 'probe']), undefined);
  });
});
