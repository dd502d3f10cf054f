// Float element-wise and row kernels of the training step (declared in VectorKernels.h).
//
// Swift compiles for baseline x86-64, where its SIMD types become 4-wide SSE without fused
// multiply-add. These kernels are written once on 16-lane vectors (clang vector extensions)
// and compiled three times: an AVX-512 variant (one zmm register per vector), an AVX2
// variant (two ymm registers) and a baseline variant (four xmm registers). Each public
// function dispatches to the best variant the CPU runs (or to the one a thread chose with
// alab_vector_kernels_use_variant, which the tests use to run every variant).
//
// Results are bit-identical across the variants: the lane layout is the same in every one,
// so reductions add in the same order, and the file is compiled without floating-point
// contraction (FP_CONTRACT OFF below), so no variant fuses a·b + c into one rounding where
// another rounds twice. Without that pragma clang contracts within expressions by default
// and only the AVX2 and AVX-512 variants have an FMA instruction to contract into.
// A tail shorter than 16 goes through a padded vector whose unused lanes are masked out.
//
// The Double versions stay in Swift (gradient checks run in Double); the Swift Float code
// these replace is kept as the reference the tests compare against (VectorKernelTests).
#include "VectorKernels.h"

#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

#define VK_INLINE static inline __attribute__((always_inline))

// MARK: variants

#if defined(__x86_64__) && defined(__clang__)
#define VK_X86 1
// min_vector_width: clang's x86-64-v4 tuning prefers 256-bit vectors; the AVX-512 variant is
// meant to use zmm registers.
#define VK_TARGET_V4 __attribute__((target("arch=x86-64-v4"), min_vector_width(512)))
#define VK_TARGET_V3 __attribute__((target("arch=x86-64-v3")))
#else
#define VK_X86 0
#endif

/// The best variant this CPU runs, found once when the library loads.
static int vk_best = ALAB_VK_BASELINE;
/// A thread's own choice (alab_vector_kernels_use_variant), −1 for the best.
static _Thread_local int vk_chosen = -1;

__attribute__((constructor)) static void vk_detect(void) {
#if VK_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) vk_best = ALAB_VK_AVX512;
    else if (__builtin_cpu_supports("x86-64-v3")) vk_best = ALAB_VK_AVX2;
#endif
}

int alab_vector_kernels_best_variant(void) { return vk_best; }

int alab_vector_kernels_variant(void) { return vk_chosen >= 0 ? vk_chosen : vk_best; }

int alab_vector_kernels_use_variant(int variant) {
    if (variant < 0) { vk_chosen = -1; return 0; }
    if (variant > vk_best) return -1;
    vk_chosen = variant;
    return 0;
}

#if VK_X86
/// Defines `name` and its three variants over `name`'s always-inline implementation `impl`
/// (`VOID` for functions without a result).
#define VK_VARIANTS_(ret, name, impl, params, args, ret_kw)                                    \
    VK_TARGET_V4 static ret name##_avx512 params { ret_kw impl args; }                         \
    VK_TARGET_V3 static ret name##_avx2 params { ret_kw impl args; }                           \
    static ret name##_baseline params { ret_kw impl args; }                                    \
    ret name params {                                                                          \
        switch (alab_vector_kernels_variant()) {                                               \
        case ALAB_VK_AVX512: ret_kw name##_avx512 args; break;                                 \
        case ALAB_VK_AVX2: ret_kw name##_avx2 args; break;                                     \
        default: ret_kw name##_baseline args; break;                                           \
        }                                                                                      \
    }
#else
#define VK_VARIANTS_(ret, name, impl, params, args, ret_kw) ret name params { ret_kw impl args; }
#endif
#define VK_RETURN_VOID
#define VK_RETURN_float return
#define VK_RETURN_double return
#define VK_TYPE_VOID void
#define VK_TYPE_float float
#define VK_TYPE_double double
#define VK_VARIANTS(ret, name, params, args) VK_VARIANTS_(VK_TYPE_##ret, name, name##_impl, params, args, VK_RETURN_##ret)

