// The gradient probe's sweep (see src/engine/fast/probe-fast.ts for the method) for the LSTM
// (with or without forget gate) and the tanh RNN, in WebAssembly SIMD128:
//
//   loss_t = Σ_{b,j} |h_t[b, j]|,   norm_t = ‖∂loss_t / ∂h_0‖₂,   h_0 = 0 shared over the batch.
//
// One forward pass keeps the activations; one backward sweep then carries the cotangents of
// every target t of this instance's share at once: at step k the stack holds one [B, H]
// cotangent per target t ≥ k, all pushed through step k together (one element-wise pass and
// one [targets·B, G]·[G, H] product). Targets are independent, so threads split them: this
// instance takes t = part + 1, part + 1 + parts, … (interleaved, so every share costs about the
// same). Layout as in lstm_lm.c: rows time-major (t·Bp + b), widths padded to multiples of 8,
// batch to a multiple of 4, padded weights zero; padded rows and units get zero seeds, so they
// carry nothing. Inputs cross the boundary unpadded, in the fused layouts:
//   x [B, steps, E] · weight_ih [E, G] · weight_hh [H, G] · bias [G]   (LSTM: G = 4H, i | f | g | o; RNN: G = H)
#include "simd.h"

static int B, Bp, S, E, Ep, H, Hp, G, Gu, lstm, forget_gate;
// Unpadded inputs (what JS writes), and the norms (what JS reads).
static float *x_in, *wih_in, *whh_in, *bias_in;
static double *norms;
// Padded weights, packed right-hand operands, the tape and the stack.
static float *wih_p, *whh_p, *wih_pk, *whh_pk, *whh_t_pk, *x_rows, *acts, *cells, *tanh_cells, *hidden;
static float *dh, *dc, *into, *out_gate, *d_i, *d_f, *d_g, *d_o, *carry;
static int *block_target;

static int gate_blocks(void) { return lstm ? 4 : 1; }

/** Sizes the probe (family 0: LSTM, 1: tanh RNN). Returns 0, or -1 when memory cannot grow. */
__attribute__((export_name("probe_configure"))) int probe_configure(int family, int batch, int steps, int embedding, int hidden_size, int with_forget_gate) {
  lstm = family == 0, B = batch, S = steps, E = embedding, H = hidden_size, forget_gate = lstm && with_forget_gate;
  Bp = round_up(B, 4), Ep = round_up(E, 8), Hp = round_up(H, 8), G = gate_blocks() * Hp, Gu = gate_blocks() * H;
  int rows = S * Bp;
  heap_reset();
  x_in = take(B * S * E), wih_in = take(E * Gu), whh_in = take(H * Gu), bias_in = take(Gu);
  norms = (double *)take(2 * S);
  wih_p = take(Ep * G), whh_p = take(Hp * G), wih_pk = take(Ep * G), whh_pk = take(Hp * G), whh_t_pk = take(G * Hp);
  x_rows = take(rows * Ep), acts = take(rows * G), cells = take(rows * Hp), tanh_cells = take(rows * Hp), hidden = take((S + 1) * Bp * Hp);
  dh = take(rows * Hp), dc = take(rows * Hp), into = take(rows * G);
  out_gate = take(Bp * Hp), d_i = take(Bp * Hp), d_f = take(Bp * Hp), d_g = take(Bp * Hp), d_o = take(Bp * Hp), carry = take(Bp * Hp);
  block_target = (int *)take(S);
  return block_target ? 0 : -1;
}

__attribute__((export_name("probe_x"))) float *probe_x(void) { return x_in; }
__attribute__((export_name("probe_weight_ih"))) float *probe_weight_ih(void) { return wih_in; }
__attribute__((export_name("probe_weight_hh"))) float *probe_weight_hh(void) { return whh_in; }
__attribute__((export_name("probe_bias"))) float *probe_bias(void) { return bias_in; }
__attribute__((export_name("probe_norms"))) double *probe_norms(void) { return norms; }

