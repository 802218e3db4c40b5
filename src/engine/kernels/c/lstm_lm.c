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
#include <wasm_simd128.h>

__attribute__((import_module("env"), import_name("log"))) double js_log(double);

extern unsigned char __heap_base;

#define PADDING_ID 0

// Built with -DLM_PROFILE, the kernel calls env.mark(phase) between phases (for timing them).
#ifdef LM_PROFILE
__attribute__((import_module("env"), import_name("mark"))) void mark(int phase);
#define MARK(phase) mark(phase)
#else
#define MARK(phase)
#endif

static int B, Bp, T, E, Ep, H, Hp, V, Vp, forget_gate;
static unsigned heap_used;

// Parameters and gradients, unpadded (what JS reads and writes).
static float *params, *grads;
static int *ids, *targets;
// Padded working copies of the weights and their transposes.
static float *emb_p, *wih_p, *whh_p, *bias_p, *wout_p, *bout_p, *whh_t, *wih_t, *wout_t;
// The tape: inputs, gates (then their gradients, in place), cells, tanh(cells), hidden states.
static float *x_rows, *gates, *cells, *tanh_cells, *hidden, *logits, *d_hidden, *scratch;
static float *d_wih, *d_whh, *d_bias, *d_wout, *d_bout, *d_x, *dh_next, *dc_next;

static int round_up(int n, int m) { return (n + m - 1) / m * m; }

static float *take(int floats) {
  unsigned start = (heap_used + 15u) & ~15u;
  heap_used = start + (unsigned)floats * 4u;
  unsigned pages_needed = (heap_used + 65535u) / 65536u;
  unsigned pages = (unsigned)__builtin_wasm_memory_size(0);
  if (pages_needed > pages && __builtin_wasm_memory_grow(0, pages_needed - pages) == (unsigned long)-1) return 0;
  return (float *)start;
}

static void zero(float *p, int n) {
  for (int k = 0; k < n; k++) p[k] = 0.f;
}

// ---- C (+)= A·B, A [M, K] (lda), B [K, N] (ldb), C [M, N] (ldc); M % 4 == 0, N % 8 == 0 ----

static void kernel_4x8(int K, const float *A, int lda, const float *Bm, int ldb, float *C, int ldc, int accumulate) {
  v128_t c00, c01, c10, c11, c20, c21, c30, c31;
  if (accumulate) {
    c00 = wasm_v128_load(C), c01 = wasm_v128_load(C + 4);
    c10 = wasm_v128_load(C + ldc), c11 = wasm_v128_load(C + ldc + 4);
    c20 = wasm_v128_load(C + 2 * ldc), c21 = wasm_v128_load(C + 2 * ldc + 4);
    c30 = wasm_v128_load(C + 3 * ldc), c31 = wasm_v128_load(C + 3 * ldc + 4);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.f);
  }
  const float *a0 = A, *a1 = A + lda, *a2 = A + 2 * lda, *a3 = A + 3 * lda;
  for (int k = 0; k < K; k++) {
    const float *b = Bm + k * ldb;
    v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t a = wasm_v128_load32_splat(a0 + k);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, b0)), c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a1 + k);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a, b0)), c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a2 + k);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a, b0)), c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a, b1));
    a = wasm_v128_load32_splat(a3 + k);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a, b0)), c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a, b1));
  }
  wasm_v128_store(C, c00), wasm_v128_store(C + 4, c01);
  wasm_v128_store(C + ldc, c10), wasm_v128_store(C + ldc + 4, c11);
  wasm_v128_store(C + 2 * ldc, c20), wasm_v128_store(C + 2 * ldc + 4, c21);
  wasm_v128_store(C + 3 * ldc, c30), wasm_v128_store(C + 3 * ldc + 4, c31);
}

// Blocks of K keep the panel of B being swept in the core's L2.
#define K_BLOCK 256

static void gemm(int M, int N, int K, const float *A, int lda, const float *Bm, int ldb, float *C, int ldc, int accumulate) {
  for (int k0 = 0; k0 < K; k0 += K_BLOCK) {
    int kc = K - k0 < K_BLOCK ? K - k0 : K_BLOCK;
    int acc = accumulate || k0 > 0;
    for (int i = 0; i < M; i += 4)
      for (int j = 0; j < N; j += 8) kernel_4x8(kc, A + i * lda + k0, lda, Bm + k0 * ldb + j, ldb, C + i * ldc + j, ldc, acc);
  }
}

/** out [cols, rows] = inᵀ, in [rows, cols] with leading dimension ld_in. */
static void transpose(int rows, int cols, const float *in, int ld_in, float *out, int ld_out) {
  for (int r0 = 0; r0 < rows; r0 += 8)
    for (int c = 0; c < cols; c++)
      for (int r = r0; r < r0 + 8 && r < rows; r++) out[c * ld_out + r] = in[r * ld_in + c];
}

