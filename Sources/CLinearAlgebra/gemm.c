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
#include <pthread.h>
#include <string.h>
#include <time.h>

void omp_set_num_threads(int n);

static int sgemm_backend = ALAB_SGEMM_ONEDNN;
static _Thread_local int omp_single = 0;

int alab_sgemm_backend(void) { return sgemm_backend; }

void alab_set_sgemm_backend(int backend) {
    sgemm_backend = backend == ALAB_SGEMM_OPENBLAS ? ALAB_SGEMM_OPENBLAS : ALAB_SGEMM_ONEDNN;
}

// The profile (alab_gemm_profile_enable): one row per shape, behind one lock.
static alab_gemm_profile_row profile[ALAB_GEMM_PROFILE_CAPACITY];
static long profile_count = 0;
static int profile_on = 0;
static pthread_mutex_t profile_lock = PTHREAD_MUTEX_INITIALIZER;

void alab_gemm_profile_enable(int on) {
    pthread_mutex_lock(&profile_lock);
    if (on) profile_count = 0;
    __atomic_store_n(&profile_on, on ? 1 : 0, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&profile_lock);
}

long alab_gemm_profile_rows(alab_gemm_profile_row *rows, long capacity) {
    pthread_mutex_lock(&profile_lock);
    long count = profile_count < ALAB_GEMM_PROFILE_CAPACITY ? profile_count : ALAB_GEMM_PROFILE_CAPACITY;
    memcpy(rows, profile, (size_t)(count < capacity ? count : capacity) * sizeof *rows);
    pthread_mutex_unlock(&profile_lock);
    return count;
}

static double thread_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void profile_add(long m, long n, long k, int trans_a, int trans_b, int accumulates, double seconds) {
    pthread_mutex_lock(&profile_lock);
    long i = 0;
    while (i < profile_count && !(profile[i].m == m && profile[i].n == n && profile[i].k == k &&
                                  profile[i].trans_a == trans_a && profile[i].trans_b == trans_b &&
                                  profile[i].accumulates == accumulates))
        i++;
    if (i == profile_count && i < ALAB_GEMM_PROFILE_CAPACITY) {
        profile[i] = (alab_gemm_profile_row){m, n, k, trans_a, trans_b, accumulates, 0, 0};
        profile_count++;
    }
    if (i < ALAB_GEMM_PROFILE_CAPACITY) {
        profile[i].calls++;
        profile[i].seconds += seconds;
    }
    pthread_mutex_unlock(&profile_lock);
}

static void sgemm_call(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
                       const float *b, long ldb, float beta, float *c, long ldc);

void alab_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
                const float *b, long ldb, float beta, float *c, long ldc) {
    if (!__atomic_load_n(&profile_on, __ATOMIC_RELAXED)) {
        sgemm_call(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    double start = thread_seconds();
    sgemm_call(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    profile_add(m, n, k, trans_a != 0, trans_b != 0, beta != 0, thread_seconds() - start);
}

static void sgemm_call(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
                       const float *b, long ldb, float beta, float *c, long ldc) {
    if (sgemm_backend == ALAB_SGEMM_ONEDNN) {
        if (m == 32 && n == 32 && k == 32 && alpha == 1 &&
            alab_sgemm_small32(trans_a, trans_b, a, lda, b, ldb, beta, c, ldc))
            return;
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