typedef float v16f __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));
typedef uint32_t v16u __attribute__((vector_size(64)));
typedef float v8f __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef double v8d __attribute__((vector_size(64)));

enum { W = 16 };

// MARK: vector helpers
//
// Statement-expression macros rather than functions: a 64-byte vector may not cross a
// function boundary in the clones without AVX-512 (clang rejects it as an ABI change even
// for inlined functions).

typedef float v16fu __attribute__((vector_size(64), aligned(4), may_alias));

#define SPLAT(a) ((v16f){0} + (float)(a))
#define LOAD(p) (*(const v16fu *)(p))
#define STORE(p, v) (*(v16fu *)(p) = (v))

/// Lanes 0..<k of p, `fill` in the others (0 < k < 16).
#define LOAD_PART(p, k, fill) ({                                             \
    float b_[W];                                                             \
    const float *p_ = (p);                                                   \
    long k_ = (k);                                                           \
    for (int j_ = 0; j_ < W; j_++) b_[j_] = j_ < k_ ? p_[j_] : (fill);        \
    LOAD(b_);                                                                \
})

/// Stores lanes 0..<k of v.
#define STORE_PART(p, v, k) ({                                               \
    float b_[W];                                                             \
    float *p_ = (p);                                                         \
    long k_ = (k);                                                           \
    STORE(b_, (v));                                                          \
    for (int j_ = 0; j_ < k_; j_++) p_[j_] = b_[j_];                         \
})

/// A full vector at p when k == W, else lanes 0..<k padded with `fill`.
#define LOAD_K(p, k, fill) ((k) == W ? LOAD(p) : LOAD_PART(p, k, fill))
#define STORE_K(p, v, k) do { if ((k) == W) STORE(p, v); else STORE_PART(p, v, k); } while (0)

/// A mask (all bits set) for lanes 0..<k.
#define LANES_BELOW(k) (((v16i){0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}) < (int32_t)(k))

/// m ? a : b lane by lane (m all ones or all zeros per lane).
#define SELECT(m, a, b) ((v16f)(((v16i)(a) & (m)) | ((v16i)(b) & ~(m))))

/// Sum of the lanes in a fixed tree order (halves, then quarters, …).
#define HSUM(v) ({                                                                       \
    v16f v_ = (v);                                                                       \
    v8f a_ = __builtin_shufflevector(v_, v_, 0, 1, 2, 3, 4, 5, 6, 7) +                   \
             __builtin_shufflevector(v_, v_, 8, 9, 10, 11, 12, 13, 14, 15);              \
    v4f c_ = __builtin_shufflevector(a_, a_, 0, 1, 2, 3) + __builtin_shufflevector(a_, a_, 4, 5, 6, 7); \
    (c_[0] + c_[2]) + (c_[1] + c_[3]);                                                   \
})

/// Lane-wise b > a ? b : a, so NaN lanes of b never win (as a scalar `if x > top` scan).
#define VMAX(a, b) ({ v16f a_ = (a), b_ = (b); SELECT(b_ > a_, b_, a_); })

/// The largest lane by the same rule (−∞ when all lanes are NaN or −∞).
#define HMAX(v) ({                                                           \
    float b_[W];                                                             \
    STORE(b_, (v));                                                          \
    float top_ = b_[0];                                                      \
    for (int j_ = 1; j_ < W; j_++) top_ = b_[j_] > top_ ? b_[j_] : top_;    \
    top_;                                                                    \
})

// MARK: exp and friends

