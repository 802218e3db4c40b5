// The gradient probe's sweep (see src/engine/fast/probe-fast.ts for the method) for the LSTM
// (with or without forget gate) and the tanh RNN, in WebAssembly SIMD128:
//
//   loss_t = Σ_{b,j} |h_t[b, j]|,   norm_t = ‖∂loss_t / ∂h_0‖₂,   h_0 = 0 shared over the batch.
//
// One forward pass keeps the activations; one backward sweep then carries the cotangents of
// every target t at once: at step k the stack holds one [B, H] cotangent per target t ≥ k, all
// pushed through step k together. Instances b are independent until the end, where
// ∂loss_t/∂h_0 = Σ_b ∂loss_t/∂h_0[b]: threads split the batch, each instance of this kernel
// returns its instances' sums (probe_sums) and the caller adds them and takes the norms.
// Layout of the forward pass as in lstm_lm.c: rows
// time-major (t·Bp + b), widths padded to multiples of 8, batch to a multiple of 4, padded
// weights zero; the stack's rows are q·Bp + b for target block q. Padded rows and units get zero
// seeds, so they carry nothing. Inputs cross the boundary unpadded, in the fused layouts:
//   x [B, steps, E] · weight_ih [E, G] · weight_hh [H, G] · bias [G]   (LSTM: G = 4H, i | f | g | o; RNN: G = H)
//
// The LSTM's step back, per instance b, with the local derivatives of step s (δ_i = g·σ'(i),
// δ_f = c_{s−1}·σ'(f), δ_g = i·tanh'(g), δ_o = tanh(c)·σ'(o), all of instance b):
//   dc_total = dc + dh ⊙ o ⊙ tanh'(c)
//   dh_prev  = [dc_total·δ_i | dc_total·δ_f | dc_total·δ_g | dh·δ_o] · W_hhᵀ
//            = dc_total · M_c + dh · M_o,   M_c = diag(δ_i) W_iᵀ + diag(δ_f) W_fᵀ + diag(δ_g) W_gᵀ,  M_o = diag(δ_o) W_oᵀ
//   dc_prev  = dc_total ⊙ f   (no forget gate: dc_total)
// M_c and M_o ([H, H] each) are formed once per instance and step and serve every target: the
// product is [targets, 2H]·[2H, H] instead of [targets, 4H]·[4H, H], half the arithmetic. The
// RNN's step back is one product for every row: (dh ⊙ (1 − h_s²)) · W_hhᵀ.
#include "simd.h"

static int B, Bp, S, Sq, E, Ep, H, Hp, G, Gu, lstm, forget_gate;
// Unpadded inputs (what JS writes), and the sums over this batch (what JS reads).
static float *x_in, *wih_in, *whh_in, *bias_in;
static double *sums;
// Padded weights, packed right-hand operands, the tape.
static float *wih_p, *whh_p, *wih_pk, *whh_pk, *whh_t_pk, *x_rows, *acts, *cells, *tanh_cells, *hidden;
// The stack (dh, dc; room for every target block, rounded up to a multiple of 4), the product's
// left operand (the RNN's: every row; the LSTM's: one instance's rows, [dc_total | dh]) and
// right operand (the LSTM's [M_c; M_o] of one instance), and step s's local derivatives.
static float *dh, *dc, *into, *step_t_pk, *out_gate, *d_i, *d_f, *d_g, *d_o, *carry;
static int *block_target;

static int gate_blocks(void) { return lstm ? 4 : 1; }

/** Sizes the probe (family 0: LSTM, 1: tanh RNN). Returns 0, or -1 when memory cannot grow. */
__attribute__((export_name("probe_configure"))) int probe_configure(int family, int batch, int steps, int embedding, int hidden_size, int with_forget_gate) {
  lstm = family == 0, B = batch, S = steps, E = embedding, H = hidden_size, forget_gate = lstm && with_forget_gate;
  Bp = round_up(B, 4), Sq = round_up(S, 4), Ep = round_up(E, 8), Hp = round_up(H, 8), G = gate_blocks() * Hp, Gu = gate_blocks() * H;
  int rows = S * Bp, stack = Sq * Bp * Hp;
  heap_reset();
  x_in = take(B * S * E), wih_in = take(E * Gu), whh_in = take(H * Gu), bias_in = take(Gu);
  sums = (double *)take(2 * S * H);
  wih_p = take(Ep * G), whh_p = take(Hp * G), wih_pk = take(Ep * G), whh_pk = take(Hp * G), whh_t_pk = take(G * Hp);
  x_rows = take(rows * Ep), acts = take(rows * G), cells = take(rows * Hp), tanh_cells = take(rows * Hp), hidden = take((S + 1) * Bp * Hp);
  dh = take(stack), dc = take(stack), into = lstm ? take(Sq * 2 * Hp) : take(rows * Hp), step_t_pk = lstm ? take(2 * Hp * Hp) : 0;
  out_gate = take(Bp * Hp), d_i = take(Bp * Hp), d_f = take(Bp * Hp), d_g = take(Bp * Hp), d_o = take(Bp * Hp), carry = take(Bp * Hp);
  block_target = (int *)take(S);
  if (!block_target) return -1;
  // The LSTM's product runs on whole groups of 4 rows: rows past the active targets must be finite.
  if (lstm) zero(into, Sq * 2 * Hp);
  return 0;
}

