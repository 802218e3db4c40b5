// The hover sparkline: points land where the scale says (linear and log), gaps where a
// value cannot be drawn, text is escaped, and the data: URI decodes to the same SVG.
import assert from 'node:assert/strict';
import { SPARKLINE_COLORS, sparklineSvg, svgDataUri } from '../../src/host/core/sparkline';

/** Each <path>'s subpaths as lists of [x, y] points. */
function paths(svg: string): [number, number][][][] {
  return [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) =>
    m[1]
      .split('M')
      .filter(Boolean)
      .map((sub) => sub.split('L').map((pt) => pt.trim().split(/\s+/).map(Number) as [number, number])),
  );
}

describe('sparklineSvg', () => {
  it('maps the first and last index to the inner edges and min/max to bottom/top (linear)', () => {
    const svg = sparklineSvg([{ values: [0, 5, 10] }], { width: 104, height: 24, padding: 2 });
    const [[points]] = paths(svg);
    assert.deepEqual(points, [
      [2, 22],
      [52, 12],
      [102, 2],
    ]);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="104" height="24" viewBox="0 0 104 24">/);
  });

  it('on a log scale puts the geometric mean half-way and skips values ≤ 0 as gaps', () => {
    // 1e-6 … 1e2: 1e-2 is the middle decade.
    const svg = sparklineSvg([{ values: [1e2, 1e-2, 0, 1e-6] }], { width: 100, height: 20, padding: 0, log: true });
    const [subpaths] = paths(svg);
    assert.equal(subpaths.length, 2, 'the zero splits the line');
    assert.deepEqual(subpaths[0], [
      [0, 0],
      [33.33, 10],
    ]);
    // A lone point after the gap is drawn as a zero-length segment (a dot with round caps).
    assert.deepEqual(subpaths[1], [
      [100, 20],
      [100, 20],
    ]);
  });

  it('leaves gaps at NaN and ±Infinity and shares one y scale between series', () => {
    const svg = sparklineSvg([{ values: [1, NaN, 3], label: 'a' }, { values: [Infinity, 2, 4] }], { width: 10, height: 10, padding: 0 });
    const [first, second] = paths(svg);
    assert.equal(first.length, 2);
    assert.deepEqual(first[0][0], [0, 10], 'value 1 is the shared minimum');
    assert.deepEqual(
      second[0],
      [
        [5, 6.67],
        [10, 0],
      ],
      'value 4 is the shared maximum',
    );
  });

  it('draws a flat series through the middle and a single value as a centred dot', () => {
    const [[flat]] = paths(sparklineSvg([{ values: [3, 3, 3] }], { width: 20, height: 10, padding: 0 }));
    assert.ok(flat.every(([, y]) => y === 5));
    const [[dot]] = paths(sparklineSvg([{ values: [7] }], { width: 20, height: 10, padding: 0 }));
    assert.deepEqual(dot, [
      [10, 5],
      [10, 5],
    ]);
  });

  it('draws nothing for series without drawable values, but is still a valid empty chart', () => {
    const svg = sparklineSvg([{ values: [] }, { values: [NaN, -1] }], { log: true });
    assert.equal(paths(svg).length, 0);
    assert.match(svg, /<svg[^>]*><\/svg>$/);
  });

  it('escapes labels and colours so they cannot break out of the SVG', () => {
    const svg = sparklineSvg([{ values: [1, 2], label: 'b_f <+1> & "x"', color: 'red"/><script>' }]);
    assert.ok(!svg.includes('<script>'));
    assert.ok(svg.includes('<title>b_f &lt;+1&gt; &amp; &quot;x&quot;</title>'));
  });

  it('rejects sizes that leave no room, naming the option', () => {
    assert.throws(() => sparklineSvg([{ values: [1] }], { width: 0 }), /width must be a positive number/);
    assert.throws(() => sparklineSvg([{ values: [1] }], { height: 4, padding: 2 }), /padding 2 leaves no room/);
  });

  it("colours series from the panel's palette unless a series has its own colour", () => {
    const strokes = (svg: string) => [...svg.matchAll(/stroke="([^"]+)"/g)].map((m) => m[1]);
    const three = [{ values: [1, 2] }, { values: [2, 1] }, { values: [1, 1], color: 'tomato' }];
    assert.deepEqual(strokes(sparklineSvg(three)), [SPARKLINE_COLORS.dark[0], SPARKLINE_COLORS.dark[1], 'tomato']);
    assert.deepEqual(strokes(sparklineSvg(three, { palette: SPARKLINE_COLORS.light })).slice(0, 2), SPARKLINE_COLORS.light.slice(0, 2));
  });

  it('svgDataUri is base64 of the exact SVG', () => {
    const svg = sparklineSvg([{ values: [1, 2, 3], label: 'ü → ∞' }]);
    const uri = svgDataUri(svg);
    assert.ok(uri.startsWith('data:image/svg+xml;base64,'));
    assert.equal(Buffer.from(uri.slice('data:image/svg+xml;base64,'.length), 'base64').toString('utf8'), svg);
  });
});