/// Cephes expf on 16 lanes: x = n·ln2 + r with a two-part ln 2, a degree-6 polynomial on
/// |r| ≤ ln2/2, 2ⁿ assembled in the exponent bits. ≤ 2 ulp on [−87.3, 88]; 0 below −87.33654
/// (where e^x would be subnormal); saturates at e⁸⁸ above 88; NaN stays NaN.
#define VEXP(x) ({                                                            \
    v16f x_ = (x);                                                            \
    v16i under_ = x_ < -87.33654f;                                            \
    v16f r_ = SELECT(under_, SPLAT(-87.33654f), x_);                          \
    r_ = SELECT(x_ > 88.0f, SPLAT(88.0f), r_);                                \
    /* n = round-to-even(r·log2 e): adding 1.5·2^23 rounds and puts n in the low mantissa bits */ \
    v16f shifted_ = r_ * 1.44269504088896341f + 12582912.0f;                  \
    v16f n_ = shifted_ - 12582912.0f;                                         \
    r_ = r_ - n_ * 0.693359375f + n_ * 2.12194440e-4f;                        \
    v16f z_ = r_ * r_;                                                        \
    v16f y_ = SPLAT(1.9875691500e-4f);                                        \
    y_ = y_ * r_ + 1.3981999507e-3f;                                          \
    y_ = y_ * r_ + 8.3334519073e-3f;                                          \
    y_ = y_ * r_ + 4.1665795894e-2f;                                          \
    y_ = y_ * r_ + 1.6666665459e-1f;                                          \
    y_ = y_ * r_ + 5.0000001201e-1f;                                          \
    y_ = y_ * z_ + r_ + 1.0f;                                                 \
    v16u e_ = ((v16u)shifted_ - 0x4B400000u + 127u) << 23;                    \
    SELECT(under_, SPLAT(0.0f), y_ * (v16f)e_);                               \
})

/// tanh(x) = sign(x)·(1 − 2/(e^{2|x|} + 1)).
#define VTANH(x) ({                                                           \
    v16u xb_ = (v16u)(x);                                                     \
    v16f a2_ = (v16f)(xb_ & 0x7FFFFFFFu) * 2.0f;                              \
    v16f t_ = 1.0f - 2.0f / (VEXP(a2_) + 1.0f);                               \
    (v16f)((v16u)t_ | (xb_ & 0x80000000u));                                   \
})

#define VSIGMOID(x) (1.0f / (1.0f + VEXP(-(x))))

#define MAP_KERNEL(name, f)                                                \
    VK_INLINE void name##_impl(const float *x, float *y, long n) {        \
        long i = 0;                                                        \
        for (; i + W <= n; i += W) STORE(y + i, f(LOAD(x + i)));           \
        if (i < n) STORE_PART(y + i, f(LOAD_PART(x + i, n - i, 0)), n - i); \
    }                                                                      \
    VK_VARIANTS(VOID, name, (const float *x, float *y, long n), (x, y, n))

MAP_KERNEL(alab_exp_f32, VEXP)
MAP_KERNEL(alab_tanh_f32, VTANH)
MAP_KERNEL(alab_sigmoid_f32, VSIGMOID)

/// y = exp(x − shift), returns Σ y (x may equal y).
VK_INLINE float exp_shifted(const float *x, float *y, long n, float shift) {
    v16f acc = SPLAT(0), s = SPLAT(shift);
    long i = 0;
    for (; i + W <= n; i += W) {
        v16f e = VEXP(LOAD(x + i) - s);
        STORE(y + i, e);
        acc += e;
    }
    if (i < n) {
        v16f e = SELECT(LANES_BELOW(n - i), VEXP(LOAD_PART(x + i, n - i, 0) - s), SPLAT(0));
        STORE_PART(y + i, e, n - i);
        acc += e;
    }
    return HSUM(acc);
}

VK_INLINE float alab_exp_shifted_f32_impl(const float *x, float *y, long n, float shift) {
    return exp_shifted(x, y, n, shift);
}
VK_VARIANTS(float, alab_exp_shifted_f32, (const float *x, float *y, long n, float shift), (x, y, n, shift))

/// The largest of x[0..<n] ignoring NaN; −∞ for an empty or all-NaN row.
VK_INLINE float row_max(const float *x, long n) {
    v16f top = SPLAT(-INFINITY);
    long i = 0;
    for (; i + W <= n; i += W) top = VMAX(top, LOAD(x + i));
    if (i < n) top = VMAX(top, LOAD_PART(x + i, n - i, -INFINITY));
    return HMAX(top);
}

