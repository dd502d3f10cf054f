"""Regenerates the PyTorch parity fixtures under Tests/ModelsTests/Fixtures/PyTorchParity/.

attnlab trains a tiny model for a few steps and exports its weights (checkpoint/model.safetensors);
the reference model of reference.py loads those weights and computes, in float64, the logits, the
mean cross-entropy and the gradient of that loss with respect to every parameter on a fixed batch.
One fixture per model holds the weights that went in (attnlab names and layouts, float32) and the
values that came out (float64); Tests/ModelsTests/PyTorchParityTests.swift holds attnlab to them.
The test needs no Python: run this only when the fixture must change (e.g. a new architecture).

From the repository root, after `swift build -c release --product attnlab`:

    py=$(benchmarks/pytorch/setup.sh) && "$py" benchmarks/pytorch/parity.py

Safetensors files are read and written here with numpy alone (no safetensors package needed).
"""
import argparse, json, os, struct, subprocess, sys, tempfile

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import Model  # noqa: E402  (the benchmark's reference model)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "Tests", "ModelsTests", "Fixtures", "PyTorchParity")
# attnlab architecture → reference.py mixing.
MODELS = {"transformer": "manual", "linear": "linear"}
# The tiny model: width 8, 2 layers of 2 heads, context 8, 4C feed-forward, tied embeddings.
TRAIN = ["--width", "8", "--layers", "2", "--heads", "2", "--seq-len", "8", "--batch", "4", "--documents", "200",
         "--vocab", "300", "--steps", "40", "--lr", "0.01", "--eval-interval", "40", "--checkpoint-interval", "40",
         "--seed", "3"]
BATCH, LENGTH, SEED = 2, 8, 20260


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    dtypes = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64}
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(body[start:end], dtype=dtypes[entry["dtype"]]).reshape(entry["shape"])
    return tensors, header.get("__metadata__", {})


def write_safetensors(path, tensors, metadata):
    names = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.int32): "I32"}
    header, chunks, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": names[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def torch_names(config):
    """attnlab parameter name → (reference.py parameter name, transposed?)."""
    mixer = "attn" if config["architecture"] == "transformer" else "linattn"
    names = {"embed.tokens.weight": ("tokens.weight", False), "embed.positions.weight": ("positions.weight", False),
             "norm.weight": ("norm.weight", False), "norm.bias": ("norm.bias", False)}
    for i in range(config["layers"]):
        for ours, theirs in [("norm1", "n1"), ("norm2", "n2")]:
            for p in ("weight", "bias"):
                names[f"blocks.{i}.{ours}.{p}"] = (f"blocks.{i}.{theirs}.{p}", False)
        for ours, theirs in [(f"{mixer}.qkv", "attn.qkv"), (f"{mixer}.out", "attn.out"), ("ffn.up", "up"), ("ffn.down", "down")]:
            names[f"blocks.{i}.{ours}.weight"] = (f"blocks.{i}.{theirs}.weight", True)   # attnlab stores (in, out)
            names[f"blocks.{i}.{ours}.bias"] = (f"blocks.{i}.{theirs}.bias", False)
    return names


def fixture(attnlab, architecture, work):
    run = os.path.join(work, architecture)
    subprocess.run([attnlab, "train", "--arch", architecture, *TRAIN, "--out", run], check=True,
                   stdout=subprocess.DEVNULL)
    weights, _ = read_safetensors(os.path.join(run, "checkpoint", "model.safetensors"))
    with open(os.path.join(run, "checkpoint", "config.json")) as f:
        config = json.load(f)["model"]
    assert config["feedForward"] == 4 * config["width"] and config["tiedEmbeddings"] and config["learnedPositions"]
    assert config["linearAttentionNormalisation"] == "count"
    torch.manual_seed(0)
    model = Model(config["vocabularySize"], config["width"], config["layers"], config["heads"],
                  config["contextLength"], MODELS[architecture]).double()
    names = torch_names(config)
    parameters = dict(model.named_parameters())
    assert sorted(n for n, _ in names.values()) == sorted(parameters), "reference.py's parameters changed"
    with torch.no_grad():
        for ours, (theirs, transposed) in names.items():
            w = torch.from_numpy(weights[ours].astype(np.float64))
            parameters[theirs].copy_(w.t() if transposed else w)

    generator = np.random.default_rng(SEED)
    tokens = generator.integers(0, config["vocabularySize"], size=(BATCH, LENGTH + 1)).astype(np.int32)
    idx = torch.from_numpy(tokens[:, :-1].astype(np.int64))
    targets = torch.from_numpy(tokens[:, 1:].astype(np.int64))
    # Model.forward up to the logits (it returns only the loss).
    x = model.tokens(idx) + model.positions.weight[:LENGTH]
    for block in model.blocks:
        x = block(x)
    logits = model.norm(x) @ model.tokens.weight.t()                                 # (B, T, V)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    assert torch.allclose(loss, model(idx, targets))
    loss.backward()

    out = {name: weights[name] for name in names}
    out["tokens"] = tokens[:, :-1].reshape(-1).copy()
    out["targets"] = tokens[:, 1:].reshape(-1).copy()
    out["logits"] = logits.detach().numpy()
    out["loss"] = np.array(loss.item(), dtype=np.float64)
    for ours, (theirs, transposed) in names.items():
        g = parameters[theirs].grad
        out[f"grad.{ours}"] = (g.t() if transposed else g).contiguous().numpy()
    metadata = {"model": json.dumps(config, sort_keys=True), "batch": str(BATCH), "length": str(LENGTH),
                "reference": f"benchmarks/pytorch/reference.py (mixing {MODELS[architecture]}), "
                             f"torch {torch.__version__}, float64",
                "weights": "attnlab train --arch " + architecture + " " + " ".join(TRAIN)}
    path = os.path.join(OUT, f"{architecture}.safetensors")
    write_safetensors(path, out, metadata)
    print(f"{path}: loss {loss.item():.6f}, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--attnlab", default=os.path.join(ROOT, ".build", "release", "attnlab"))
    ap.add_argument("--arch", nargs="*", default=sorted(MODELS), choices=sorted(MODELS))
    a = ap.parse_args()
    torch.set_default_dtype(torch.float64)
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for architecture in a.arch:
            fixture(a.attnlab, architecture, work)
