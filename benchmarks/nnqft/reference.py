#!/usr/bin/env python3
"""Vectorised numpy reference of attnlab's NN-QFT estimator, for `attnlab bench nnqft`.

The same ensemble and the same estimator as Sources/Physics/NNQFT (gram sampler):
points on a regular n-gon of radius R in R^D; per head and draw, random Fourier features
e(x) = sqrt(2/m) cos(Omega x + b), G = E E^T, L = chol(G); logits beta * L (Zq Zk^T / sqrt(dk)) L^T;
softmax rows A; values psi = sigma_V * rho * L z with rho^2 ~ chi2(dv)/dv; phi_h = A psi;
conditional covariance C_h = sigma_V^2 rho^2 A G A^T; N_h heads summed with 1/sqrt(N_h).
Streamed per block: sums of phi_i, phi_i phi_j, phi^4 at the quadruples, C_ij and the
C pairings, so memory does not grow with the number of draws. Draws are processed in
batches of B through batched matmul (numpy's stacked BLAS calls).

Prints one JSON object: draws/s and the summary correlators (for a statistical sanity check
against attnlab's numbers, not bit-for-bit equality: the generators differ).
"""
import argparse
import json
import time

import numpy as np


def quadruples(n):
    """attnlab's Quadruple.standard(n): diagonals, (i,i,j,j) for i<j, consecutive (i..i+3)."""
    if n <= 6:
        return [(i, j, k, l) for i in range(n) for j in range(i, n) for k in range(j, n) for l in range(k, n)]
    out = [(i, i, i, i) for i in range(n)]
    out += [(i, i, j, j) for i in range(n) for j in range(i + 1, n)]
    out += [(i, i + 1, i + 2, i + 3) for i in range(n - 3)]
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dimension", type=int, default=3)
    p.add_argument("--points", type=int, default=8)
    p.add_argument("--radius", type=float, default=1.5)
    p.add_argument("--features", type=int, default=64)
    p.add_argument("--length-scale", type=float, default=1.0)
    p.add_argument("--dk", type=int, default=16)
    p.add_argument("--dv", type=int, default=16)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--logit-scale", type=float, default=1.0)
    p.add_argument("--value-scale", type=float, default=1.0)
    p.add_argument("--draws", type=int, default=20000)
    p.add_argument("--blocks", type=int, default=20)
    p.add_argument("--batch", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    n, D, m, dk, dv, H = a.points, a.dimension, a.features, a.dk, a.dv, a.heads
    beta, sv = a.logit_scale, a.value_scale
    angles = 2 * np.pi * np.arange(n) / n
    X = np.zeros((n, D))
    X[:, 0] = a.radius * np.cos(angles)
    X[:, 1] = a.radius * np.sin(angles)
    iu, ju = np.triu_indices(n)
    pair = {(int(i), int(j)): k for k, (i, j) in enumerate(zip(iu, ju))}
    quads = quadruples(n)
    qa = np.array([pair[(i, j)] for i, j, k, l in quads])
    qb = np.array([pair[(k, l)] for i, j, k, l in quads])
    ents = np.array([[i * n + j, k * n + l, i * n + k, j * n + l, i * n + l, j * n + k] for i, j, k, l in quads])
    P, Q = len(iu), len(quads)
    rng = np.random.default_rng(a.seed)

    def draw_batch(B):
        phi = np.zeros((B, n))
        C = np.zeros((B, n, n))
        for _ in range(H):
            omega = rng.standard_normal((B, D, m)) / a.length_scale
            b = rng.uniform(0, 2 * np.pi, (B, 1, m))
            E = np.sqrt(2.0 / m) * np.cos(X @ omega + b)               # (B, n, m)
            G = E @ E.transpose(0, 2, 1)                                # (B, n, n)
            L = np.linalg.cholesky(G)                                   # (B, n, n)
            zq = rng.standard_normal((B, n, dk))
            zk = rng.standard_normal((B, n, dk))
            W = (zq @ zk.transpose(0, 2, 1)) / np.sqrt(dk)              # (B, n, n)
            S = beta * (L @ W @ L.transpose(0, 2, 1))
            S -= S.max(axis=2, keepdims=True)
            A = np.exp(S)
            A /= A.sum(axis=2, keepdims=True)
            rho2 = rng.chisquare(dv, B) / dv                            # (B,)
            z = rng.standard_normal((B, n, 1))
            psi = (sv * np.sqrt(rho2))[:, None] * (L @ z)[:, :, 0]      # (B, n)
            phi += (A @ psi[:, :, None])[:, :, 0] / np.sqrt(H)
            C += (sv * sv * rho2 / H)[:, None, None] * (A @ G @ A.transpose(0, 2, 1))
        return phi, C

    dim = n + P + Q + P + Q
    sums = np.zeros((a.blocks, dim))
    counts = np.zeros(a.blocks)
    start = time.perf_counter()
    for blk in range(a.blocks):
        todo = a.draws * (blk + 1) // a.blocks - a.draws * blk // a.blocks
        while todo > 0:
            B = min(a.batch, todo)
            phi, C = draw_batch(B)
            pp = phi[:, iu] * phi[:, ju]                                # (B, P)
            cf = C.reshape(B, n * n)
            c4 = cf[:, ents[:, 0]] * cf[:, ents[:, 1]] + cf[:, ents[:, 2]] * cf[:, ents[:, 3]] + cf[:, ents[:, 4]] * cf[:, ents[:, 5]]
            sums[blk] += np.concatenate([phi.sum(0), pp.sum(0), (pp[:, qa] * pp[:, qb]).sum(0),
                                         C[:, iu, ju].sum(0), c4.sum(0)])
            counts[blk] += B
            todo -= B
    seconds = time.perf_counter() - start

    def summary(mean):
        g2 = mean[n:n + P]
        g4 = mean[n + P:n + P + Q]
        c2 = mean[n + P + Q:n + 2 * P + Q]
        c4 = mean[n + 2 * P + Q:]
        def conn(g4q, g2v, q):
            i, j, k, l = quads[q]
            g = lambda x, y: g2v[pair[(min(x, y), max(x, y))]]
            return g4q - g(i, j) * g(k, l) - g(i, k) * g(j, l) - g(i, l) * g(j, k)
        diag = [q for q, t in enumerate(quads) if t[0] == t[3]]
        return np.array([g2[0], c2[0], np.mean([conn(g4[q], g2, q) for q in diag]),
                         np.mean([conn(c4[q], c2, q) for q in diag])])

    total = sums.sum(0)
    full = summary(total / counts.sum())
    loo = np.array([summary((total - sums[b]) / (counts.sum() - counts[b])) for b in range(a.blocks)])
    err = np.sqrt((a.blocks - 1) / a.blocks * ((loo - loo.mean(0)) ** 2).sum(0))
    names = ["g2", "g2_attention", "g4c", "g4c_mixture"]
    print(json.dumps({
        "implementation": f"numpy {np.__version__}",
        "draws": int(counts.sum()),
        "seconds": seconds,
        "draws_per_second": counts.sum() / seconds,
        "values": {k: [float(v), float(e)] for k, v, e in zip(names, full, err)},
    }))


if __name__ == "__main__":
    main()