/// y *= a over n entries.
VK_INLINE void scale_row(float *y, long n, float a) {
    long i = 0;
    for (; i + W <= n; i += W) STORE(y + i, LOAD(y + i) * a);
    for (; i < n; i++) y[i] *= a;
}

// MARK: strided rows

VK_INLINE void alab_rows_scale_shift_f32_impl(const float *x, long ldx, float *y, long ldy, long rows, long n,
                                              const float *scales, float scale, float shift) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * ldx;
        float *yr = y + r * ldy;
        // a − (+0) is a for every a, −0 included (SPLAT's 0 + a turns −0 into +0).
        v16f a = (scales ? scales[r] : scale) - (v16f){0}, c = shift - (v16f){0};
        for (long i = 0; i < n; i += W) {
            long k = n - i < W ? n - i : W;
            STORE_K(yr + i, LOAD_K(xr + i, k, 0) * a + c, k);
        }
    }
}
VK_VARIANTS(VOID, alab_rows_scale_shift_f32,
            (const float *x, long ldx, float *y, long ldy, long rows, long n, const float *scales, float scale, float shift),
            (x, ldx, y, ldy, rows, n, scales, scale, shift))

VK_INLINE void alab_column_sums_accumulate_f32_impl(const float *restrict x, long ldx, long rows, long n,
                                                    float *restrict sums) {
    // Blocks of 8 vectors (128 columns) held in registers while the rows stream past, so the
    // rows are read in order, a contiguous run at a time; each column still adds row by row.
    enum { V = 8 };
    long i0 = 0;
    for (; i0 + V * W <= n; i0 += V * W) {
        v16f acc[V];
        for (int v = 0; v < V; v++) acc[v] = LOAD(sums + i0 + v * W);
        for (long r = 0; r < rows; r++) {
            const float *row = x + r * ldx + i0;
            for (int v = 0; v < V; v++) acc[v] = acc[v] + LOAD(row + v * W);
        }
        for (int v = 0; v < V; v++) STORE(sums + i0 + v * W, acc[v]);
    }
    for (long i = i0; i < n; i += W) {
        long k = n - i < W ? n - i : W;
        v16f acc = LOAD_K(sums + i, k, 0);
        for (long r = 0; r < rows; r++) acc = acc + LOAD_K(x + r * ldx + i, k, 0);
        STORE_K(sums + i, acc, k);
    }
}
VK_VARIANTS(VOID, alab_column_sums_accumulate_f32, (const float *restrict x, long ldx, long rows, long n, float *restrict sums),
            (x, ldx, rows, n, sums))

// MARK: GELU

#define GELU_C 0.7978845608028654f   // √(2/π)
#define GELU_K 0.044715f

VK_INLINE void alab_gelu_forward_f32_impl(const float *restrict x, float *restrict y, float *restrict t, long n) {
    for (long i = 0; i < n; i += W) {
        long k = n - i < W ? n - i : W;
        v16f v = LOAD_K(x + i, k, 0);
        v16f th = VTANH(GELU_C * (v + GELU_K * v * v * v));
        v16f out = 0.5f * v * (1.0f + th);
        if (k == W) {
            STORE(y + i, out);
            if (t) STORE(t + i, th);
        } else {
            STORE_PART(y + i, out, k);
            if (t) STORE_PART(t + i, th, k);
        }
    }
}
VK_VARIANTS(VOID, alab_gelu_forward_f32, (const float *restrict x, float *restrict y, float *restrict t, long n), (x, y, t, n))

