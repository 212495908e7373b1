#!/usr/bin/env python3
"""
The reference code's turn in PyTorch, timed at the benchmark's shapes, so the lab's
`npm run bench` can print lab ÷ PyTorch ratios measured on the same machine.

Run by hand where PyTorch is installed (it is not part of `npm test`):

    python3 benchmarks/peer/turn.py --threads 2 --out benchmarks/results/peer-gpt2-small.json
    npm run bench -- --only gpt2-small --layers 12 --peer benchmarks/results/peer-gpt2-small.json

What one turn does (the UltraEdit / StableEdit code path, CPU, float32 model):
  capture   per sub-batch of 10 records: forward with hooks on each edited module's input (keys) and
            output (value gradients, via a tensor hook), loss = mean cross-entropy at the label
            positions, backward. Only the edited weights require grad, so autograd stops at the
            lowest edited module, as in the reference.
  editor    statistics per sub-batch and module (UltraEdit's diagonal running moments; StableEdit's
            exact Chan merge plus the value-gradient scatter), StableEdit's ZCA whitening through
            torch.linalg.eigh of Sigma = S / (n - d_out - 1 + eps) with eigenvalues clamped at 1e-6,
            V = -lr * |k_hat|^2 * g_hat, and the reference's PRIMAL ridge solve
            dW = (K^T K + lambda I)^-1 K^T V (a d_in x d_in system), then W += dW.
  evaluate  teacher-forced top-1 accuracy of the turn's records on their prompts (efficacy) and
            rephrases (generalization), in batches of 16, no grad, logits at every position.

Shapes: GPT-2 small (768 wide, 12 heads, MLP 3072, vocabulary 50257, random weights), the edited
modules are `--edited` consecutive MLP output projections ending at ceil(3L/4) - 1 (as the lab's
bench), records have `--prompt-tokens` prompt tokens and one answer token (the lab's bench uses the
demo stream: one-token answers, prompts of 6-10 tokens; `--lengths FILE` takes the exact lengths,
see benchmarks/peer/lengths.ts). A statistics-only priming turn of d_out + 16 synthetic rows and one
untimed turn precede the timed turns, as in the lab's bench.

Output: JSON with per-editor mean seconds per stage (capture, editor, evaluate, turn), the machine,
torch version and threads. The lab's bench reads it with --peer.
"""
import argparse
import contextlib
import json
import math
import os
import platform
import time

import torch
import torch.nn.functional as F

EPS32 = 1.1920928955078125e-07
HYPER = {"stableedit": {"lr": 1e-4, "ridge": 10.0}, "ultraedit": {"lr": 1e-4, "ridge": 1.0}}


# ---------------------------------------------------------------- models (HF layouts) ----
def attention(q, k, v, allowed):
    """Softmax attention, `allowed` a boolean mask (True = attend). F.scaled_dot_product_attention
    where torch has it (2.0+); on 1.13 the same formula written out (softmax(QKᵀ/√d_h) V, masked
    with -inf): one kernel call against a few, the same numbers to float32 rounding."""
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    scores = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    return torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1) @ v


def allowed_mask(mask):
    """Causal and padding mask [B, 1, T, T]: right padding, so every query sees at least key 0."""
    T = mask.shape[1]
    causal = torch.ones(T, T, dtype=torch.bool, device=mask.device).tril()
    return causal[None, None] & mask.bool()[:, None, None, :]


