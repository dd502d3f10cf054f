// VectorKernels — Float element-wise and row kernels of the training step (vector_kernels.c).
//
// Each function is compiled three times (AVX-512, AVX2, baseline x86-64) and dispatches to
// the best variant the CPU supports, so one binary runs everywhere. All kernels work on
// 16-lane vectors with a fixed lane layout and are compiled without floating-point
// contraction, so every variant returns the same bits (VectorKernelTests runs each one).
// The callers split work into blocks of rows or elements; a kernel's result for a row never
// depends on how the rows were split.
//
// Pointers marked `restrict` must not overlap; the others may be the same buffer (in place).
#ifndef ALAB_VECTOR_KERNELS_H
#define ALAB_VECTOR_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The kernel variants, in increasing capability.
enum { ALAB_VK_BASELINE = 0, ALAB_VK_AVX2 = 1, ALAB_VK_AVX512 = 2 };

/// The best variant this CPU runs (what every thread uses unless it chose another).
int alab_vector_kernels_best_variant(void);

/// The variant the calling thread's kernel calls run.
int alab_vector_kernels_variant(void);

/// Makes the calling thread's kernel calls run `variant` (−1: back to the best). Returns −1,
/// changing nothing, when the CPU cannot run it. Other threads are not affected.
int alab_vector_kernels_use_variant(int variant);

/// y = exp(x): Cephes expf, ≤ 2 ulp on [−87.3, 88], 0 below −87.33654, e⁸⁸ above 88, NaN → NaN.
void alab_exp_f32(const float *x, float *y, long n);

/// y = tanh(x) = sign(x)(1 − 2/(e^{2|x|} + 1)); absolute error ≤ 3e-7.
void alab_tanh_f32(const float *x, float *y, long n);

/// y = 1/(1 + exp(−x)).
void alab_sigmoid_f32(const float *x, float *y, long n);

/// y = exp(x − shift) for n entries (x may equal y); returns Σ y.
float alab_exp_shifted_f32(const float *x, float *y, long n, float shift);

/// y[r][j] = x[r][j] · a_r + shift for `rows` rows of n entries, rows `ldx` and `ldy` apart;
/// a_r = scales[r], or `scale` when `scales` is NULL. x and y may be the same rows (in place).
void alab_rows_scale_shift_f32(const float *x, long ldx, float *y, long ldy, long rows, long n, const float *scales,
                               float scale, float shift);

/// sums[j] += x[0][j] + x[1][j] + … + x[rows−1][j] (added row by row, in order), rows `ldx` apart.
void alab_column_sums_accumulate_f32(const float *restrict x, long ldx, long rows, long n, float *restrict sums);

/// GELU, tanh form: t = tanh(√(2/π)(x + 0.044715x³)), y = ½x(1 + t). `t` may be NULL.
void alab_gelu_forward_f32(const float *restrict x, float *restrict y, float *restrict t, long n);

/// dx += g · GELU′(x) with t saved by the forward pass (dx = g · GELU′(x) when `accumulate` is 0);
/// t NULL recomputes it from x as the forward pass does (the same values).
void alab_gelu_backward_f32(const float *restrict g, const float *restrict x, const float *restrict t,
                            float *restrict dx, long n, int accumulate);

/// Layer norm of `rows` rows of width c: y = (x − μ)·rstd ⊙ w + b, rstd = 1/√(σ² + eps);
/// writes μ and rstd per row. w and b may be NULL.
void alab_layernorm_forward_f32(const float *restrict x, const float *restrict w, const float *restrict b,
                                float *restrict y, float *restrict mean, float *restrict rstd,
                                long rows, long c, float eps);

/// dx += (d − mean(d) − n·mean(d ⊙ n))·rstd per row, with n = (x − μ)·rstd and d = w ⊙ dy
/// (d = dy when w is NULL).
void alab_layernorm_backward_dx_f32(const float *restrict dy, const float *restrict x, const float *restrict w,
                                    const float *restrict mean, const float *restrict rstd,
                                    float *restrict dx, long rows, long c);

/// dw[i] += Σ_r dy[r,i]·(x[r,i] − μ_r)·rstd_r and db[i] += Σ_r dy[r,i] for columns
/// [col0, col1), summed over all rows in row order. dw or db may be NULL.
void alab_layernorm_backward_dwdb_f32(const float *restrict dy, const float *restrict x,
                                      const float *restrict mean, const float *restrict rstd,
                                      float *restrict dw, float *restrict db,
                                      long rows, long c, long col0, long col1);

/// y = softmax(x) per row of width n (max-subtracted; a row of −∞ uses shift 0). x may equal y.
void alab_softmax_rows_f32(const float *x, float *y, long rows, long n);

/// Fused log-softmax + NLL per row: probs = softmax(logits); loss[r] = logsumexp − logits[r, t]
/// for target t ≥ 0, else 0.
void alab_cross_entropy_forward_f32(const float *restrict logits, const int32_t *restrict targets,
                                    float *restrict probs, double *restrict loss, long rows, long n);

/// dlogits[r] += scale·(probs[r] − onehot(t)) for rows with target t ≥ 0.
void alab_cross_entropy_backward_f32(const float *restrict probs, const int32_t *restrict targets,
                                     float *restrict dx, long rows, long n, float scale);

/// Causal softmax in place over a (T, T) block: row i is softmax over columns 0…i, zeros after.
void alab_causal_softmax_rows_f32(float *p, long t);

/// dS = P ⊙ (dP − rowsum(dP ⊙ P))·scale written over dP; columns after the diagonal are 0.
void alab_causal_softmax_backward_rows_f32(const float *restrict p, float *restrict dp, long t, float scale);

/// AdamW step (PyTorch's order of operations): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// w ← w·decay − stepSize·m/(√v/rootBC2 + eps).
void alab_adamw_f32(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, long n,
                    float decay, float beta1, float beta2, float step_size, float root_bc2, float eps);

/// Σ x², accumulated in double.
double alab_sum_of_squares_f32(const float *x, long n);

#ifdef __cplusplus
}
#endif
#endif
