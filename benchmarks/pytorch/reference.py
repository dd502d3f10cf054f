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

`--ddp-ranks N` (N > 1) trains the same step data-parallel: N processes (gloo on 127.0.0.1), each
with threads ÷ N intra-op threads (at least 1) and batch ÷ N sequences, the model wrapped in
DistributedDataParallel (gradients averaged over the ranks, so the update is the whole batch's).
Every rank waits at a barrier before each clock read, so a step's time is the slowest rank's;
tokens/s counts the whole batch. The JSON adds `ddp_ranks` and `threads_per_rank`; `peak_rss_mb`
is the sum of the ranks' peaks. A rank that fails ends the others and the script exits with 1.
"""
import argparse, datetime, json, math, os, resource, statistics, sys, time

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


def training_step(model, opt, sched, vocab, b, t, sync=None):
    """A function that runs one timed training step on a random batch of `b` sequences and returns
    its seconds; `sync` (a barrier of all ranks), when given, runs before each clock read."""
    data = torch.randint(0, vocab, (200_000,))

    def step():
        starts = torch.randint(0, len(data) - t - 1, (b,))
        idx = torch.stack([data[s:s + t] for s in starts])
        tgt = torch.stack([data[s + 1:s + t + 1] for s in starts])
        if sync: sync()
        start = time.perf_counter()
        loss = model(idx, tgt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if sync: sync()
        return time.perf_counter() - start
    return step


def build(config, mixing, threads, init, flush_denormal):
    """The seeded model of `config` on `threads` intra-op threads, and its config."""
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    torch.set_flush_denormal(flush_denormal)
    cfg = CONFIGS[config]
    model = Model(cfg["vocab"], cfg["width"], cfg["layers"], cfg["heads"], cfg["context"], mixing)
    if init == "gpt2":
        initialise_like_attnlab(model, cfg["layers"])
    return model, cfg


def summary(model, cfg, config, mixing, threads, init, flush_denormal, times, peak_mb):
    """The JSON object of a measurement: `times` are the timed steps' seconds for the whole batch."""
    params = sum(p.numel() for p in model.parameters())
    median = statistics.median(times)
    # Model FLOPs per token as attnlab counts them: 6 × (block matrices + LM head) + 12·L·T·C.
    matmul = sum(p.numel() for p in model.blocks.parameters() if p.dim() == 2) + cfg["vocab"] * cfg["width"]
    flops = 6 * matmul + 12 * cfg["layers"] * cfg["context"] * cfg["width"]
    return dict(framework=f"pytorch {torch.__version__.split('+')[0]}", mixing=mixing, config=config, parameters=params,
                threads=threads, tokens_per_second=cfg["batch"] * cfg["context"] / median, seconds_per_step=median,
                flops_per_token=flops, peak_rss_mb=peak_mb, init=init, flush_denormal=flush_denormal,
                mkldnn=torch.backends.mkldnn.is_available(), cpu_capability=torch.backends.cpu.get_cpu_capability())


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(config, mixing, steps, warmup, threads, init="gpt2", flush_denormal=True):
    model, cfg = build(config, mixing, threads, init, flush_denormal)
    total = warmup + steps
    opt, sched = optimiser(model, max(total + 1, 1000))
    step = training_step(model, opt, sched, cfg["vocab"], cfg["batch"], cfg["context"])
    times = [step() for _ in range(total)][warmup:]
    return summary(model, cfg, config, mixing, threads, init, flush_denormal, times, peak_rss_mb())


# DistributedDataParallel's settings. The gradients live in the all-reduce buffers (no copy); on 2
# cores, DDP's defaults, one bucket, 1 MB buckets and static_graph measured within noise of this
# (docs/BENCHMARKS.md).
DDP_OPTIONS = dict(gradient_as_bucket_view=True)


def ddp_rank(rank, ranks, port, results, config, mixing, steps, warmup, threads, init, flush_denormal, options):
    """One rank of `run_ddp`: joins the process group, measures, and leaves it; rank 0 sends the
    summary to `results`."""
    import torch.distributed as dist
    timeout = datetime.timedelta(minutes=10)   # a collective no rank reaches in 10 min is a hang
    store = dist.TCPStore("127.0.0.1", port, is_master=False, timeout=timeout)
    dist.init_process_group("gloo", store=store, rank=rank, world_size=ranks, timeout=timeout)
    out = ddp_measure(rank, ranks, config, mixing, steps, warmup, threads, init, flush_denormal, options)
    if out is not None:
        results.put(out)
    dist.barrier()
    dist.destroy_process_group()
    # A DistributedDataParallel, once built, keeps the gloo group's threads alive past
    # destroy_process_group (torch 2.13); tearing them down in the interpreter's exit aborts the
    # process (std::terminate) in about 1 run in 10. The work is done and sent: skip that teardown.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def ddp_measure(rank, ranks, config, mixing, steps, warmup, threads, init, flush_denormal, options):
    """This rank's shard of the batch, gradients averaged by DDP; rank 0 returns the summary (every
    rank's peak RSS summed), the others None."""
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel
    model, cfg = build(config, mixing, max(1, threads // ranks), init, flush_denormal)
    total = warmup + steps
    opt, sched = optimiser(model, max(total + 1, 1000))
    ddp = DistributedDataParallel(model, **options)
    # ddp.parameters() are the model's own tensors: the step clips the averaged gradients.
    step = training_step(ddp, opt, sched, cfg["vocab"], cfg["batch"] // ranks, cfg["context"], sync=dist.barrier)
    torch.manual_seed(1 + rank)   # the same corpus on every rank, each its own batch positions
    times = [step() for _ in range(total)][warmup:]
    peaks = [None] * ranks
    dist.all_gather_object(peaks, peak_rss_mb())
    if rank > 0:
        return None
    out = summary(model, cfg, config, mixing, threads, init, flush_denormal, times, sum(peaks))
    out.update(ddp_ranks=ranks, threads_per_rank=max(1, threads // ranks))
    return out


def run_ddp(config, mixing, steps, warmup, threads, ranks, init="gpt2", flush_denormal=True, options=None):
    """The measurement of `run` with the batch split over `ranks` processes (DDP, gloo)."""
    import torch.distributed as dist
    import torch.multiprocessing as mp
    # The store lives in this process on a port the system picks, so no rank races for a free port.
    store = dist.TCPStore("127.0.0.1", 0, is_master=True, wait_for_workers=False)
    results = mp.get_context("spawn").SimpleQueue()
    args = (ranks, store.port, results, config, mixing, steps, warmup, threads, init, flush_denormal,
            DDP_OPTIONS if options is None else options)
    # Any rank that raises or dies makes spawn terminate the others and raise here; a rank whose
    # parent dies gets SIGINT.
    mp.spawn(ddp_rank, args=args, nprocs=ranks, join=True)
    return results.get()


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
    ap.add_argument("--ddp-ranks", type=int, default=1,
                    help="train data-parallel on N processes (DDP, gloo), threads ÷ N threads each (default 1: one process)")
    a = ap.parse_args()
    if a.ddp_ranks < 1:
        ap.error(f"--ddp-ranks: expected a positive number of processes, got {a.ddp_ranks}")
    if CONFIGS[a.config]["batch"] % a.ddp_ranks:
        ap.error(f"--ddp-ranks {a.ddp_ranks} does not divide config {a.config}'s batch of {CONFIGS[a.config]['batch']} sequences")
    flush = a.flush_denormal == "on"
    if a.ddp_ranks == 1:
        print(json.dumps(run(a.config, a.mixing, a.steps, a.warmup, a.threads, a.init, flush)))
        sys.exit(0)
    from torch.multiprocessing.spawn import ProcessException
    try:
        print(json.dumps(run_ddp(a.config, a.mixing, a.steps, a.warmup, a.threads, a.ddp_ranks, a.init, flush)))
    except ProcessException as e:
        sys.exit(f"reference.py: --ddp-ranks {a.ddp_ranks}: rank {e.error_index} (pid {e.error_pid}) failed, "
                 f"the other ranks were stopped: {str(e).strip()}")
