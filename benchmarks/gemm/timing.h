// Clock and median helpers shared by the C benchmark programs in this folder.
#ifndef ATTNLAB_BENCHMARK_TIMING_H
#define ATTNLAB_BENCHMARK_TIMING_H

#include <time.h>

/// Seconds on the monotonic clock.
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/// qsort comparator for doubles, ascending.
static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