// ---- element-wise maths, four lanes at a time ----

// exp(x) (Cephes expf): 2^n · p(r), x = n ln2 + r, |r| ≤ ln2/2; relative error ≈ 1e-7.
static v128_t exp4(v128_t x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-87.0f)), wasm_f32x4_splat(88.0f));
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), wasm_f32x4_splat(1.f));
  // 2^n for n in [-126, 127]: put n + 127 in the exponent field.
  v128_t two_n = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(n), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, two_n);
}

static v128_t sigmoid4(v128_t x) {
  v128_t one = wasm_f32x4_splat(1.f);
  return wasm_f32x4_div(one, wasm_f32x4_add(one, exp4(wasm_f32x4_neg(x))));
}

// tanh(x) = 1 − 2 / (e^{2x} + 1): exact at the saturated ends.
static v128_t tanh4(v128_t x) {
  v128_t one = wasm_f32x4_splat(1.f);
  v128_t e = exp4(wasm_f32x4_add(x, x));
  return wasm_f32x4_sub(one, wasm_f32x4_div(wasm_f32x4_splat(2.f), wasm_f32x4_add(e, one)));
}

// ---- set-up ----

/** Sizes one slice: B rows of T steps. Returns 0, or -1 when memory cannot grow. */
__attribute__((export_name("lm_configure"))) int lm_configure(int batch, int steps, int embedding, int hidden_size, int vocab, int with_forget_gate) {
  B = batch, T = steps, E = embedding, H = hidden_size, V = vocab, forget_gate = with_forget_gate;
  Bp = round_up(B, 4), Ep = round_up(E, 8), Hp = round_up(H, 8), Vp = round_up(V, 8);
  int G = 4 * Hp, rows = T * Bp;
  int param_count = V * E + E * 4 * H + H * 4 * H + 4 * H + H * V + V;
  heap_used = (unsigned)(unsigned long)&__heap_base;
  params = take(param_count), grads = take(param_count);
  ids = (int *)take(B * T), targets = (int *)take(B * T);
  emb_p = take(V * Ep), wih_p = take(Ep * G), whh_p = take(Hp * G), bias_p = take(G), wout_p = take(Hp * Vp), bout_p = take(Vp);
  whh_t = take(G * Hp), wih_t = take(G * Ep), wout_t = take(Vp * Hp);
  x_rows = take(rows * Ep), gates = take(rows * G), cells = take(rows * Hp), tanh_cells = take(rows * Hp);
  hidden = take((T + 1) * Bp * Hp), logits = take(rows * Vp), d_hidden = take(rows * Hp);
  int scratch_floats = (Hp > Ep ? Hp : Ep) * (T + 1) * Bp;
  scratch = take(scratch_floats > rows * Ep ? scratch_floats : rows * Ep);
  d_wih = take(Ep * G), d_whh = take(Hp * G), d_bias = take(G), d_wout = take(Hp * Vp), d_bout = take(Vp), d_x = take(V * Ep);
  dh_next = take(Bp * Hp), dc_next = take(Bp * Hp);
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
  zero(emb_p, V * Ep), zero(wih_p, Ep * G), zero(whh_p, Hp * G), zero(bias_p, G), zero(wout_p, Hp * Vp), zero(bout_p, Vp);
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
  transpose(Hp, G, whh_p, G, whh_t, Hp);
  transpose(Ep, G, wih_p, G, wih_t, Ep);
  transpose(Hp, Vp, wout_p, Vp, wout_t, Hp);
}

/** The gradients' padded layouts back to the unpadded parameter layout. */
static void pack_grads(void) {
  float *g = grads;
  int G = 4 * Hp;
  for (int v = 0; v < V; v++)
    for (int e = 0; e < E; e++) *g++ = d_x[v * Ep + e];
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
  int G = 4 * Hp;
  v128_t one = wasm_f32x4_splat(1.f);
  for (int b = 0; b < Bp; b++) {
    float *z = gates + (t * Bp + b) * G;
    const float *c_prev = t > 0 ? cells + ((t - 1) * Bp + b) * Hp : 0;
    float *c_out = cells + (t * Bp + b) * Hp, *tc_out = tanh_cells + (t * Bp + b) * Hp;
    float *h_out = hidden + ((t + 1) * Bp + b) * Hp;
    for (int j = 0; j < Hp; j += 4) {
      v128_t i = sigmoid4(wasm_v128_load(z + j));
      v128_t f = forget_gate ? sigmoid4(wasm_v128_load(z + Hp + j)) : one;
      v128_t g = tanh4(wasm_v128_load(z + 2 * Hp + j));
      v128_t o = sigmoid4(wasm_v128_load(z + 3 * Hp + j));
      v128_t c = wasm_f32x4_mul(i, g);
      if (c_prev) c = wasm_f32x4_add(c, wasm_f32x4_mul(f, wasm_v128_load(c_prev + j)));
      v128_t tc = tanh4(c);
      wasm_v128_store(z + j, i), wasm_v128_store(z + Hp + j, f), wasm_v128_store(z + 2 * Hp + j, g), wasm_v128_store(z + 3 * Hp + j, o);
      wasm_v128_store(c_out + j, c), wasm_v128_store(tc_out + j, tc), wasm_v128_store(h_out + j, wasm_f32x4_mul(o, tc));
    }
  }
}

