// The character language model of fast-lstm (embedding → LSTM → linear → cross-entropy),
// forward and backward for one slice of a batch, in WebAssembly SIMD128. One instance
// serves one thread: the data-parallel trainer gives every thread its own instance and a
// slice of the batch, then sums the gradients.
//
// Layout: rows are time-major inside (row t·Bp + b), so every step's rows are contiguous.
// All widths are padded (E, H to multiples of 8, every gate block Hp wide, V to a
// multiple of 8, the slice's batch to a multiple of 4) so the matmul kernel has no edges;
// padded weights are zero, which keeps padded hidden units at exactly zero. Parameters
// and gradients cross the boundary unpadded, in the TF.js variables' own layouts:
//   embedding [V, E] · weight_ih [E, 4H] · weight_hh [H, 4H] · bias [4H] · out [H, V] · out bias [V]
// (gate columns i | f | g | o). Nothing is allocated during a run.
#include "simd.h"

__attribute__((import_module("env"), import_name("log"))) double js_log(double);

#define PADDING_ID 0

// Built with -DLM_PROFILE, the kernel calls env.mark(phase) between phases (for timing them).
#ifdef LM_PROFILE
__attribute__((import_module("env"), import_name("mark"))) void mark(int phase);
#define MARK(phase) mark(phase)
#else
#define MARK(phase)
#endif

static int B, Bp, T, E, Ep, H, Hp, V, Vp, forget_gate;

// Parameters and gradients, unpadded (what JS reads and writes).
static float *params, *grads;
static int *ids, *targets;
// Padded working copies of the weights, and the products' constant right-hand operands
// (the weights and their transposes) packed in strips (see pack_strips).
static float *emb_p, *wih_p, *whh_p, *bias_p, *wout_p, *bout_p;
static float *wih_pk, *whh_pk, *wout_pk, *whh_t_pk, *wih_t_pk, *wout_t_pk;
// The tape: inputs, gates (then their gradients, in place), cells, tanh(cells), hidden states.
static float *gates, *cells, *tanh_cells, *hidden, *logits, *d_hidden;
// The embedding feeds only W_ih, so x_t·W_ih is row ids[t] of emb·W_ih (emb_proj, V rows instead
// of T·B), and the gradients of emb and W_ih come from d_by_id: dG summed over the rows of each id.
static float *emb_proj, *d_by_id;
static float *tn_scratch; // gemm_tn's panels
static float *d_wih, *d_whh, *d_bias, *d_wout, *d_bout, *d_emb, *dh_next, *dc_next;

// ---- set-up ----

/** Sizes one slice: B rows of T steps. Returns 0, or -1 when memory cannot grow. */
__attribute__((export_name("lm_configure"))) int lm_configure(int batch, int steps, int embedding, int hidden_size, int vocab, int with_forget_gate) {
  B = batch, T = steps, E = embedding, H = hidden_size, V = vocab, forget_gate = with_forget_gate;
  Bp = round_up(B, 4), Ep = round_up(E, 8), Hp = round_up(H, 8), Vp = round_up(V, 8);
  int G = 4 * Hp, rows = T * Bp;
  int param_count = V * E + E * 4 * H + H * 4 * H + 4 * H + H * V + V;
  heap_reset();
  params = take(param_count), grads = take(param_count);
  ids = (int *)take(B * T), targets = (int *)take(B * T);
  emb_p = take(Vp * Ep), wih_p = take(Ep * G), whh_p = take(Hp * G), bias_p = take(G), wout_p = take(Hp * Vp), bout_p = take(Vp);
  wih_pk = take(Ep * G), whh_pk = take(Hp * G), wout_pk = take(Hp * Vp), whh_t_pk = take(G * Hp), wih_t_pk = take(G * Ep), wout_t_pk = take(Vp * Hp);
  emb_proj = take(Vp * G), d_by_id = take(Vp * G), gates = take(rows * G), cells = take(rows * Hp), tanh_cells = take(rows * Hp);
  hidden = take((T + 1) * Bp * Hp), logits = take(rows * Vp), d_hidden = take(rows * Hp);
  d_wih = take(Ep * G), d_whh = take(Hp * G), d_bias = take(G), d_wout = take(Hp * Vp), d_bout = take(Vp), d_emb = take(Vp * Ep);
  dh_next = take(Bp * Hp), dc_next = take(Bp * Hp);
  tn_scratch = take(gemm_tn_scratch(Hp > Ep ? Hp : Ep));
  return dc_next ? 0 : -1;
}

