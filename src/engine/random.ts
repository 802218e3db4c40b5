// A small seeded pseudo-random generator used across the engine, so that the same seed
// gives the same weights, the same train/validation split and the same batch order on
// every machine and backend (TF.js's own seeded ops differ between backends).

/**
 * mulberry32: a 32-bit PRNG (Tommy Ettinger's public-domain generator). Returns a function
 * yielding uniform floats in [0, 1). Any number is accepted as a seed; it is reduced to 32 bits.
 */
export function mulberry32(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new Error(`mulberry32: seed must be a finite number, got ${seed}. Pass an integer such as 0.`);
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place, driven by `random` (e.g. a mulberry32 generator). */
export function shuffleInPlace<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const held = items[i]!;
    items[i] = items[j]!;
    items[j] = held;
  }
}

/** Derives an independent seed for a named purpose from a base seed (e.g. 'embedding', 'cell'). */
export function deriveSeed(seed: number, purpose: string): number {
  // FNV-1a over the purpose, mixed with the seed: different purposes give unrelated streams.
  let hash = 0x811c9dc5 ^ (Math.trunc(seed) >>> 0);
  for (let k = 0; k < purpose.length; k++) {
    hash ^= purpose.charCodeAt(k);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Standard normal samples (Box–Muller) drawn from `random`. */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