static void forward_lstm(void) {
  int G = 4 * Hp, rows = T * Bp;
  zero(x_rows, rows * Ep);
  for (int t = 0; t < T; t++)
    for (int b = 0; b < B; b++) {
      const float *e = emb_p + ids[b * T + t] * Ep;
      float *x = x_rows + (t * Bp + b) * Ep;
      for (int k = 0; k < Ep; k++) x[k] = e[k];
    }
  for (int r = 0; r < rows; r++)
    for (int k = 0; k < G; k++) gates[r * G + k] = bias_p[k];
  gemm(rows, G, Ep, x_rows, Ep, wih_p, G, gates, G, 1);
  MARK(1);
  zero(hidden, Bp * Hp); // h_0 = 0
  for (int t = 0; t < T; t++) {
    if (t > 0) gemm(Bp, G, Hp, hidden + t * Bp * Hp, Hp, whh_p, G, gates + t * Bp * G, G, 1);
    lstm_cell(t);
  }
}

/** Logits, then Σ −log p(target) over the non-padding targets; d_logits (scaled) in place when asked. */
static double loss_and_d_logits(float scale, int backward) {
  int rows = T * Bp;
  for (int r = 0; r < rows; r++)
    for (int v = 0; v < Vp; v++) logits[r * Vp + v] = bout_p[v];
  MARK(2);
  gemm(rows, Vp, Hp, hidden + Bp * Hp, Hp, wout_p, Vp, logits, Vp, 1);
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
    }
  }
}

static void backward(void) {
  int G = 4 * Hp, rows = T * Bp, hidden_rows = (T + 1) * Bp;
  // Output layer: d_wout = Hsᵀ d_logits, d_bout = Σ d_logits, d_hidden = d_logits W_outᵀ.
  transpose(hidden_rows, Hp, hidden, Hp, scratch, hidden_rows); // hiddenᵀ [Hp, (T+1)·Bp]
  gemm(Hp, Vp, rows, scratch + Bp, hidden_rows, logits, Vp, d_wout, Vp, 0);
  zero(d_bout, Vp);
  for (int r = 0; r < rows; r++)
    for (int v = 0; v < Vp; v++) d_bout[v] += logits[r * Vp + v];
  gemm(rows, Hp, Vp, logits, Vp, wout_t, Hp, d_hidden, Hp, 0);
  MARK(5);
  // Through time.
  zero(dh_next, Bp * Hp), zero(dc_next, Bp * Hp);
  for (int t = T - 1; t >= 0; t--) {
    lstm_cell_backward(t);
    if (t > 0) gemm(Bp, Hp, G, gates + t * Bp * G, G, whh_t, Hp, dh_next, Hp, 0);
  }
  MARK(6);
  // Weights: d_whh = H_prevᵀ dG (hiddenᵀ is still in scratch), d_bias = Σ dG.
  gemm(Hp, G, rows, scratch, hidden_rows, gates, G, d_whh, G, 0);
  zero(d_bias, G);
  for (int r = 0; r < rows; r++)
    for (int k = 0; k < G; k++) d_bias[k] += gates[r * G + k];
  MARK(7);
  transpose(rows, Ep, x_rows, Ep, scratch, rows); // xᵀ [Ep, T·Bp]
  gemm(Ep, G, rows, scratch, rows, gates, G, d_wih, G, 0);
  MARK(8);
  // Inputs: dx = dG W_ihᵀ, scattered onto the embedding rows they came from.
  gemm(rows, Ep, G, gates, G, wih_t, Ep, scratch, Ep, 0);
  zero(d_x, V * Ep);
  for (int t = 0; t < T; t++)
    for (int b = 0; b < B; b++) {
      float *d = d_x + ids[b * T + t] * Ep;
      const float *s = scratch + (t * Bp + b) * Ep;
      for (int k = 0; k < Ep; k++) d[k] += s[k];
    }
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