VK_INLINE void alab_gelu_backward_f32_impl(const float *restrict g, const float *restrict x, const float *restrict t,
                                      float *restrict dx, long n, int accumulate) {
    const float k3 = 3 * GELU_K;
    if (!t) {
        // tanh recomputed from x exactly as the forward pass computes it (lane-wise, so the same
        // value whatever the chunking): a pass over t saved in memory traffic.
        for (long i = 0; i < n; i += W) {
            long k = n - i < W ? n - i : W;
            v16f v = LOAD_K(x + i, k, 0);
            v16f th = VTANH(GELU_C * (v + GELU_K * v * v * v));
            v16f dt = (1 - th * th) * GELU_C * (1 + k3 * v * v);
            v16f d = LOAD_K(g + i, k, 0) * (0.5f * (1 + th) + 0.5f * v * dt);
            if (accumulate) d = LOAD_K(dx + i, k, 0) + d;
            STORE_K(dx + i, d, k);
        }
        return;
    }
#pragma clang loop vectorize(enable)
    for (long i = 0; i < n; i++) {
        float v = x[i], th = t[i];
        float dt = (1 - th * th) * GELU_C * (1 + k3 * v * v);
        float d = g[i] * (0.5f * (1 + th) + 0.5f * v * dt);
        dx[i] = accumulate ? dx[i] + d : d;
    }
}
VK_VARIANTS(VOID, alab_gelu_backward_f32, (const float *restrict g, const float *restrict x, const float *restrict t, float *restrict dx, long n, int accumulate), (g, x, t, dx, n, accumulate))

// MARK: layer norm

VK_INLINE void alab_layernorm_forward_f32_impl(const float *restrict x, const float *restrict w, const float *restrict b,
                                          float *restrict y, float *restrict mean, float *restrict rstd,
                                          long rows, long c, float eps) {
    const float inv_c = 1.0f / (float)c;
    const long full = c - c % W, tail = c - full;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * c;
        float *yr = y + r * c;
        v16f acc = SPLAT(0);
        for (long i = 0; i < full; i += W) acc += LOAD(xr + i);
        if (tail) acc += LOAD_PART(xr + full, tail, 0);
        const float m = HSUM(acc) * inv_c;
        v16f mv = SPLAT(m);
        acc = SPLAT(0);
        for (long i = 0; i < full; i += W) {
            v16f d = LOAD(xr + i) - mv;
            acc += d * d;
        }
        if (tail) {
            v16f d = LOAD_PART(xr + full, tail, m) - mv;   // padded lanes give d = 0
            acc += d * d;
        }
        const float var = HSUM(acc) * inv_c;
        const float s = 1.0f / sqrtf(var + eps);
        v16f sv = SPLAT(s);
        for (long i = 0; i < c; i += W) {
            long k = c - i < W ? c - i : W;
            v16f o = (LOAD_K(xr + i, k, 0) - mv) * sv;
            if (w) o *= LOAD_K(w + i, k, 0);
            if (b) o += LOAD_K(b + i, k, 0);
            STORE_K(yr + i, o, k);
        }
        mean[r] = m;
        rstd[r] = s;
    }
}
VK_VARIANTS(VOID, alab_layernorm_forward_f32, (const float *restrict x, const float *restrict w, const float *restrict b, float *restrict y, float *restrict mean, float *restrict rstd, long rows, long c, float eps), (x, w, b, y, mean, rstd, rows, c, eps))

VK_INLINE void alab_layernorm_backward_dx_f32_impl(const float *restrict dy, const float *restrict x, const float *restrict w,
                                              const float *restrict mean, const float *restrict rstd,
                                              float *restrict dx, long rows, long c) {
    const float inv_c = 1.0f / (float)c;
    for (long r = 0; r < rows; r++) {
        const float *dyr = dy + r * c, *xr = x + r * c;
        float *dxr = dx + r * c;
        v16f mv = SPLAT(mean[r]), sv = SPLAT(rstd[r]);
        v16f accD = SPLAT(0), accDN = SPLAT(0);
        for (long i = 0; i < c; i += W) {
            long k = c - i < W ? c - i : W;   // padded lanes: dy = 0, so d = 0
            v16f n = (LOAD_K(xr + i, k, 0) - mv) * sv;
            v16f d = LOAD_K(dyr + i, k, 0);
            if (w) d *= LOAD_K(w + i, k, 0);
            accD += d;
            accDN += d * n;
        }
        v16f meanD = SPLAT(HSUM(accD) * inv_c), meanDN = SPLAT(HSUM(accDN) * inv_c);
        for (long i = 0; i < c; i += W) {
            long k = c - i < W ? c - i : W;
            v16f n = (LOAD_K(xr + i, k, 0) - mv) * sv;
            v16f d = LOAD_K(dyr + i, k, 0);
            if (w) d *= LOAD_K(w + i, k, 0);
            v16f o = LOAD_K(dxr + i, k, 0) + (d - meanD - n * meanDN) * sv;
            STORE_K(dxr + i, o, k);
        }
    }
}
VK_VARIANTS(VOID, alab_layernorm_backward_dx_f32, (const float *restrict dy, const float *restrict x, const float *restrict w, const float *restrict mean, const float *restrict rstd, float *restrict dx, long rows, long c), (dy, x, w, mean, rstd, dx, rows, c))

