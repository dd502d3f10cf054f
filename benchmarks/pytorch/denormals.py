"""Where subnormal floats arise in the PyTorch reference's training step (docs/BENCHMARKS.md).

Runs reference.py's model and step (same seed, data, optimiser and schedule) with subnormals
kept, and after the warm-up steps records one step under a TorchDispatchMode that sees every
ATen operator of the forward pass, the backward pass and the optimiser: for each operator it
counts the subnormal entries (0 < |x| < 2⁻¹²⁶) of its float inputs and of its outputs. An
operator whose outputs hold subnormals while its inputs held none is where they arise; one that
reads them pays the Intel microcode penalty. Prints one JSON object: per operator (with its
output shape), the counts, largest first, and the step time with subnormals kept and flushed
(torch.set_flush_denormal), measured outside the trace.

    .venv-bench/bin/python benchmarks/pytorch/denormals.py --config A --mixing sdpa [--init torch]
"""
import argparse, json

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

import reference



def subnormals(values):
    n = 0
    for t in tree_flatten(values)[0]:
        if torch.is_tensor(t) and t.dtype in (torch.float32, torch.float64) and t.numel() > 0:
            a = t.detach().abs()
            n += int(((a > 0) & (a < torch.finfo(t.dtype).tiny)).sum())
    return n


class CountSubnormals(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.rows = {}

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        read = subnormals((args, kwargs))
        out = func(*args, **kwargs)
        made = subnormals(out)
        shape = tuple(out.shape) if torch.is_tensor(out) else None
        key = f"{func.overloadpacket.__name__} -> {list(shape) if shape is not None else '…'}"
        r = self.rows.setdefault(key, dict(op=key, calls=0, subnormal_inputs=0, subnormal_outputs=0))
        r["calls"] += 1
        r["subnormal_inputs"] += read
        r["subnormal_outputs"] += made
        return out


def trace(config, mixing, init, warmup, threads):
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    torch.set_flush_denormal(False)
    cfg = reference.CONFIGS[config]
    model = reference.Model(cfg["vocab"], cfg["width"], cfg["layers"], cfg["heads"], cfg["context"], mixing)
    if init == "gpt2":
        reference.initialise_like_attnlab(model, cfg["layers"])
    opt, sched = reference.optimiser(model, 1000)
    step = reference.training_step(model, opt, sched, cfg["vocab"], cfg["batch"], cfg["context"])

    for _ in range(warmup):
        step()
    counter = CountSubnormals()
    with counter:
        step()
    kept = sorted(step() for _ in range(3))[1]
    torch.set_flush_denormal(True)
    flushed = sorted(step() for _ in range(3))[1]
    rows = sorted((r for r in counter.rows.values() if r["subnormal_inputs"] or r["subnormal_outputs"]),
                  key=lambda r: -(r["subnormal_inputs"] + r["subnormal_outputs"]))
    return dict(config=config, mixing=mixing, init=init, warmup_steps=warmup,
                step_seconds=dict(subnormals_kept=kept, flush_denormal=flushed),
                operators_with_subnormals=rows, operators_seen=len(counter.rows))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="A", choices=sorted(reference.CONFIGS))
    ap.add_argument("--mixing", default="sdpa", choices=["sdpa", "manual", "linear"])
    ap.add_argument("--init", default="gpt2", choices=["gpt2", "torch"])
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    print(json.dumps(trace(a.config, a.mixing, a.init, a.warmup, a.threads), indent=1))