class GPT2Block(torch.nn.Module):
    def __init__(self, d, heads, inner):
        super().__init__()
        self.ln_1 = torch.nn.LayerNorm(d, eps=1e-5)
        self.c_attn = torch.nn.Linear(d, 3 * d)
        self.attn_proj = torch.nn.Linear(d, d)
        self.ln_2 = torch.nn.LayerNorm(d, eps=1e-5)
        self.c_fc = torch.nn.Linear(d, inner)
        self.c_proj = torch.nn.Linear(inner, d)  # the edited module (HF Conv1D holds it as [d_in, d_out])
        self.heads = heads

    def forward(self, x, allowed):
        B, T, d = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        shape = (B, T, self.heads, d // self.heads)
        q, k, v = (t.view(shape).transpose(1, 2) for t in (q, k, v))
        att = attention(q, k, v, allowed)
        x = x + self.attn_proj(att.transpose(1, 2).reshape(B, T, d))
        h = F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh")
        return x + self.c_proj(h)

    def edited(self):
        return self.c_proj


class GPT2(torch.nn.Module):
    def __init__(self, s, layers):
        super().__init__()
        self.wte = torch.nn.Embedding(s["vocab"], s["hidden"])
        self.wpe = torch.nn.Embedding(s["positions"], s["hidden"])
        self.h = torch.nn.ModuleList(GPT2Block(s["hidden"], s["heads"], s["inner"]) for _ in range(layers))
        self.ln_f = torch.nn.LayerNorm(s["hidden"], eps=1e-5)

    def forward(self, ids, mask):
        T = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(T, device=ids.device))[None]
        allowed = allowed_mask(mask)
        for block in self.h:
            x = block(x, allowed)
        return self.ln_f(x) @ self.wte.weight.T  # tied head, logits at every position


class RMSNorm(torch.nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat([-b, a], dim=-1)


class LlamaBlock(torch.nn.Module):
    """HF LlamaDecoderLayer (Mistral's without the sliding window): RMSNorm, RoPE, grouped-query
    attention, SwiGLU MLP; the edited module is mlp.down_proj [d_out = hidden, d_in = intermediate]."""

    def __init__(self, d, heads, kv_heads, inner):
        super().__init__()
        hd = d // heads
        self.input_layernorm = RMSNorm(d, 1e-6)
        self.q_proj = torch.nn.Linear(d, heads * hd, bias=False)
        self.k_proj = torch.nn.Linear(d, kv_heads * hd, bias=False)
        self.v_proj = torch.nn.Linear(d, kv_heads * hd, bias=False)
        self.o_proj = torch.nn.Linear(heads * hd, d, bias=False)
        self.post_attention_layernorm = RMSNorm(d, 1e-6)
        self.gate_proj = torch.nn.Linear(d, inner, bias=False)
        self.up_proj = torch.nn.Linear(d, inner, bias=False)
        self.down_proj = torch.nn.Linear(inner, d, bias=False)
        self.heads, self.kv_heads, self.hd = heads, kv_heads, hd

    def forward(self, x, allowed, cos, sin):
        B, T, d = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(B, T, self.heads, self.hd).transpose(1, 2)
        k = self.k_proj(h).view(B, T, self.kv_heads, self.hd).transpose(1, 2)
        v = self.v_proj(h).view(B, T, self.kv_heads, self.hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        rep = self.heads // self.kv_heads
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        x = x + self.o_proj(attention(q, k, v, allowed).transpose(1, 2).reshape(B, T, d))
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))

    def edited(self):
        return self.down_proj


class Llama(torch.nn.Module):
    def __init__(self, s, layers):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(s["vocab"], s["hidden"])
        self.h = torch.nn.ModuleList(LlamaBlock(s["hidden"], s["heads"], s["kv_heads"], s["inner"]) for _ in range(layers))
        self.norm = RMSNorm(s["hidden"], 1e-6)
        self.lm_head = torch.nn.Linear(s["hidden"], s["vocab"], bias=False)
        self.hd, self.theta = s["hidden"] // s["heads"], s["rope_theta"]

    def forward(self, ids, mask):
        T = ids.shape[1]
        inv = 1.0 / self.theta ** (torch.arange(0, self.hd, 2, device=ids.device, dtype=torch.float32) / self.hd)
        ang = torch.outer(torch.arange(T, device=ids.device, dtype=torch.float32), inv)
        ang = torch.cat([ang, ang], dim=-1)
        cos, sin = ang.cos()[None, None], ang.sin()[None, None]
        x = self.embed_tokens(ids)
        allowed = allowed_mask(mask)
        for block in self.h:
            x = block(x, allowed, cos, sin)
        return self.lm_head(self.norm(x))  # logits at every position


