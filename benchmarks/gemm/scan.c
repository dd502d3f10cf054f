// The Koopman scan's inner loop on one core: S_t = S_{t-1}·Kᵀ + U_t for t = 1 … T−1, one
// M × S × S product per time step (M = the sequences of one replica), as attnlab runs it
// (oneDNN's sgemm, row-major, B transposed) beside a hand-written AVX-512 kernel with Kᵀ packed
// in 64-column panels read in order (docs/BENCHMARKS.md, sixth round).
//
//   cc -O2 -mavx512f -o /tmp/scan benchmarks/gemm/scan.c -ldnnl -lm && OMP_NUM_THREADS=1 /tmp/scan
//
// Only the forward recursion is timed; the backward (adjoint) recursion has the same shape.
// Prints the median over 9 scans of each of configs A (M 8, S 128, T 128) and B (M 4, S 256,
// T 256) and the largest difference between the two kernels' states.
#include <oneapi/dnnl/dnnl.h>
#include <assert.h>
#include <immintrin.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"

// C (m × s, row stride ldc) += A (m × s, row stride lda) · Kᵀ, Kᵀ packed as s/64 panels of s × 64.
static void step(int m, int s, const float *a, long lda, const float *panels, float *c, long ldc) {
    assert(m % 4 == 0 && s % 64 == 0);  // 4-row, 64-column register blocks, no remainder handling
    for (int n = 0; n < s; n += 64) {
        const float *panel = panels + (long)n * s;
        for (int i0 = 0; i0 < m; i0 += 4) {
            __m512 acc[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) acc[i][j] = _mm512_loadu_ps(c + (i0 + i) * ldc + n + 16 * j);
            for (int k = 0; k < s; k++) {
                const float *row = panel + (long)k * 64;
                __m512 b0 = _mm512_loadu_ps(row), b1 = _mm512_loadu_ps(row + 16);
                __m512 b2 = _mm512_loadu_ps(row + 32), b3 = _mm512_loadu_ps(row + 48);
                for (int i = 0; i < 4; i++) {
                    __m512 x = _mm512_set1_ps(a[(i0 + i) * lda + k]);
                    acc[i][0] = _mm512_fmadd_ps(x, b0, acc[i][0]);
                    acc[i][1] = _mm512_fmadd_ps(x, b1, acc[i][1]);
                    acc[i][2] = _mm512_fmadd_ps(x, b2, acc[i][2]);
                    acc[i][3] = _mm512_fmadd_ps(x, b3, acc[i][3]);
                }
            }
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) _mm512_storeu_ps(c + (i0 + i) * ldc + n + 16 * j, acc[i][j]);
        }
    }
}

static void run(const char *config, int m, int s, int t) {
    long ld = (long)t * s, count = (long)m * t * s;
    float *k = malloc(sizeof(float) * s * s), *panels = malloc(sizeof(float) * s * s);
    float *u = malloc(sizeof(float) * count), *x = malloc(sizeof(float) * count), *y = malloc(sizeof(float) * count);
    for (long i = 0; i < (long)s * s; i++) k[i] = (float)((i * 7919) % 1000 - 500) * 1e-5f;
    for (int row = 0; row < s; row++)  // Kᵀ[col][row] = K[row][col], panel-major
        for (int col = 0; col < s; col++) panels[(long)(row / 64 * 64) * s + (long)col * 64 + row % 64] = k[row * s + col];
    for (long i = 0; i < count; i++) u[i] = (float)((i * 104729) % 1000) * 1e-3f;
    double times[2][9];
    for (int r = 0; r < 9; r++) {
        for (int kernel = 0; kernel < 2; kernel++) {
            float *state = kernel == 0 ? x : y;
            memcpy(state, u, sizeof(float) * count);
            double t0 = now();
            for (int tt = 1; tt < t; tt++) {
                if (kernel == 0)
                    dnnl_sgemm('N', 'T', m, s, s, 1.0f, state + (tt - 1) * s, ld, k, s, 1.0f, state + tt * s, ld);
                else
                    step(m, s, state + (tt - 1) * s, ld, panels, state + tt * s, ld);
            }
            times[kernel][r] = now() - t0;
        }
    }
    double flops = 2.0 * m * s * s * (t - 1), gap = 0;
    for (long i = 0; i < count; i++) gap = fmax(gap, fabs((double)x[i] - y[i]) / fmax(1, fabs((double)x[i])));
    for (int kernel = 0; kernel < 2; kernel++) {
        qsort(times[kernel], 9, sizeof(double), by_value);
        printf("config %s (M %d, S %d, T %d), %-22s %6.2f us/step %6.1f GFLOP/s\n", config, m, s, t,
               kernel == 0 ? "oneDNN sgemm:" : "hand-written AVX-512:", times[kernel][4] / (t - 1) * 1e6,
               flops / times[kernel][4] * 1e-9);
    }
    printf("config %s: largest relative difference between the two scans %.1e\n", config, gap);
    free(k), free(panels), free(u), free(x), free(y);
}

int main(void) {
    run("A", 8, 128, 128);
    run("B", 4, 256, 256);
    return 0;
}
