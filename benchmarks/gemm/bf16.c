// oneDNN 2.6's matmul in bf16 (bf16 inputs, f32 accumulation and output) beside the same matmul in
// f32, at the GEMM shapes of one replica's training step on configs A and B: what a bf16 mixed-
// precision path could gain on this CPU before any conversion cost (docs/BENCHMARKS.md).
//
//   cc -O2 -o /tmp/bf16 benchmarks/gemm/bf16.c -ldnnl && OMP_NUM_THREADS=1 /tmp/bf16 [rounds=3]
//
// One thread (a replica's kernels run single-threaded). Per shape and round, interleaved: f32 with
// plain row-major operands, bf16 with plain operands, and bf16 with B held in the layout the
// primitive prefers (allocated in it, so no reorder is timed: the best case for bf16). Each
// timing is the median of repeated executions after a warm-up; C += op(A)·op(B) (a sum post-op),
// as a gradient accumulation. The shapes are the forward products and both backward products of
// the linear layers (dX = dY·Wᵀ, dW = Xᵀ·dY), and the attention scores. Conversion of the inputs
// to bf16 is not timed.
#include <oneapi/dnnl/dnnl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"

#define CHECK(call)                                                                  \
    do {                                                                             \
        dnnl_status_t status_ = (call);                                              \
        if (status_ != dnnl_success) {                                               \
            fprintf(stderr, "bf16: %s failed with status %d\n", #call, (int)status_); \
            exit(1);                                                                 \
        }                                                                            \
    } while (0)

enum variant { F32, BF16_PLAIN, BF16_PREFERRED };
static const char *variant_names[] = {"f32", "bf16 plain", "bf16 preferred layout"};

// Median seconds of one C += A·B (M×K times K×N) in `v`; `impl` receives oneDNN's kernel name.
static double time_matmul(dnnl_engine_t engine, dnnl_stream_t stream, long m, long n, long k, int trans_a, int trans_b,
                          enum variant v, char *impl, size_t impl_size) {
    dnnl_data_type_t in = v == F32 ? dnnl_f32 : dnnl_bf16;
    dnnl_dims_t a_dims = {m, k}, b_dims = {k, n}, c_dims = {m, n};
    dnnl_memory_desc_t a_md, b_md, c_md;
    CHECK(dnnl_memory_desc_init_by_tag(&a_md, 2, a_dims, in, trans_a ? dnnl_ba : dnnl_ab));
    CHECK(dnnl_memory_desc_init_by_tag(&b_md, 2, b_dims, in,
                                       v == BF16_PREFERRED ? dnnl_format_tag_any : trans_b ? dnnl_ba : dnnl_ab));
    CHECK(dnnl_memory_desc_init_by_tag(&c_md, 2, c_dims, dnnl_f32, dnnl_ab));
    dnnl_matmul_desc_t desc;
    CHECK(dnnl_matmul_desc_init(&desc, &a_md, &b_md, NULL, &c_md));
    dnnl_primitive_attr_t attr;
    dnnl_post_ops_t post_ops;
    CHECK(dnnl_primitive_attr_create(&attr));
    CHECK(dnnl_post_ops_create(&post_ops));
    CHECK(dnnl_post_ops_append_sum(post_ops, 1.0f));
    CHECK(dnnl_primitive_attr_set_post_ops(attr, post_ops));
    dnnl_primitive_desc_t pd;
    CHECK(dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL));
    const char *name = "?";
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name);
    snprintf(impl, impl_size, "%s", name);
    const dnnl_memory_desc_t *weights_md = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_primitive_t matmul;
    CHECK(dnnl_primitive_create(&matmul, pd));

    size_t element = v == F32 ? 4 : 2;
    void *a = calloc(m * k, element), *b = calloc(dnnl_memory_desc_get_size(weights_md), 1);
    float *c = calloc(m * n, sizeof(float));
    for (long i = 0; i < m * k; i++) {  // small values in [0, 1): no overflow, no subnormals
        float x = (float)((i * 7919) % 1000) / 1000.0f;
        if (v == F32) ((float *)a)[i] = x;
        else { uint32_t u; memcpy(&u, &x, 4); ((uint16_t *)a)[i] = (uint16_t)(u >> 16); }
    }
    memset(b, 0x3c, dnnl_memory_desc_get_size(weights_md));  // bf16 0x3c3c ≈ 0.0115; f32 ≈ 0.0115
    dnnl_memory_t a_mem, b_mem, c_mem;
    CHECK(dnnl_memory_create(&a_mem, &a_md, engine, a));
    CHECK(dnnl_memory_create(&b_mem, weights_md, engine, b));
    CHECK(dnnl_memory_create(&c_mem, &c_md, engine, c));
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, a_mem}, {DNNL_ARG_WEIGHTS, b_mem}, {DNNL_ARG_DST, c_mem}};
    CHECK(dnnl_primitive_execute(matmul, stream, 3, args));  // warm-up
    double flops = 2.0 * m * n * k;
    int reps = (int)(2e8 / flops) + 3;
    double times[64];
    int samples = 15;
    for (int s = 0; s < samples; s++) {
        double t0 = now();
        for (int r = 0; r < reps; r++) CHECK(dnnl_primitive_execute(matmul, stream, 3, args));
        CHECK(dnnl_stream_wait(stream));
        times[s] = (now() - t0) / reps;
    }
    qsort(times, samples, sizeof(double), by_value);
    dnnl_memory_destroy(a_mem), dnnl_memory_destroy(b_mem), dnnl_memory_destroy(c_mem);
    dnnl_primitive_destroy(matmul), dnnl_primitive_desc_destroy(pd);
    dnnl_post_ops_destroy(post_ops), dnnl_primitive_attr_destroy(attr);
    free(a), free(b), free(c);
    return times[samples / 2];
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 3;
    if (rounds < 1 || rounds > 20) {
        fprintf(stderr, "usage: %s [rounds 1-20]\n", argv[0]);
        return 2;
    }
    // M × N × K of one replica's step (2 replicas: A 8 × 128 tokens, B 4 × 256; the LM head in
    // 256-row chunks; attention per head), with A or B transposed where the step has it.
    struct { const char *what; long m, n, k; int trans_a, trans_b; } shapes[] = {
        {"A qkv", 1024, 384, 128, 0, 0},     {"A qkv dX", 1024, 128, 384, 0, 1}, {"A qkv dW", 128, 384, 1024, 1, 0},
        {"A fc2", 1024, 128, 512, 0, 0},     {"A head", 256, 2048, 128, 0, 1},   {"A scores", 128, 128, 32, 0, 1},
        {"B qkv", 1024, 768, 256, 0, 0},     {"B qkv dX", 1024, 256, 768, 0, 1}, {"B fc1", 1024, 1024, 256, 0, 0},
        {"B fc1 dW", 256, 1024, 1024, 1, 0},
        {"B fc2", 1024, 256, 1024, 0, 0},    {"B head", 256, 4096, 256, 0, 1},   {"B scores", 256, 256, 32, 0, 1},
    };
    enum { count = sizeof(shapes) / sizeof(shapes[0]) };
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    double best[count][3] = {{0}};
    char impl[count][3][64];
    for (int round = 0; round < rounds; round++) {
        for (int s = 0; s < count; s++) {
            for (int v = 0; v < 3; v++) {
                double t = time_matmul(engine, stream, shapes[s].m, shapes[s].n, shapes[s].k, shapes[s].trans_a,
                                       shapes[s].trans_b, (enum variant)v, impl[s][v], sizeof(impl[s][v]));
                double g = 2.0 * shapes[s].m * shapes[s].n * shapes[s].k / t * 1e-9;
                if (g > best[s][v]) best[s][v] = g;
            }
        }
        fprintf(stderr, "round %d of %d done\n", round + 1, rounds);
    }
    printf("oneDNN matmul, 1 thread, GFLOP/s (best of %d interleaved rounds)\n", rounds);
    printf("%-10s %6s %6s %6s  %8s %11s %15s  %-15s  %s\n", "shape", "M", "N", "K", "f32", variant_names[1],
           variant_names[2], "best bf16 / f32", "kernels: f32 / bf16 plain / bf16 preferred");
    for (int s = 0; s < count; s++) {
        double b = best[s][1] > best[s][2] ? best[s][1] : best[s][2];
        printf("%-10s %6ld %6ld %6ld  %8.1f %11.1f %15.1f  %-15.2f  %s / %s / %s\n", shapes[s].what, shapes[s].m,
               shapes[s].n, shapes[s].k, best[s][0], best[s][1], best[s][2], b / best[s][0], impl[s][0], impl[s][1],
               impl[s][2]);
    }
    dnnl_stream_destroy(stream);
    dnnl_engine_destroy(engine);
    return 0;
}
