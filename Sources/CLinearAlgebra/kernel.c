// Run-time choice of the OpenBLAS compute kernel.
//
// A DYNAMIC_ARCH OpenBLAS picks its kernel from cpuid when the library loads. Older
// releases (Debian 12 ships 0.3.21) do not know newer CPUs and fall back to the generic
// "Prescott" kernel, which runs sgemm 5–10× below the CPU's capability. The documented
// way to override the choice is the OPENBLAS_CORETYPE environment variable, read once in
// the library's constructor, before any of our code runs. OpenBLAS exports the kernel
// table pointer `gotoblas` and its initialiser `gotoblas_dynamic_init`, which re-reads
// OPENBLAS_CORETYPE; clearing the pointer and calling the initialiser performs the same
// selection the constructor would have made with the variable set. Both symbols are
// looked up with dlsym so that a BLAS without them (a non-DYNAMIC_ARCH OpenBLAS) still
// links and simply keeps its kernel.
#define _GNU_SOURCE
#include "CLinearAlgebra.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

int alab_cpu_features(void) {
    int flags = 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) flags |= ALAB_CPU_AVX2_FMA;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
        flags |= ALAB_CPU_AVX512;
    if ((flags & ALAB_CPU_AVX512) && __builtin_cpu_supports("avx512bf16")) flags |= ALAB_CPU_AVX512_BF16;
#endif
    return flags;
}

typedef char *(*string_fn)(void);

const char *alab_blas_corename(void) {
    string_fn fn = (string_fn)dlsym(RTLD_DEFAULT, "openblas_get_corename");
    const char *name = fn ? fn() : NULL;
    return name ? name : "unknown";
}

const char *alab_blas_config(void) {
    string_fn fn = (string_fn)dlsym(RTLD_DEFAULT, "openblas_get_config");
    const char *config = fn ? fn() : NULL;
    return config ? config : "unknown";
}

int alab_blas_force_core(const char *name) {
    void **table = (void **)dlsym(RTLD_DEFAULT, "gotoblas");
    void (*init)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init");
    if (table == NULL || init == NULL) return -1;
    char *previous = getenv("OPENBLAS_CORETYPE");
    char *saved = previous ? strdup(previous) : NULL;
    setenv("OPENBLAS_CORETYPE", name, 1);
    *table = NULL;
    init();
    if (saved) {
        setenv("OPENBLAS_CORETYPE", saved, 1);
        free(saved);
    } else {
        unsetenv("OPENBLAS_CORETYPE");
    }
    return strcasecmp(alab_blas_corename(), name) == 0 ? 0 : -2;
}

void alab_blas_set_threads(int n) { openblas_set_num_threads(n); }

int alab_blas_get_threads(void) { return openblas_get_num_threads(); }
