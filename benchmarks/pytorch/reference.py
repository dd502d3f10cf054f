"""PyTorch reference of attnlab's training step, for `make bench` (docs/BENCHMARKS.md).

The same models and step as `attnlab bench train`: a pre-norm decoder with learned positions,
tied embeddings, GELU (tanh form) feed-forward of width 4C, AdamW (weight decay 0.1 on matrices),
OneCycle, gradient clipping at 1.0, on random tokens. Mixing: causal softmax attention
(scaled_dot_product_attention or a hand-written masked softmax) or causal linear attention with
φ(x) = 1 + x and count normalisation (the attnlab `qsf` block's attention path, cumulative sums).
Prints one JSON object per measurement: tokens/s is the median over timed steps after warm-up.

Two settings make the comparison fair (docs/BENCHMARKS.md), and the JSON records both:
- `--init gpt2` (default) initialises as attnlab does: weights N(0, 0.02), the residual output
  projections N(0, 0.02/√(2L)), positions N(0, 0.01), biases 0, no weight decay on the
  embeddings. PyTorch's own defaults (`--init torch`) draw the tied embedding from N(0, 1): the
  logits then have a standard deviation near √C, the softmax puts probabilities below 2⁻¹²⁶ on
  most of the vocabulary, and the LM head's backward GEMMs read those subnormals
  (benchmarks/pytorch/denormals.py traces it).
- `--flush-denormal on` (default) calls torch.set_flush_denormal(True), so no operator pays the
  Intel microcode penalty for a subnormal operand, as attnlab's training threads do (FTZ/DAZ).
"""
import argparse, json, math, resource, statistics, time

import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {
    "A": dict(vocab=2048, width=128, layers=4, heads=4, context=128, batch=16),
    "B": dict(vocab=4096, width=256, layers=6, heads=8, context=256, batch=8),
}


class Attention(nn.Module):
    def __init__(self, c, heads, mixing):
        super().__init__()
        self.qkv, self.out, self.heads, self.mixing = nn.Linear(c, 3 * c), nn.Linear(c, c), heads, mixing

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        if self.mixing == "sdpa":
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        elif self.mixing == "manual":
            s = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
            mask = torch.triu(torch.ones(t, t, dtype=torch.bool), 1)
            y = s.masked_fill(mask, float("-inf")).softmax(-1) @ v
        else:  # causal linear attention, phi(x) = 1 + x, count normalisation, cumulative sums
            q, k = 1 + q, 1 + k
            kv = torch.cumsum(k.unsqueeze(-1) * v.unsqueeze(-2), dim=2)            # (B, H, T, D, D)
            y = (q.unsqueeze(-2) @ kv).squeeze(-2) / torch.arange(1, t + 1).view(1, 1, t, 1)
        return self.out(y.transpose(1, 2).reshape(b, t, c))


class Block(nn.Module):
    def __init__(self, c, heads, mixing):
        super().__init__()
        self.n1, self.n2 = nn.LayerNorm(c), nn.LayerNorm(c)
        self.attn = Attention(c, heads, mixing)
        self.up, self.down = nn.Linear(c, 4 * c), nn.Linear(4 * c, c)

    def forward(self, x):
        x = x + self.attn(self.n1(x))
        return x + self.down(F.gelu(self.up(self.n2(x)), approximate="tanh"))


class Model(nn.Module):
    def __init__(self, vocab, width, layers, heads, context, mixing):
        super().__init__()
        self.tokens, self.positions = nn.Embedding(vocab, width), nn.Embedding(context, width)
        self.blocks = nn.ModuleList(Block(width, heads, mixing) for _ in range(layers))
        self.norm = nn.LayerNorm(width)

    def forward(self, idx, targets):
        x = self.tokens(idx) + self.positions.weight[: idx.shape[1]]
        for block in self.blocks:
            x = block(x)
        logits = self.norm(x) @ self.tokens.weight.t()
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1))