VK_INLINE void alab_layernorm_backward_dwdb_f32_impl(const float *restrict dy, const float *restrict x,
                                                const float *restrict mean, const float *restrict rstd,
                                                float *restrict dw, float *restrict db,
                                                long rows, long c, long col0, long col1) {
    for (long r = 0; r < rows; r++) {   // each column is summed in row order
        const float *dyr = dy + r * c, *xr = x + r * c;
        const float m = mean[r], s = rstd[r];
        if (dw) {
#pragma clang loop vectorize(enable)
            for (long i = col0; i < col1; i++) dw[i] += dyr[i] * ((xr[i] - m) * s);
        }
        if (db) {
#pragma clang loop vectorize(enable)
            for (long i = col0; i < col1; i++) db[i] += dyr[i];
        }
    }
}
VK_VARIANTS(VOID, alab_layernorm_backward_dwdb_f32, (const float *restrict dy, const float *restrict x, const float *restrict mean, const float *restrict rstd, float *restrict dw, float *restrict db, long rows, long c, long col0, long col1), (dy, x, mean, rstd, dw, db, rows, c, col0, col1))

// MARK: softmax and cross-entropy

VK_INLINE void alab_softmax_rows_f32_impl(const float *x, float *y, long rows, long n) {
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        float top = row_max(xr, n);
        if (top == -INFINITY) top = 0;
        scale_row(yr, n, 1.0f / exp_shifted(xr, yr, n, top));
    }
}
VK_VARIANTS(VOID, alab_softmax_rows_f32, (const float *x, float *y, long rows, long n), (x, y, rows, n))

VK_INLINE void alab_cross_entropy_forward_f32_impl(const float *restrict logits, const int32_t *restrict targets,
                                              float *restrict probs, double *restrict loss, long rows, long n) {
    for (long r = 0; r < rows; r++) {
        const float *xr = logits + r * n;
        float *pr = probs + r * n;
        const float top = row_max(xr, n);
        const float total = exp_shifted(xr, pr, n, top);
        scale_row(pr, n, 1.0f / total);
        const int32_t t = targets[r];
        loss[r] = t >= 0 ? (double)(top + logf(total) - xr[t]) : 0;
    }
}
VK_VARIANTS(VOID, alab_cross_entropy_forward_f32, (const float *restrict logits, const int32_t *restrict targets, float *restrict probs, double *restrict loss, long rows, long n), (logits, targets, probs, loss, rows, n))

VK_INLINE void alab_cross_entropy_backward_f32_impl(const float *restrict probs, const int32_t *restrict targets,
                                               float *restrict dx, long rows, long n, float scale) {
    for (long r = 0; r < rows; r++) {
        const int32_t t = targets[r];
        if (t < 0) continue;
        const float *pr = probs + r * n;
        float *dr = dx + r * n;
#pragma clang loop vectorize(enable)
        for (long j = 0; j < n; j++) dr[j] += scale * pr[j];
        dr[t] -= scale;
    }
}
VK_VARIANTS(VOID, alab_cross_entropy_backward_f32, (const float *restrict probs, const int32_t *restrict targets, float *restrict dx, long rows, long n, float scale), (probs, targets, dx, rows, n, scale))