__attribute__((export_name("probe_x"))) float *probe_x(void) { return x_in; }
__attribute__((export_name("probe_weight_ih"))) float *probe_weight_ih(void) { return wih_in; }
__attribute__((export_name("probe_weight_hh"))) float *probe_weight_hh(void) { return whh_in; }
__attribute__((export_name("probe_bias"))) float *probe_bias(void) { return bias_in; }
__attribute__((export_name("probe_sums"))) double *probe_sums(void) { return sums; }

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

/**
 * [M_c; M_o] of instance b (see the top), packed as pack_strips would pack it ([2Hp, Hp]: strip
 * r/8 at r·2Hp, row k at +8k), from W_hhᵀ packed the same way (row q·Hp + k is W_qᵀ's row k).
 */
static void lstm_step_matrix(int b) {
  const float *di = d_i + b * Hp, *df = d_f + b * Hp, *dg = d_g + b * Hp, *dout = d_o + b * Hp;
  for (int r = 0; r < Hp; r += 8) {
    const float *w = whh_t_pk + r * G;
    float *out = step_t_pk + r * 2 * Hp;
    for (int k = 0; k < Hp; k++) {
      const float *wi = w + k * 8, *wf = w + (Hp + k) * 8, *wg = w + (2 * Hp + k) * 8, *wo = w + (3 * Hp + k) * 8;
      v128_t si = wasm_f32x4_splat(di[k]), sg = wasm_f32x4_splat(dg[k]), so = wasm_f32x4_splat(dout[k]);
      v128_t c0 = wasm_f32x4_add(wasm_f32x4_mul(si, wasm_v128_load(wi)), wasm_f32x4_mul(sg, wasm_v128_load(wg)));
      v128_t c1 = wasm_f32x4_add(wasm_f32x4_mul(si, wasm_v128_load(wi + 4)), wasm_f32x4_mul(sg, wasm_v128_load(wg + 4)));
      if (forget_gate) {
        v128_t sf = wasm_f32x4_splat(df[k]);
        c0 = wasm_f32x4_add(c0, wasm_f32x4_mul(sf, wasm_v128_load(wf)));
        c1 = wasm_f32x4_add(c1, wasm_f32x4_mul(sf, wasm_v128_load(wf + 4)));
      }
      wasm_v128_store(out + k * 8, c0), wasm_v128_store(out + k * 8 + 4, c1);
      wasm_v128_store(out + (Hp + k) * 8, wasm_f32x4_mul(so, wasm_v128_load(wo)));
      wasm_v128_store(out + (Hp + k) * 8 + 4, wasm_f32x4_mul(so, wasm_v128_load(wo + 4)));
    }
  }
}

/** Instance b's active targets through step s: `into` row q = [dc_total | dh] of block q; dc carried to s − 1. */
static void lstm_rows_back(int b, int active) {
  const float *gate = out_gate + b * Hp, *keep = carry + b * Hp;
  for (int q = 0; q < active; q++) {
    int row = q * Bp + b;
    float *dh_row = dh + row * Hp, *dc_row = dc + row * Hp, *in = into + q * 2 * Hp;
    for (int j = 0; j < Hp; j += 4) {
      v128_t dh4 = wasm_v128_load(dh_row + j);
      v128_t dc_total = wasm_f32x4_add(wasm_v128_load(dc_row + j), wasm_f32x4_mul(dh4, wasm_v128_load(gate + j)));
      wasm_v128_store(in + j, dc_total), wasm_v128_store(in + Hp + j, dh4);
      wasm_v128_store(dc_row + j, wasm_f32x4_mul(dc_total, wasm_v128_load(keep + j)));
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

/** Every active target through step s: each block's dL/dh_s becomes its dL/dh_{s−1} (and dc). */
static void step_back(int s, int active) {
  if (!lstm) {
    rnn_step_back(s, active);
    gemm_packed(active * Bp, Hp, G, into, G, whh_t_pk, dh, Hp, 0);
    return;
  }
  lstm_local_factors(s);
  // Padded instances (b ≥ B) carry zeros: skip them. Rows past `active` (up to a multiple of 4)
  // are computed and ignored: their blocks are seeded afresh when they become active.
  for (int b = 0; b < B; b++) {
    lstm_rows_back(b, active), lstm_step_matrix(b);
    gemm_packed(round_up(active, 4), Hp, 2 * Hp, into, 2 * Hp, step_t_pk, dh + b * Hp, Bp * Hp, 0);
  }
}

static int active_blocks, next_step;

/** Starts the sweep on the inputs written at probe_x / probe_weight_* / probe_bias: unpacks, runs the forward pass. */
__attribute__((export_name("probe_start"))) void probe_start(void) {
  unpack_weights();
  forward();
  active_blocks = 0;
  next_step = S;
}

/**
 * Sweeps back through up to `count` more steps. Returns the steps still to go; at 0,
 * probe_sums holds Σ_b ∂loss_t/∂h_0[b, j] at [(t − 1)·H + j] (this batch's share of the gradient).
 */
__attribute__((export_name("probe_continue"))) int probe_continue(int count) {
  for (; count > 0 && next_step >= 1; count--, next_step--) {
    seed(active_blocks++, next_step);
    step_back(next_step - 1, active_blocks);
  }
  if (next_step > 0) return next_step;
  for (int q = 0; q < active_blocks; q++) {
    double *to = sums + (block_target[q] - 1) * H;
    for (int j = 0; j < H; j++) {
      double sum = 0;
      for (int b = 0; b < B; b++) sum += dh[(q * Bp + b) * Hp + j];
      to[j] = sum;
    }
  }
  return 0;
}