__attribute__((export_name("lm_params"))) float *lm_params(void) { return params; }
__attribute__((export_name("lm_grads"))) float *lm_grads(void) { return grads; }
__attribute__((export_name("lm_ids"))) int *lm_ids(void) { return ids; }
__attribute__((export_name("lm_targets"))) int *lm_targets(void) { return targets; }

/** Copies the unpadded parameters into the padded working layouts (zeros elsewhere). */
static void unpack_params(void) {
  const float *p = params;
  int G = 4 * Hp;
  zero(emb_p, Vp * Ep), zero(wih_p, Ep * G), zero(whh_p, Hp * G), zero(bias_p, G), zero(wout_p, Hp * Vp), zero(bout_p, Vp);
  for (int v = 0; v < V; v++)
    for (int e = 0; e < E; e++) emb_p[v * Ep + e] = *p++;
  for (int e = 0; e < E; e++)
    for (int q = 0; q < 4; q++)
      for (int j = 0; j < H; j++) wih_p[e * G + q * Hp + j] = *p++;
  for (int r = 0; r < H; r++)
    for (int q = 0; q < 4; q++)
      for (int j = 0; j < H; j++) whh_p[r * G + q * Hp + j] = *p++;
  for (int q = 0; q < 4; q++)
    for (int j = 0; j < H; j++) bias_p[q * Hp + j] = *p++;
  for (int r = 0; r < H; r++)
    for (int v = 0; v < V; v++) wout_p[r * Vp + v] = *p++;
  for (int v = 0; v < V; v++) bout_p[v] = *p++;
  pack_strips(Ep, G, wih_p, G, 1, wih_pk), pack_strips(Hp, G, whh_p, G, 1, whh_pk), pack_strips(Hp, Vp, wout_p, Vp, 1, wout_pk);
  pack_strips(G, Hp, whh_p, 1, G, whh_t_pk), pack_strips(G, Ep, wih_p, 1, G, wih_t_pk), pack_strips(Vp, Hp, wout_p, 1, Vp, wout_t_pk);
}

/** The gradients' padded layouts back to the unpadded parameter layout. */
static void pack_grads(void) {
  float *g = grads;
  int G = 4 * Hp;
  for (int v = 0; v < V; v++)
    for (int e = 0; e < E; e++) *g++ = d_emb[v * Ep + e];
  for (int e = 0; e < E; e++)
    for (int q = 0; q < 4; q++)
      for (int j = 0; j < H; j++) *g++ = d_wih[e * G + q * Hp + j];
  for (int r = 0; r < H; r++)
    for (int q = 0; q < 4; q++)
      for (int j = 0; j < H; j++) *g++ = d_whh[r * G + q * Hp + j];
  for (int q = 0; q < 4; q++)
    for (int j = 0; j < H; j++) *g++ = d_bias[q * Hp + j];
  for (int r = 0; r < H; r++)
    for (int v = 0; v < V; v++) *g++ = d_wout[r * Vp + v];
  for (int v = 0; v < V; v++) *g++ = d_bout[v];
}

// ---- forward ----

/** One step's gates → activations in place; c_t, tanh(c_t), h_t. */
static void lstm_cell(int t) {
  lstm_cell_rows(Bp, Hp, forget_gate, gates + t * Bp * 4 * Hp, t > 0 ? cells + (t - 1) * Bp * Hp : 0, cells + t * Bp * Hp, tanh_cells + t * Bp * Hp, hidden + (t + 1) * Bp * Hp);
}

