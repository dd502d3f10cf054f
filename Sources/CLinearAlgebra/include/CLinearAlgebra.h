// CLinearAlgebra — the C side of attnlab's dense linear algebra.
//
// Re-exports OpenBLAS's cblas.h and LAPACKE, and adds a small set of functions that
// inspect and choose OpenBLAS's compute kernel at run time (see kernel.c), and the Float
// vector kernels of the training step (VectorKernels.h, vector_kernels.c).
#ifndef CLINEARALGEBRA_H
#define CLINEARALGEBRA_H

#include <cblas.h>
#include <lapacke.h>

#include "VectorKernels.h"

#ifdef __cplusplus
extern "C" {
#endif

/// CPU capability classes, best first. Bit flags of `alab_cpu_features`.
enum {
    ALAB_CPU_AVX2_FMA = 1 << 0,
    ALAB_CPU_AVX512 = 1 << 1,      // F + VL + BW + DQ
    ALAB_CPU_AVX512_BF16 = 1 << 2,
};

/// The CPU's vector features as ALAB_CPU_* flags (cpuid).
int alab_cpu_features(void);

/// The name of the kernel OpenBLAS is running ("Prescott", "SkylakeX", …), or "unknown".
const char *alab_blas_corename(void);

/// The OpenBLAS build configuration string, or "unknown".
const char *alab_blas_config(void);

/// Switches OpenBLAS to the named kernel (an OPENBLAS_CORETYPE value) in this process.
/// Returns 0 on success, -1 when this BLAS cannot switch kernels at run time (not a
/// DYNAMIC_ARCH OpenBLAS), -2 when the kernel name was not accepted.
/// Must not race with BLAS calls on other threads.
int alab_blas_force_core(const char *name);

/// Sets / gets the number of BLAS threads.
void alab_blas_set_threads(int n);
int alab_blas_get_threads(void);

/// Who computes single-precision GEMMs (`alab_sgemm`).
enum { ALAB_SGEMM_OPENBLAS = 0, ALAB_SGEMM_ONEDNN = 1 };

/// The sgemm backend in use (ALAB_SGEMM_ONEDNN unless changed).
int alab_sgemm_backend(void);

/// Chooses the sgemm backend for the whole process. Do not call while GEMMs run.
void alab_set_sgemm_backend(int backend);

/// Row-major C = alpha·op(A)·op(B) + beta·C through the chosen backend, single-threaded on
/// the calling thread (oneDNN's OpenMP team is limited to the caller). Falls back to OpenBLAS
/// when oneDNN reports an error.
void alab_sgemm(int trans_a, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
                const float *b, long ldb, float beta, float *c, long ldc);

/// C (32 × 32) = op(A)·op(B) (+ C when beta is 1) for k = 32 by an AVX-512 kernel (small_gemm.c);
/// returns 0 without touching C when this CPU lacks AVX-512, the kernel is switched off, or beta
/// is neither 0 nor 1. alab_sgemm calls it for such products when alpha is 1.
int alab_sgemm_small32(int trans_a, int trans_b, const float *a, long lda, const float *b, long ldb, float beta,
                       float *c, long ldc);

/// Switches the 32 × 32 × 32 kernel on (the default) or off for the calling thread only (tests
/// compare it with oneDNN without touching other threads' GEMMs).
void alab_sgemm_small_kernels(int on);

/// How many shapes the sgemm profile holds.
enum { ALAB_GEMM_PROFILE_CAPACITY = 256 };

/// One shape's line of the sgemm profile: calls and the calling threads' CPU seconds.
typedef struct {
    long m, n, k;
    int trans_a, trans_b, accumulates;  // accumulates: beta != 0
    long calls;
    double seconds;
} alab_gemm_profile_row;

/// Starts (clearing what was counted) or stops the sgemm profile. Off by default; when on,
/// every `alab_sgemm` reads the thread's CPU clock twice and takes a lock once.
void alab_gemm_profile_enable(int on);

/// Copies up to `capacity` profile rows into `rows` (in first-seen order); returns how many
/// shapes were counted (shapes beyond ALAB_GEMM_PROFILE_CAPACITY are counted in none).
long alab_gemm_profile_rows(alab_gemm_profile_row *rows, long capacity);

/// Flush-to-zero + denormals-are-zero: the MXCSR bits (FTZ 0x8000, DAZ 0x0040) with which
/// subnormal results become ±0 and subnormal operands are read as ±0.
enum { ALAB_FP_FLUSH_DENORMALS = 0x8040 };

/// The calling thread's FTZ|DAZ bits (0 or ALAB_FP_FLUSH_DENORMALS; 0 off x86).
unsigned alab_fp_denormal_mode(void);

/// Sets the calling thread's FTZ|DAZ bits to `mode` and returns the previous bits.
unsigned alab_fp_set_denormal_mode(unsigned mode);

#ifdef __cplusplus
}
#endif
#endif
