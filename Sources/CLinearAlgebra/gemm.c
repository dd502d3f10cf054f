// Single-precision GEMM: oneDNN's JIT kernels or OpenBLAS's (see CLinearAlgebra.h).
//
// On an Intel Xeon with AVX-512 (docs/BENCHMARKS.md) oneDNN 2.6's sgemm ran 13 of 15 shapes of
// a training step 4–55% faster than OpenBLAS 0.3.21's Cooperlake kernel on one core, the most
// on the attention's 256-row products and the weight gradients (k = 2048); the two
// 128×32×128 attention products were 4% slower. oneDNN picks
// its kernel from cpuid at run time (AVX-512, AVX2, SSE4.1), so the choice is safe on any x86-64.
//
// oneDNN threads with OpenMP; attnlab splits a large GEMM across its own threads itself, so
// every thread that calls oneDNN first limits its own OpenMP team to one thread (the
// nthreads ICV is per thread in libgomp). Double precision and LAPACK stay on OpenBLAS.
#include "CLinearAlgebra.h"

#include <dnnl.h>

void omp_set_num_threads(int n);

static int sgemm_backend = ALAB_SGEMM_ONEDNN;
static _Thread_local int omp_single = 0;

int alab_sgemm_backend(void) { return sgemm_backend; }

void alab_set_sgemm_backend(int backend) {
    sgemm_backend = backend == ALAB_SGEMM_OPENBLAS ? ALAB_SGEMM_OPENBLAS : ALAB_SGEMM_ONEDNN;
}

void alab_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
                const float *b, long ldb, float beta, float *c, long ldc) {
    if (sgemm_backend == ALAB_SGEMM_ONEDNN) {
        if (!omp_single) {
            omp_set_num_threads(1);
            omp_single = 1;
        }
        if (dnnl_sgemm(trans_a ? 'T' : 'N', trans_b ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) ==
            dnnl_success)
            return;
    }
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans, (int)m, (int)n,
                (int)k, alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}
