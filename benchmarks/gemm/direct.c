// OpenBLAS's sgemm/dgemm called directly, no attnlab in between: the reference that
// `attnlab bench gemm` is held to (benchmarks/gemm/compare.sh, docs/BENCHMARKS.md).
//
//   direct [f32|f64] n threads [seconds]
//
// The kernel is OpenBLAS's own choice or OPENBLAS_CORETYPE's; threads are OpenBLAS's own pool.
// Timing as attnlab's: one warm-up product, then products until `seconds` (default 0.5) have
// passed and at least 3 were timed; prints the median as one line of JSON.
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"

char *openblas_get_corename(void);

int main(int argc, char **argv) {
    if (argc < 4 || (strcmp(argv[1], "f32") && strcmp(argv[1], "f64"))) {
        fprintf(stderr, "usage: %s f32|f64 n threads [seconds]\n", argv[0]);
        return 2;
    }
    const int f32 = strcmp(argv[1], "f32") == 0, n = atoi(argv[2]), threads = atoi(argv[3]);
    const double minimum = argc > 4 ? atof(argv[4]) : 0.5;
    if (n <= 0 || threads <= 0) { fprintf(stderr, "n and threads must be positive\n"); return 2; }
    openblas_set_num_threads(threads);
    const size_t count = (size_t)n * n, size = f32 ? sizeof(float) : sizeof(double);
    void *a = aligned_alloc(64, count * size), *b = aligned_alloc(64, count * size), *c = aligned_alloc(64, count * size);
    srand(1);
    for (size_t i = 0; i < count; i++) {
        double x = 2.0 * rand() / RAND_MAX - 1, y = 2.0 * rand() / RAND_MAX - 1;
        if (f32) { ((float *)a)[i] = (float)x; ((float *)b)[i] = (float)y; ((float *)c)[i] = 0; }
        else { ((double *)a)[i] = x; ((double *)b)[i] = y; ((double *)c)[i] = 0; }
    }
    double samples[10000];
    int timed = 0;
    double total = 0;
    for (int i = -1; timed < 10000 && (timed < 3 || total < minimum); i++) {
        double start = now();
        if (f32) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        else cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1, a, n, b, n, 0, c, n);
        double t = now() - start;
        if (i < 0) continue;
        samples[timed++] = t;
        total += t;
    }
    qsort(samples, timed, sizeof(double), by_value);
    double median = samples[timed / 2];
    printf("{\"kernel\":\"%s\",\"precision\":\"%s\",\"n\":%d,\"threads\":%d,\"gflops\":%.2f,\"samples\":%d}\n",
           openblas_get_corename(), argv[1], n, threads, 2.0 * n * n * (double)n / median / 1e9, timed);
    free(a); free(b); free(c);
    return 0;
}