static void forward_lstm(void) {
  int G = 4 * Hp;
  for (int v = 0; v < Vp; v++)
    for (int k = 0; k < G; k++) emb_proj[v * G + k] = bias_p[k];
  gemm_packed(Vp, G, Ep, emb_p, Ep, wih_pk, emb_proj, G, 1);
  for (int t = 0; t < T; t++)
    for (int b = 0; b < Bp; b++) { // a padding row (b ≥ B) sees x = 0: its gates start at the bias
      const float *from = b < B ? emb_proj + ids[b * T + t] * G : bias_p;
      float *to = gates + (t * Bp + b) * G;
      for (int k = 0; k < G; k += 4) wasm_v128_store(to + k, wasm_v128_load(from + k));
    }
  MARK(1);
  zero(hidden, Bp * Hp); // h_0 = 0
  for (int t = 0; t < T; t++) {
    if (t > 0) gemm_packed(Bp, G, Hp, hidden + t * Bp * Hp, Hp, whh_pk, gates + t * Bp * G, G, 1);
    lstm_cell(t);
  }
}

/** Logits, then Σ −log p(target) over the non-padding targets; d_logits (scaled) in place when asked. */
static double loss_and_d_logits(float scale, int backward) {
  int rows = T * Bp;
  for (int r = 0; r < rows; r++)
    for (int v = 0; v < Vp; v++) logits[r * Vp + v] = bout_p[v];
  MARK(2);
  gemm_packed(rows, Vp, Hp, hidden + Bp * Hp, Hp, wout_pk, logits, Vp, 1);
  MARK(3);
  double loss = 0;
  for (int t = 0; t < T; t++)
    for (int b = 0; b < Bp; b++) {
      float *l = logits + (t * Bp + b) * Vp;
      int y = b < B ? targets[b * T + t] : PADDING_ID;
      if (y == PADDING_ID) {
        zero(l, Vp);
        continue;
      }
      float m = l[0];
      for (int v = 1; v < V; v++) m = l[v] > m ? l[v] : m;
      float logit_y = l[y];
      v128_t m4 = wasm_f32x4_splat(m);
      for (int v = 0; v < Vp; v += 4) wasm_v128_store(l + v, exp4(wasm_f32x4_sub(wasm_v128_load(l + v), m4)));
      float sum = 0.f;
      for (int v = 0; v < V; v++) sum += l[v];
      for (int v = V; v < Vp; v++) l[v] = 0.f; // padded columns are not in the softmax
      loss -= (double)(logit_y - m) - js_log((double)sum);
      if (backward) {
        float k = scale / sum;
        for (int v = 0; v < Vp; v++) l[v] *= k;
        l[y] -= scale;
      }
    }
  return loss;
}

// ---- backward ----

/** One step back: d gates (over the activations, in place) and the cell gradient carried to t − 1. */
static void lstm_cell_backward(int t) {
  int G = 4 * Hp;
  v128_t one = wasm_f32x4_splat(1.f);
  for (int b = 0; b < Bp; b++) {
    float *z = gates + (t * Bp + b) * G;
    const float *c_prev = t > 0 ? cells + ((t - 1) * Bp + b) * Hp : 0;
    const float *tc_row = tanh_cells + (t * Bp + b) * Hp, *dy = d_hidden + (t * Bp + b) * Hp;
    float *dh_row = dh_next + b * Hp, *dc_row = dc_next + b * Hp;
    float *by_id = d_by_id + (b < B ? ids[b * T + t] : V) * G; // padding rows (dG = 0) add to the unused row V
    for (int j = 0; j < Hp; j += 4) {
      v128_t i = wasm_v128_load(z + j), f = wasm_v128_load(z + Hp + j), g = wasm_v128_load(z + 2 * Hp + j), o = wasm_v128_load(z + 3 * Hp + j);
      v128_t tc = wasm_v128_load(tc_row + j);
      v128_t dh = wasm_f32x4_add(wasm_v128_load(dy + j), wasm_v128_load(dh_row + j));
      v128_t dc = wasm_f32x4_add(wasm_v128_load(dc_row + j), wasm_f32x4_mul(wasm_f32x4_mul(dh, o), wasm_f32x4_sub(one, wasm_f32x4_mul(tc, tc))));
      v128_t d_o = wasm_f32x4_mul(wasm_f32x4_mul(dh, tc), wasm_f32x4_mul(o, wasm_f32x4_sub(one, o)));
      v128_t d_i = wasm_f32x4_mul(wasm_f32x4_mul(dc, g), wasm_f32x4_mul(i, wasm_f32x4_sub(one, i)));
      v128_t d_g = wasm_f32x4_mul(wasm_f32x4_mul(dc, i), wasm_f32x4_sub(one, wasm_f32x4_mul(g, g)));
      v128_t d_f = wasm_f32x4_splat(0.f);
      if (forget_gate && c_prev) d_f = wasm_f32x4_mul(wasm_f32x4_mul(dc, wasm_v128_load(c_prev + j)), wasm_f32x4_mul(f, wasm_f32x4_sub(one, f)));
      wasm_v128_store(dc_row + j, forget_gate ? wasm_f32x4_mul(dc, f) : dc);
      wasm_v128_store(z + j, d_i), wasm_v128_store(z + Hp + j, d_f), wasm_v128_store(z + 2 * Hp + j, d_g), wasm_v128_store(z + 3 * Hp + j, d_o);
      wasm_v128_store(by_id + j, wasm_f32x4_add(wasm_v128_load(by_id + j), d_i));
      wasm_v128_store(by_id + Hp + j, wasm_f32x4_add(wasm_v128_load(by_id + Hp + j), d_f));
      wasm_v128_store(by_id + 2 * Hp + j, wasm_f32x4_add(wasm_v128_load(by_id + 2 * Hp + j), d_g));
      wasm_v128_store(by_id + 3 * Hp + j, wasm_f32x4_add(wasm_v128_load(by_id + 3 * Hp + j), d_o));
    }
  }
}