/** Unpadded fused weights → padded (gate block q of unit j at column q·Hp + j), packed. */
static void unpack_weights(void) {
  int blocks = gate_blocks();
  zero(wih_p, Ep * G), zero(whh_p, Hp * G);
  for (int e = 0; e < E; e++)
    for (int q = 0; q < blocks; q++)
      for (int j = 0; j < H; j++) wih_p[e * G + q * Hp + j] = wih_in[e * Gu + q * H + j];
  for (int r = 0; r < H; r++)
    for (int q = 0; q < blocks; q++)
      for (int j = 0; j < H; j++) whh_p[r * G + q * Hp + j] = whh_in[r * Gu + q * H + j];
  pack_strips(Ep, G, wih_p, G, 1, wih_pk), pack_strips(Hp, G, whh_p, G, 1, whh_pk), pack_strips(G, Hp, whh_p, 1, G, whh_t_pk);
}

/** h_1..h_S (and, for the LSTM, the gates and cells) from h_0 = c_0 = 0. */
static void forward(void) {
  int rows = S * Bp;
  zero(x_rows, rows * Ep);
  for (int t = 0; t < S; t++)
    for (int b = 0; b < B; b++)
      for (int e = 0; e < E; e++) x_rows[(t * Bp + b) * Ep + e] = x_in[(b * S + t) * E + e];
  for (int r = 0; r < rows; r++) {
    for (int q = 0; q < gate_blocks(); q++) {
      for (int j = 0; j < H; j++) acts[r * G + q * Hp + j] = bias_in[q * H + j];
      for (int j = H; j < Hp; j++) acts[r * G + q * Hp + j] = 0.f;
    }
  }
  gemm_packed(rows, G, Ep, x_rows, Ep, wih_pk, acts, G, 1);
  zero(hidden, Bp * Hp);
  for (int t = 0; t < S; t++) {
    float *z = acts + t * Bp * G, *h_out = hidden + (t + 1) * Bp * Hp;
    if (t > 0) gemm_packed(Bp, G, Hp, hidden + t * Bp * Hp, Hp, whh_pk, z, G, 1);
    if (lstm) {
      lstm_cell_rows(Bp, Hp, forget_gate, z, t > 0 ? cells + (t - 1) * Bp * Hp : 0, cells + t * Bp * Hp, tanh_cells + t * Bp * Hp, h_out);
    } else {
      for (int k = 0; k < Bp * Hp; k += 4) wasm_v128_store(h_out + k, tanh4(wasm_v128_load(z + k)));
    }
  }
}

/** Target t (1-based) enters the stack as block `block`: dloss_t/dh_t = sign(h_t) (−1 at 0, as TF.js's Abs), dc = 0. */
static void seed(int block, int t) {
  const float *h = hidden + t * Bp * Hp;
  float *to = dh + block * Bp * Hp;
  for (int b = 0; b < Bp; b++)
    for (int j = 0; j < Hp; j++) to[b * Hp + j] = b < B && j < H ? (h[b * Hp + j] > 0.f ? 1.f : -1.f) : 0.f;
  zero(dc + block * Bp * Hp, Bp * Hp);
  block_target[block] = t;
}

/** Step s's local derivatives, one per (b, j), shared by every target. */
static void lstm_local_factors(int s) {
  v128_t one = wasm_f32x4_splat(1.f), no = wasm_f32x4_splat(0.f);
  for (int b = 0; b < Bp; b++) {
    const float *z = acts + (s * Bp + b) * G, *tc_row = tanh_cells + (s * Bp + b) * Hp;
    const float *c_prev = s > 0 ? cells + ((s - 1) * Bp + b) * Hp : 0;
    for (int j = 0; j < Hp; j += 4) {
      int at = b * Hp + j;
      v128_t i = wasm_v128_load(z + j), f = wasm_v128_load(z + Hp + j), g = wasm_v128_load(z + 2 * Hp + j), o = wasm_v128_load(z + 3 * Hp + j);
      v128_t tc = wasm_v128_load(tc_row + j);
      wasm_v128_store(out_gate + at, wasm_f32x4_mul(o, wasm_f32x4_sub(one, wasm_f32x4_mul(tc, tc))));
      wasm_v128_store(d_o + at, wasm_f32x4_mul(tc, wasm_f32x4_mul(o, wasm_f32x4_sub(one, o))));
      wasm_v128_store(d_i + at, wasm_f32x4_mul(g, wasm_f32x4_mul(i, wasm_f32x4_sub(one, i))));
      wasm_v128_store(d_g + at, wasm_f32x4_mul(i, wasm_f32x4_sub(one, wasm_f32x4_mul(g, g))));
      v128_t df = forget_gate && c_prev ? wasm_f32x4_mul(wasm_v128_load(c_prev + j), wasm_f32x4_mul(f, wasm_f32x4_sub(one, f))) : no;
      wasm_v128_store(d_f + at, df);
      wasm_v128_store(carry + at, forget_gate ? f : one);
    }
  }
}