# The lab bench's MODEL_SHAPES (its shapes.ts: the public configs of the checkpoints), random weights.
# Llama-family heads are untied here (tied or not, the head's matmul costs the same) and Qwen2's
# q/k/v biases are left out (d + 2·d_kv adds per token: nothing next to the projections).
def _llama(hidden, layers, heads, kv_heads, inner, vocab, positions, rope_theta=1e5):
    return dict(
        arch=Llama, hidden=hidden, layers=layers, heads=heads, kv_heads=kv_heads, inner=inner, vocab=vocab,
        positions=positions, rope_theta=rope_theta,
    )


SHAPES = {
    "gpt2-small": dict(arch=GPT2, hidden=768, layers=12, heads=12, kv_heads=12, inner=3072, vocab=50257, positions=1024),
    "smollm2-135m": _llama(576, 30, 9, 3, 1536, 49152, 8192),
    "qwen2.5-0.5b": _llama(896, 24, 14, 2, 4864, 151936, 32768, rope_theta=1e6),
    "llama-3.2-1b": _llama(2048, 16, 32, 8, 8192, 128256, 131072),
    "llama-3-8b": _llama(4096, 32, 32, 8, 14336, 128256, 8192),
    "mistral-7b": _llama(4096, 32, 32, 8, 14336, 32000, 32768),
    # the GPU kit's --tiny shapes
    "tiny-gpt2": dict(arch=GPT2, hidden=64, layers=2, heads=4, kv_heads=4, inner=256, vocab=1024, positions=64),
    "tiny-llama": _llama(64, 2, 4, 2, 192, 1024, 64),
}


# ---------------------------------------------------------------- data ----
def make_batches(lengths, vocab, sub_batch, gen):
    """Records of (input tokens, 1 label), sorted longest first, cut and right-padded (CPU tensors,
    as a data loader hands them over; the timed stages move them to the device)."""
    recs = []
    for n in lengths:
        ids = torch.randint(1, vocab, (n,), generator=gen)
        labels = torch.full((n,), -100)
        labels[-1] = int(torch.randint(1, vocab, (1,), generator=gen))
        recs.append((ids, labels))
    recs.sort(key=lambda r: -len(r[0]))
    out = []
    for s in range(0, len(recs), sub_batch):
        chunk = recs[s : s + sub_batch]
        T = max(len(r[0]) for r in chunk)
        ids = torch.zeros(len(chunk), T, dtype=torch.long)
        mask = torch.zeros(len(chunk), T, dtype=torch.long)
        labels = torch.full((len(chunk), T), -100)
        for b, (i, l) in enumerate(chunk):
            ids[b, : len(i)] = i
            mask[b, : len(i)] = 1
            labels[b, : len(l)] = l
        out.append((ids, mask, labels))
    return out


# ---------------------------------------------------------------- editors ----
class Moments:
    """Running mean / M2 of z = [k | g]; UltraEdit's unbiased-batch-variance quirk or exact Chan."""

    def __init__(self, dim, chan, device):
        self.n, self.chan = 0, chan
        self.mean = torch.zeros(dim, dtype=torch.float64, device=device)
        self.m2 = torch.zeros(dim, dtype=torch.float64, device=device)

    def update(self, x):
        B = x.shape[0]
        n1 = self.n + B
        bm = x.mean(0)
        delta = bm - self.mean
        var = x.var(0, unbiased=not self.chan)
        self.mean += B * delta / n1
        self.m2 += B * var + self.n * B * delta**2 / n1
        self.n = n1
        return delta

    def std(self):
        return torch.sqrt(self.m2 / (self.n - 1 + EPS32))