static void backward(void) {
  int G = 4 * Hp, rows = T * Bp;
  // Output layer: d_wout = Hsᵀ d_logits, d_bout = Σ d_logits, d_hidden = d_logits W_outᵀ.
  gemm_tn(Hp, Vp, rows, hidden + Bp * Hp, Hp, logits, Vp, d_wout, Vp, tn_scratch);
  zero(d_bout, Vp);
  for (int r = 0; r < rows; r++)
    for (int v = 0; v < Vp; v++) d_bout[v] += logits[r * Vp + v];
  gemm_packed(rows, Hp, Vp, logits, Vp, wout_t_pk, d_hidden, Hp, 0);
  MARK(5);
  // Through time.
  zero(dh_next, Bp * Hp), zero(dc_next, Bp * Hp), zero(d_by_id, Vp * G);
  for (int t = T - 1; t >= 0; t--) {
    lstm_cell_backward(t);
    if (t > 0) gemm_packed(Bp, Hp, G, gates + t * Bp * G, G, whh_t_pk, dh_next, Hp, 0);
  }
  MARK(6);
  // Weights: d_whh = H_prevᵀ dG.
  gemm_tn(Hp, G, rows, hidden, Hp, gates, G, d_whh, G, tn_scratch);
  MARK(7);
  // Through the embedding (x = emb[id]): d_wih = Σ_rows x_rowᵀ dG_row = embᵀ d_by_id,
  // d_emb = d_by_id W_ihᵀ, d_bias = Σ_rows dG_row = Σ_ids d_by_id.
  gemm_tn(Ep, G, Vp, emb_p, Ep, d_by_id, G, d_wih, G, tn_scratch);
  MARK(8);
  gemm_packed(Vp, Ep, G, d_by_id, G, wih_t_pk, d_emb, Ep, 0);
  zero(d_bias, G);
  for (int v = 0; v < Vp; v++)
    for (int k = 0; k < G; k++) d_bias[k] += d_by_id[v * G + k];
}

/**
 * Runs the slice held in lm_ids/lm_targets with the parameters in lm_params. Returns
 * Σ −log p(target) over its non-padding targets. With backward set, lm_grads receives
 * `scale` × the gradient of that sum (scale = 1 / the whole batch's target count gives
 * this slice's share of the mean loss's gradient).
 */
__attribute__((export_name("lm_run"))) double lm_run(float scale, int with_backward) {
  unpack_params();
  forward_lstm();
  double loss = loss_and_d_logits(scale, with_backward);
  MARK(4);
  if (with_backward) {
    backward();
    MARK(9);
    pack_grads();
  }
  return loss;
}