def initialise_like_attnlab(model, layers):
    """attnlab's initialisation (Models/Architecture): N(0, 0.02) weights, N(0, 0.02/√(2L)) for the
    projections that write into the residual stream, N(0, 0.01) positions, zero biases."""
    residual = 0.02 / math.sqrt(2 * layers)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):   # linear biases (LayerNorm's are zero already)
                p.zero_()
            elif p.dim() == 2:
                std = residual if name.endswith(("attn.out.weight", "down.weight")) else 0.02
                p.normal_(0, 0.01 if name.startswith("positions") else std)
    model.no_decay = {"tokens.weight", "positions.weight"}


def optimiser(model, schedule_steps):
    """AdamW (decay 0.1 on matrices except attnlab's undecayed embeddings) and the start of a
    OneCycle schedule of `schedule_steps` steps, as attnlab's benchmark (stable for short runs)."""
    skip = getattr(model, "no_decay", set())
    named = list(model.named_parameters())
    decay = [p for n, p in named if p.dim() >= 2 and n not in skip]
    other = [p for n, p in named if p.dim() < 2 or n in skip]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}], lr=1e-3)
    return opt, torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=schedule_steps)


def training_step(model, opt, sched, vocab, b, t):
    """A function that runs one timed training step on a random batch and returns its seconds."""
    data = torch.randint(0, vocab, (200_000,))

    def step():
        starts = torch.randint(0, len(data) - t - 1, (b,))
        idx = torch.stack([data[s:s + t] for s in starts])
        tgt = torch.stack([data[s + 1:s + t + 1] for s in starts])
        start = time.perf_counter()
        loss = model(idx, tgt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        return time.perf_counter() - start
    return step


def run(config, mixing, steps, warmup, threads, init="gpt2", flush_denormal=True):
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    torch.set_flush_denormal(flush_denormal)
    cfg = CONFIGS[config]
    model = Model(cfg["vocab"], cfg["width"], cfg["layers"], cfg["heads"], cfg["context"], mixing)
    if init == "gpt2":
        initialise_like_attnlab(model, cfg["layers"])
    total = warmup + steps
    opt, sched = optimiser(model, max(total + 1, 1000))
    b, t = cfg["batch"], cfg["context"]
    step = training_step(model, opt, sched, cfg["vocab"], b, t)
    times = [step() for _ in range(total)][warmup:]
    params = sum(p.numel() for p in model.parameters())
    median = statistics.median(times)
    # Model FLOPs per token as attnlab counts them: 6 × (block matrices + LM head) + 12·L·T·C.
    matmul = sum(p.numel() for p in model.blocks.parameters() if p.dim() == 2) + cfg["vocab"] * cfg["width"]
    flops = 6 * matmul + 12 * cfg["layers"] * cfg["context"] * cfg["width"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return dict(framework=f"pytorch {torch.__version__.split('+')[0]}", mixing=mixing, config=config, parameters=params,
                threads=threads, tokens_per_second=b * t / median, seconds_per_step=median,
                flops_per_token=flops, peak_rss_mb=peak_mb, init=init, flush_denormal=flush_denormal,
                mkldnn=torch.backends.mkldnn.is_available(), cpu_capability=torch.backends.cpu.get_cpu_capability())


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="A", choices=sorted(CONFIGS))
    ap.add_argument("--mixing", default="sdpa", choices=["sdpa", "manual", "linear"])
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--init", default="gpt2", choices=["gpt2", "torch"],
                    help="gpt2: attnlab's initialisation (default); torch: PyTorch's module defaults")
    ap.add_argument("--flush-denormal", default="on", choices=["on", "off"],
                    help="torch.set_flush_denormal (default on, as attnlab's training threads)")
    a = ap.parse_args()
    print(json.dumps(run(a.config, a.mixing, a.steps, a.warmup, a.threads, a.init, a.flush_denormal == "on")))