class Editor:
    def __init__(self, name, d_in, d_out, device):
        self.name, self.d_in, self.d_out = name, d_in, d_out
        self.z = Moments(d_in + d_out, chan=name == "stableedit", device=device)
        self.scatter = torch.zeros(d_out, d_out, dtype=torch.float64, device=device) if name == "stableedit" else None

    def statistics(self, k, g):
        x = torch.cat([k, g], 1).double()
        n0 = self.z.n
        delta = self.z.update(x)
        if self.scatter is not None:
            gc = g.double() - g.double().mean(0)
            B = g.shape[0]
            dg = delta[self.d_in :]
            self.scatter += gc.T @ gc + (n0 * B / self.z.n) * torch.outer(dg, dg)

    def normalize(self, K, G):
        mean, std = self.z.mean, self.z.std()
        k_hat = (K.double() - mean[: self.d_in]) / (std[: self.d_in] + EPS32)
        if self.scatter is not None and self.z.n > self.d_out + 1:
            sigma = self.scatter / (self.z.n - self.d_out - 1 + EPS32)
            lam, U = torch.linalg.eigh(sigma)
            inv_sqrt = (U * lam.clamp_min(1e-6).rsqrt()) @ U.T
            g_hat = (G.double() - mean[self.d_in :]) @ inv_sqrt
        else:
            g_hat = (G.double() - mean[self.d_in :]) / (std[self.d_in :] + EPS32)
        return k_hat, g_hat

    def solve(self, K, G, lr, ridge):
        k_hat, g_hat = self.normalize(K, G)
        V = (-lr * (k_hat**2).sum(1, keepdim=True) * g_hat).float()
        A = K.T @ K + ridge * torch.eye(self.d_in, device=K.device)  # the reference's primal d_in x d_in system
        return torch.linalg.solve(A, K.T @ V)


# ---------------------------------------------------------------- one turn ----
def capture(model, mods, batch, device):
    ids, mask, labels = (t.to(device) for t in batch)
    keys, grads = {}, {}
    pos = (labels != -100).nonzero(as_tuple=True)
    handles = []
    for name, m in mods.items():

        def fwd(mod, inp, out, name=name):
            keys[name] = inp[0][pos].detach()
            out.register_hook(lambda gr, name=name: grads.__setitem__(name, gr[pos].detach()))

        handles.append(m.register_forward_hook(fwd))
    logits = model(ids, mask)
    loss = F.cross_entropy(logits[pos], labels[pos])
    loss.backward()
    for h in handles:
        h.remove()
    for m in mods.values():
        m.weight.grad = None
        if m.bias is not None:
            m.bias.grad = None
    return keys, grads


@torch.no_grad()
def evaluate(model, batches, device):
    hits = 0
    for batch in batches:
        ids, mask, labels = (t.to(device) for t in batch)
        logits = model(ids, mask)
        pos = labels != -100
        hits += int((logits.argmax(-1)[pos] == labels[pos]).sum())
    return hits


def clock(device):
    """perf_counter after the device's queued work is done (CUDA kernels run asynchronously)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter()


def turn(model, mods, editors, name, batches, eval_batches, device):
    t = clock(device)
    caps = [capture(model, mods, b, device) for b in batches]
    t1 = clock(device)
    t_cap = t1 - t
    h = HYPER[name]
    with torch.no_grad():
        for keys, grads in caps:
            for m in mods:  # one normalizer per shape: the edited modules share it
                editors[m].statistics(keys[m], grads[m])
        deltas = {}
        for m in mods:
            K = torch.cat([c[0][m] for c in caps])
            G = torch.cat([c[1][m] for c in caps])
            deltas[m] = editors[m].solve(K, G, h["lr"], h["ridge"])
        for m, d in deltas.items():
            mods[m].weight += d.T  # torch Linear holds [d_out, d_in]
    t2 = clock(device)
    t_ed = t2 - t1
    for eb in eval_batches:
        evaluate(model, eb, device)
    t_ev = clock(device) - t2
    return {"capture": t_cap, "editor": t_ed, "evaluate": t_ev, "turn": t_cap + t_ed + t_ev}


def edited_layers(layers, count):
    """The lab's editedLayerIndices: `count` consecutive layers ending at ceil(3L/4) (at least `count`)."""
    n = min(count, layers)
    end = max(n, math.ceil(3 * layers / 4))
    return list(range(end - n, end))