VK_INLINE void alab_causal_softmax_rows_f32_impl(float *p, long t) {
    for (long row = 0; row < t; row++) {
        float *r = p + row * t;
        const long len = row + 1;
        const float top = row_max(r, len);
        scale_row(r, len, 1.0f / exp_shifted(r, r, len, top));
        if (len < t) memset(r + len, 0, (size_t)(t - len) * sizeof(float));
    }
}
VK_VARIANTS(VOID, alab_causal_softmax_rows_f32, (float *p, long t), (p, t))

VK_INLINE void alab_causal_softmax_backward_rows_f32_impl(const float *restrict p, float *restrict dp, long t, float scale) {
    for (long row = 0; row < t; row++) {
        const float *pr = p + row * t;
        float *dr = dp + row * t;
        const long len = row + 1, full = len - len % W, tail = len - full;
        v16f acc = SPLAT(0);
        for (long j = 0; j < full; j += W) acc += LOAD(pr + j) * LOAD(dr + j);
        if (tail) acc += LOAD_PART(pr + full, tail, 0) * LOAD_PART(dr + full, tail, 0);
        v16f dot = SPLAT(HSUM(acc)), sv = SPLAT(scale);
        for (long j = 0; j < full; j += W) {
            v16f pv = LOAD(pr + j);
            STORE(dr + j, pv * (LOAD(dr + j) - dot) * sv);
        }
        if (tail) {
            v16f pv = LOAD_PART(pr + full, tail, 0);
            STORE_PART(dr + full, pv * (LOAD_PART(dr + full, tail, 0) - dot) * sv, tail);
        }
        if (len < t) memset(dr + len, 0, (size_t)(t - len) * sizeof(float));
    }
}
VK_VARIANTS(VOID, alab_causal_softmax_backward_rows_f32, (const float *restrict p, float *restrict dp, long t, float scale), (p, dp, t, scale))

// MARK: optimiser

VK_INLINE void alab_adamw_f32_impl(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, long n,
                              float decay, float beta1, float beta2, float step_size, float root_bc2, float eps) {
    const float c1 = 1 - beta1, c2 = 1 - beta2;
    for (long i = 0; i < n; i += W) {
        long k = n - i < W ? n - i : W;
        v16f gi = LOAD_K(g + i, k, 0);
        v16f mi = beta1 * LOAD_K(m + i, k, 0) + c1 * gi;
        v16f vi = beta2 * LOAD_K(v + i, k, 0) + c2 * gi * gi;
        v16f wi = LOAD_K(w + i, k, 0);
        wi = wi * decay - step_size * mi / (__builtin_elementwise_sqrt(vi) / root_bc2 + eps);
        if (k == W) {
            STORE(m + i, mi);
            STORE(v + i, vi);
            STORE(w + i, wi);
        } else {
            STORE_PART(m + i, mi, k);
            STORE_PART(v + i, vi, k);
            STORE_PART(w + i, wi, k);
        }
    }
}
VK_VARIANTS(VOID, alab_adamw_f32, (float *restrict w, const float *restrict g, float *restrict m, float *restrict v, long n, float decay, float beta1, float beta2, float step_size, float root_bc2, float eps), (w, g, m, v, n, decay, beta1, beta2, step_size, root_bc2, eps))

VK_INLINE double alab_sum_of_squares_f32_impl(const float *x, long n) {
    v8d a0 = {0}, a1 = {0};
    long i = 0;
    for (; i + W <= n; i += W) {
        v16f v = LOAD(x + i);
        v8d lo = __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7), v8d);
        v8d hi = __builtin_convertvector(__builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15), v8d);
        a0 += lo * lo;
        a1 += hi * hi;
    }
    v8d a = a0 + a1;
    double total = ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
    for (; i < n; i++) total += (double)x[i] * (double)x[i];
    return total;
}
VK_VARIANTS(double, alab_sum_of_squares_f32, (const float *x, long n), (x, n))
