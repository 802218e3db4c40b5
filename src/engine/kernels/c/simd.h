// What LSTM Lab's wasm kernels share (lstm_lm.c, probe_sweep.c): a bump allocator over the
// module's memory, the SIMD128 matrix products and the element-wise maths, four lanes at a time.
// Every function is static (marked unused: a kernel compiles in only what it uses) and none is
// `inline`: with the hint, clang inlined the products into every caller and V8's code for the
// whole LM ran ~40% slower (measured); the micro-kernels, the products and the LSTM step are
// kept out of line on purpose (small functions V8 compiles well; 5–10% faster than inlined).
#include <wasm_simd128.h>

extern unsigned char __heap_base;

static unsigned heap_used;

/** Forgets every buffer taken so far (the next take() starts at the heap's base). */
static __attribute__((unused)) void heap_reset(void) { heap_used = (unsigned)(unsigned long)&__heap_base; }

static __attribute__((unused)) int round_up(int n, int m) { return (n + m - 1) / m * m; }

static __attribute__((unused)) float *take(int floats) {
  unsigned start = (heap_used + 15u) & ~15u;
  heap_used = start + (unsigned)floats * 4u;
  unsigned pages_needed = (heap_used + 65535u) / 65536u;
  unsigned pages = (unsigned)__builtin_wasm_memory_size(0);
  if (pages_needed > pages && __builtin_wasm_memory_grow(0, pages_needed - pages) == (unsigned long)-1) return 0;
  return (float *)start;
}

static __attribute__((unused)) void zero(float *p, int n) {
  for (int k = 0; k < n; k++) p[k] = 0.f;
}

// ---- C (+)= A·B, A [M, K] (lda), B [K, N] (ldb), C [M, N] (ldc); M % 4 == 0, N % 8 == 0 ----

static __attribute__((unused, noinline)) void kernel_4x8(int K, const float *A, int lda, const float *Bm, int ldb, float *C, int ldc, int accumulate) {
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

// A constant right-hand operand packed in strips of 8 columns: strip j/8 holds B[k][j..j+7] for
// k = 0..K-1, contiguous (at j·K), so the micro-kernel streams it from L1. Element (k, j) of B
// is src[k·row_stride + j·col_stride] (a transpose is a swap of the strides).
static __attribute__((unused)) void pack_strips(int K, int N, const float *src, int row_stride, int col_stride, float *out) {
  for (int j = 0; j < N; j += 8)
    for (int k = 0; k < K; k++)
      for (int c = 0; c < 8; c++) out[j * K + k * 8 + c] = src[k * row_stride + (j + c) * col_stride];
}

// Rows of A per block: each strip of B serves a whole block of A's rows while both are in L1/L2.
#define M_BLOCK 64

/** C (+)= A·B, A [M, K] (lda), B [K, N] packed by pack_strips, C [M, N] (ldc). */
static __attribute__((unused, noinline)) void gemm_packed(int M, int N, int K, const float *A, int lda, const float *packed, float *C, int ldc, int accumulate) {
  for (int i0 = 0; i0 < M; i0 += M_BLOCK) {
    int i1 = M - i0 < M_BLOCK ? M : i0 + M_BLOCK;
    for (int j = 0; j < N; j += 8)
      for (int i = i0; i < i1; i += 4) kernel_4x8(K, A + i * lda, lda, packed + j * K, 8, C + i * ldc + j, ldc, accumulate);
  }
}

/** A 4×8 tile of C [M, N] = Aᵀ·B, A [K, M] (lda), B [K, N] (ldb): A's four columns are one load. */
static __attribute__((unused, noinline)) void kernel_tn_4x8(int K, const float *A, int lda, const float *Bm, int ldb, float *C, int ldc, int accumulate) {
  v128_t c00, c01, c10, c11, c20, c21, c30, c31;
  if (accumulate) {
    c00 = wasm_v128_load(C), c01 = wasm_v128_load(C + 4);
    c10 = wasm_v128_load(C + ldc), c11 = wasm_v128_load(C + ldc + 4);
    c20 = wasm_v128_load(C + 2 * ldc), c21 = wasm_v128_load(C + 2 * ldc + 4);
    c30 = wasm_v128_load(C + 3 * ldc), c31 = wasm_v128_load(C + 3 * ldc + 4);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.f);
  }
  for (int k = 0; k < K; k++) {
    const float *b = Bm + k * ldb;
    v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t a4 = wasm_v128_load(A + k * lda);
    v128_t a = wasm_i32x4_shuffle(a4, a4, 0, 0, 0, 0);
    c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(a, b0)), c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(a, b1));
    a = wasm_i32x4_shuffle(a4, a4, 1, 1, 1, 1);
    c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(a, b0)), c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(a, b1));
    a = wasm_i32x4_shuffle(a4, a4, 2, 2, 2, 2);
    c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(a, b0)), c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(a, b1));
    a = wasm_i32x4_shuffle(a4, a4, 3, 3, 3, 3);
    c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(a, b0)), c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(a, b1));
  }
  wasm_v128_store(C, c00), wasm_v128_store(C + 4, c01);
  wasm_v128_store(C + ldc, c10), wasm_v128_store(C + ldc + 4, c11);
  wasm_v128_store(C + 2 * ldc, c20), wasm_v128_store(C + 2 * ldc + 4, c21);
  wasm_v128_store(C + 3 * ldc, c30), wasm_v128_store(C + 3 * ldc + 4, c31);
}

