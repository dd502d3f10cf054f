// The calling thread's treatment of subnormal floats (x86-64 MXCSR; see CLinearAlgebra.h).
//
// FTZ (bit 15) makes an operation whose result would be subnormal return ±0; DAZ (bit 6)
// reads subnormal operands as ±0. Both are per-thread state of the SSE/AVX units, so every
// thread that computes has to set them itself (TensorCore's Parallel carries the caller's
// bits into its workers). Other architectures keep IEEE gradual underflow and report 0.
#include "CLinearAlgebra.h"

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>

unsigned alab_fp_denormal_mode(void) { return _mm_getcsr() & ALAB_FP_FLUSH_DENORMALS; }

unsigned alab_fp_set_denormal_mode(unsigned mode) {
    const unsigned csr = _mm_getcsr();
    const unsigned wanted = (csr & ~(unsigned)ALAB_FP_FLUSH_DENORMALS) | (mode & ALAB_FP_FLUSH_DENORMALS);
    if (wanted != csr) _mm_setcsr(wanted);
    return csr & ALAB_FP_FLUSH_DENORMALS;
}
#else
unsigned alab_fp_denormal_mode(void) { return 0; }

unsigned alab_fp_set_denormal_mode(unsigned mode) {
    (void)mode;
    return 0;
}
#endif