/** Every active target's cotangent through step s's gates into `into` (the product's input); dc carried to s − 1. */
static void lstm_step_back(int s, int active) {
  lstm_local_factors(s);
  for (int q = 0; q < active; q++)
    for (int b = 0; b < Bp; b++) {
      int row = q * Bp + b, local = b * Hp;
      float *dh_row = dh + row * Hp, *dc_row = dc + row * Hp, *in = into + row * G;
      for (int j = 0; j < Hp; j += 4) {
        v128_t dh4 = wasm_v128_load(dh_row + j);
        v128_t dc_total = wasm_f32x4_add(wasm_v128_load(dc_row + j), wasm_f32x4_mul(dh4, wasm_v128_load(out_gate + local + j)));
        wasm_v128_store(in + j, wasm_f32x4_mul(dc_total, wasm_v128_load(d_i + local + j)));
        wasm_v128_store(in + Hp + j, wasm_f32x4_mul(dc_total, wasm_v128_load(d_f + local + j)));
        wasm_v128_store(in + 2 * Hp + j, wasm_f32x4_mul(dc_total, wasm_v128_load(d_g + local + j)));
        wasm_v128_store(in + 3 * Hp + j, wasm_f32x4_mul(dh4, wasm_v128_load(d_o + local + j)));
        wasm_v128_store(dc_row + j, wasm_f32x4_mul(dc_total, wasm_v128_load(carry + local + j)));
      }
    }
}

/** The RNN: dL/d(pre-activation) = dh ⊙ (1 − h_s²). */
static void rnn_step_back(int s, int active) {
  v128_t one = wasm_f32x4_splat(1.f);
  const float *h = hidden + (s + 1) * Bp * Hp;
  for (int q = 0; q < active; q++)
    for (int k = 0; k < Bp * Hp; k += 4) {
      v128_t h4 = wasm_v128_load(h + k);
      wasm_v128_store(into + q * Bp * Hp + k, wasm_f32x4_mul(wasm_v128_load(dh + q * Bp * Hp + k), wasm_f32x4_sub(one, wasm_f32x4_mul(h4, h4))));
    }
}

static int share, shares, active_blocks, next_step;

/** True when target t (1-based) is this instance's. */
static int is_mine(int t) { return t - 1 >= share && (t - 1 - share) % shares == 0; }

/**
 * Starts this instance's share (targets part + 1, part + 1 + parts, … ≤ steps) on the inputs
 * written at probe_x / probe_weight_* / probe_bias: unpacks, runs the forward pass.
 */
__attribute__((export_name("probe_start"))) void probe_start(int part, int parts) {
  share = part, shares = parts;
  unpack_weights();
  forward();
  active_blocks = 0;
  next_step = S;
  for (int t = 0; t < S; t++) norms[t] = -1.0; // not this share's
  // The targets above this share's last one are never active: start there.
  while (next_step > 0 && !is_mine(next_step)) next_step--;
}

/**
 * Sweeps back through up to `count` more steps. Returns the steps still to go; at 0, the norms
 * of this share's targets are at probe_norms (norms[t − 1]; −1 for the other shares' targets).
 */
__attribute__((export_name("probe_continue"))) int probe_continue(int count) {
  for (; count > 0 && next_step >= 1; count--, next_step--) {
    int k = next_step, s = k - 1;
    if (is_mine(k)) seed(active_blocks++, k);
    if (lstm) lstm_step_back(s, active_blocks);
    else rnn_step_back(s, active_blocks);
    gemm_packed(active_blocks * Bp, Hp, G, into, G, whh_t_pk, dh, Hp, 0); // dL/dh_{k−1} for every active target
  }
  if (next_step > 0) return next_step;
  for (int q = 0; q < active_blocks; q++) {
    double squares = 0;
    for (int j = 0; j < H; j++) {
      double sum = 0;
      for (int b = 0; b < B; b++) sum += dh[(q * Bp + b) * Hp + j];
      squares += sum * sum;
    }
    norms[block_target[q] - 1] = __builtin_sqrt(squares);
  }
  return 0;
}
