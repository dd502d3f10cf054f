// The 32 × 32 × 32 single-precision products of chunked linear attention (chunks of 32 tokens,
// heads of width 32), thousands per training step. oneDNN's sgemm spends most of such a call
// outside arithmetic (0.8–1.0 µs warm, 1.8 µs inside a step, where the kernel below takes
// 0.4–0.8 µs: docs/BENCHMARKS.md, seventh round).
//
// Each element of C is summed over k = 0…31 in order with fused multiply-adds starting from
// zero, and C's old value is added last when accumulating: on the AVX-512 machines measured this
// is oneDNN's own order, so the results are oneDNN's bit for bit (every transpose case, both
// β, tested over random inputs). Only CPUs with AVX-512 take this path; elsewhere oneDNN runs.
#include "CLinearAlgebra.h"

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>

#define SMALL_TARGET __attribute__((target("arch=x86-64-v4"), min_vector_width(512)))

SMALL_TARGET static void product32(int trans_a, int trans_b, const float *a, long lda, const float *b, long ldb,
                                   int accumulate, float *c, long ldc) {
    float packed[32 * 32] __attribute__((aligned(64)));
    if (trans_b) {  // op(B) row k = B's column k, packed so that the loop below reads rows
        for (int k = 0; k < 32; k++)
            for (int j = 0; j < 32; j++) packed[k * 32 + j] = b[j * ldb + k];
        b = packed;
        ldb = 32;
    }
    for (int i0 = 0; i0 < 32; i0 += 8) {  // 8 rows of C: 16 zmm accumulators
        __m512 sum[8][2];
        for (int r = 0; r < 8; r++) sum[r][0] = sum[r][1] = _mm512_setzero_ps();
        for (int k = 0; k < 32; k++) {
            __m512 b0 = _mm512_loadu_ps(b + k * ldb), b1 = _mm512_loadu_ps(b + k * ldb + 16);
            for (int r = 0; r < 8; r++) {
                __m512 x = _mm512_set1_ps(trans_a ? a[k * lda + i0 + r] : a[(i0 + r) * lda + k]);
                sum[r][0] = _mm512_fmadd_ps(x, b0, sum[r][0]);
                sum[r][1] = _mm512_fmadd_ps(x, b1, sum[r][1]);
            }
        }
        for (int r = 0; r < 8; r++) {
            float *row = c + (i0 + r) * ldc;
            if (accumulate) {
                sum[r][0] = _mm512_add_ps(sum[r][0], _mm512_loadu_ps(row));
                sum[r][1] = _mm512_add_ps(sum[r][1], _mm512_loadu_ps(row + 16));
            }
            _mm512_storeu_ps(row, sum[r][0]);
            _mm512_storeu_ps(row + 16, sum[r][1]);
        }
    }
}

static _Thread_local int small_enabled = 1;  // per thread: a test compares with oneDNN on its own thread

int alab_sgemm_small32(int trans_a, int trans_b, const float *a, long lda, const float *b, long ldb, float beta,
                       float *c, long ldc) {
    // The CPU's x86-64-v4 support, as the vector kernels found it when the library loaded.
    if (alab_vector_kernels_best_variant() != ALAB_VK_AVX512 || !small_enabled || (beta != 0 && beta != 1)) return 0;
    product32(trans_a, trans_b, a, lda, b, ldb, beta != 0, c, ldc);
    return 1;
}

void alab_sgemm_small_kernels(int on) { small_enabled = on != 0; }
#else
int alab_sgemm_small32(int trans_a, int trans_b, const float *a, long lda, const float *b, long ldb, float beta,
                       float *c, long ldc) {
    return 0;
}
void alab_sgemm_small_kernels(int on) {}
#endif