// Steps of K per block in the weight-gradient products.
#define K_BLOCK 256

/** Floats of scratch gemm_tn needs for a product with M rows. */
static __attribute__((unused)) int gemm_tn_scratch(int M) { return K_BLOCK * (M + 8); }

/**
 * C [M, N] = Aᵀ·B, A [K, M] (lda), B [K, N] (ldb): a weight's gradient, summed over the batch's
 * rows. A and B have long rows (a stride of 512 B or 2 KiB maps K rows onto a few cache sets), so
 * each K block of A is copied once into 4-column panels and each 8-column strip of B into a
 * contiguous strip: both then stream from L1/L2. `scratch` holds gemm_tn_scratch(M) floats.
 */
static __attribute__((unused, noinline)) void gemm_tn(int M, int N, int K, const float *A, int lda, const float *Bm, int ldb, float *C, int ldc, float *scratch) {
  float *panels = scratch, *strip = scratch + K_BLOCK * M;
  for (int k0 = 0; k0 < K; k0 += K_BLOCK) {
    int kc = K - k0 < K_BLOCK ? K - k0 : K_BLOCK;
    for (int i = 0; i < M; i += 4)
      for (int k = 0; k < kc; k++) wasm_v128_store(panels + i * kc + k * 4, wasm_v128_load(A + (k0 + k) * lda + i));
    for (int j = 0; j < N; j += 8) {
      for (int k = 0; k < kc; k++) {
        const float *b = Bm + (k0 + k) * ldb + j;
        wasm_v128_store(strip + k * 8, wasm_v128_load(b)), wasm_v128_store(strip + k * 8 + 4, wasm_v128_load(b + 4));
      }
      for (int i = 0; i < M; i += 4) kernel_tn_4x8(kc, panels + i * kc, 4, strip, 8, C + i * ldc + j, ldc, k0 > 0);
    }
  }
}

// ---- element-wise maths, four lanes at a time ----

// exp(x) (Cephes expf): 2^n · p(r), x = n ln2 + r, |r| ≤ ln2/2; relative error ≈ 1e-7.
static __attribute__((unused)) v128_t exp4(v128_t x) {
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

static __attribute__((unused)) v128_t sigmoid4(v128_t x) {
  v128_t one = wasm_f32x4_splat(1.f);
  return wasm_f32x4_div(one, wasm_f32x4_add(one, exp4(wasm_f32x4_neg(x))));
}

// tanh(x) = 1 − 2 / (e^{2x} + 1): exact at the saturated ends.
static __attribute__((unused)) v128_t tanh4(v128_t x) {
  v128_t one = wasm_f32x4_splat(1.f);
  v128_t e = exp4(wasm_f32x4_add(x, x));
  return wasm_f32x4_sub(one, wasm_f32x4_div(wasm_f32x4_splat(2.f), wasm_f32x4_add(e, one)));
}

// ---- the LSTM step ----

/**
 * One LSTM step over `rows` rows: the gate pre-activations z [rows, 4·Hp] (blocks i | f | g | o)
 * become the activations, in place; c, tanh(c) and h [rows, Hp] are written. c_prev is 0 at the
 * first step (c_0 = 0). Without a forget gate, c = c_prev + i·g.
 */
static __attribute__((unused, noinline)) void lstm_cell_rows(int rows, int Hp, int forget_gate, float *z, const float *c_prev, float *c_out, float *tc_out, float *h_out) {
  v128_t one = wasm_f32x4_splat(1.f);
  for (int b = 0; b < rows; b++, z += 4 * Hp, c_out += Hp, tc_out += Hp, h_out += Hp) {
    for (int j = 0; j < Hp; j += 4) {
      v128_t i = sigmoid4(wasm_v128_load(z + j));
      v128_t f = forget_gate ? sigmoid4(wasm_v128_load(z + Hp + j)) : one;
      v128_t g = tanh4(wasm_v128_load(z + 2 * Hp + j));
      v128_t o = sigmoid4(wasm_v128_load(z + 3 * Hp + j));
      v128_t c = wasm_f32x4_mul(i, g);
      if (c_prev) c = wasm_f32x4_add(c, wasm_f32x4_mul(f, wasm_v128_load(c_prev + b * Hp + j)));
      v128_t tc = tanh4(c);
      wasm_v128_store(z + j, i), wasm_v128_store(z + Hp + j, f), wasm_v128_store(z + 2 * Hp + j, g), wasm_v128_store(z + 3 * Hp + j, o);
      wasm_v128_store(c_out + j, c), wasm_v128_store(tc_out + j, tc), wasm_v128_store(h_out + j, wasm_f32x4_mul(o, tc));
    }
  }
}