def blas_note():
    """Which BLAS torch's float32 matmuls run on, and the OpenBLAS overrides in the environment."""
    cfg = torch.__config__.show()
    blas = next((p.split("=")[1] for p in cfg.replace(",", " ").split() if p.startswith("BLAS_INFO=")), "?")
    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS") if k in os.environ}
    return {"blasInfo": blas, "env": env}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="gpt2-small", choices=sorted(SHAPES))
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--edited", type=int, default=2, help="edited MLP output projections (bench quick: 2)")
    ap.add_argument("--n-edits", type=int, default=100)
    ap.add_argument("--sub-batch", type=int, default=10)
    ap.add_argument("--eval-batch", type=int, default=16)
    ap.add_argument("--prompt-tokens", type=int, default=8)
    ap.add_argument("--lengths", help="JSON {efficacy: [...], generalization: [...]} of input lengths per record")
    ap.add_argument("--turns", type=int, default=1, help="timed turns (after one untimed turn)")
    ap.add_argument("--editors", default="stableedit,ultraedit")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (the editor math stays float64 there too)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    device = torch.device(a.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit(f"turn.py: --device {a.device}: this torch ({torch.__version__}) sees no CUDA device")
    torch.set_num_threads(a.threads)
    s = SHAPES[a.model]
    if not 1 <= a.layers <= s["layers"]:
        raise SystemExit(f"turn.py: --layers {a.layers}: {a.model} has 1..{s['layers']} layers")
    d, inner = s["hidden"], s["inner"]
    edited = edited_layers(a.layers, a.edited)
    if a.lengths:
        with open(a.lengths) as f:
            lengths = json.load(f)
        eff, gen = lengths["efficacy"][: a.n_edits], lengths["generalization"][: a.n_edits]
    else:
        eff = gen = [a.prompt_tokens] * a.n_edits
    result = {
        "peer": "pytorch",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "device": str(device) if device.type == "cpu" else f"{device} ({torch.cuda.get_device_name(device)})",
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical cores, Python {platform.python_version()}",
        "blas": blas_note(),
        "model": a.model,
        "layers": a.layers,
        "edited": edited,
        "nEdits": a.n_edits,
        "subBatch": a.sub_batch,
        "turns": a.turns,
        "editors": {},
    }
    for name in a.editors.split(","):
        torch.manual_seed(1)
        with device if device.type == "cuda" and hasattr(torch.device, "__enter__") else contextlib.nullcontext():
            model = s["arch"](s, a.layers)
        with torch.no_grad():
            for p_name, p in model.named_parameters():
                if p_name.endswith("weight") and p.dim() == 2:
                    p.normal_(0, 0.5 if p_name.startswith(("wte", "wpe", "embed_tokens", "lm_head")) else 0.02)
        model.requires_grad_(False)
        model.to(device)
        mods = {f"h.{l}.edited": model.h[l].edited() for l in edited}
        for m in mods.values():
            m.weight.requires_grad_(True)
            if m.bias is not None:
                m.bias.requires_grad_(True)
        shared = Editor(name, inner, d, device)  # one normalizer per weight shape
        editors = {m: shared for m in mods}
        gen_ = torch.Generator().manual_seed(3)
        prime = torch.randn(d + 16, inner, generator=gen_), 1e-3 * torch.randn(d + 16, d, generator=gen_)
        for m in mods:
            editors[m].statistics(*(t.to(device) for t in prime))
        sums = {"capture": 0.0, "editor": 0.0, "evaluate": 0.0, "turn": 0.0}
        for t in range(a.turns + 1):
            g = torch.Generator().manual_seed(100 + t)
            batches = make_batches(eff, s["vocab"], a.sub_batch, g)
            eval_batches = [make_batches(eff, s["vocab"], a.eval_batch, g), make_batches(gen, s["vocab"], a.eval_batch, g)]
            r = turn(model, mods, editors, name, batches, eval_batches, device)
            print(f"{name} turn {t}: " + ", ".join(f"{k} {v:.2f} s" for k, v in r.items()), flush=True)
            if t > 0:
                for k in sums:
                    sums[k] += r[k] / a.turns
        result["editors"][name] = {k: round(v, 3) for k, v in sums.items()}
        del model, mods, editors, shared
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
