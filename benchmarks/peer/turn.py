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
import json
import math
import os
import platform
import time

import torch
import torch.nn.functional as F

EPS32 = 1.1920928955078125e-07
HYPER = {"stableedit": {"lr": 1e-4, "ridge": 10.0}, "ultraedit": {"lr": 1e-4, "ridge": 1.0}}


# ---------------------------------------------------------------- model (GPT-2, HF layout) ----
class Block(torch.nn.Module):
    def __init__(self, d, heads, inner):
        super().__init__()
        self.ln_1 = torch.nn.LayerNorm(d, eps=1e-5)
        self.c_attn = torch.nn.Linear(d, 3 * d)
        self.attn_proj = torch.nn.Linear(d, d)
        self.ln_2 = torch.nn.LayerNorm(d, eps=1e-5)
        self.c_fc = torch.nn.Linear(d, inner)
        self.c_proj = torch.nn.Linear(inner, d)  # the edited module (HF Conv1D holds it as [d_in, d_out])
        self.heads = heads

    def forward(self, x, bias):
        B, T, d = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        shape = (B, T, self.heads, d // self.heads)
        q, k, v = (t.view(shape).transpose(1, 2) for t in (q, k, v))
        att = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        x = x + self.attn_proj(att.transpose(1, 2).reshape(B, T, d))
        h = F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh")
        return x + self.c_proj(h)


class GPT2(torch.nn.Module):
    def __init__(self, vocab, positions, d, layers, heads, inner):
        super().__init__()
        self.wte = torch.nn.Embedding(vocab, d)
        self.wpe = torch.nn.Embedding(positions, d)
        self.h = torch.nn.ModuleList(Block(d, heads, inner) for _ in range(layers))
        self.ln_f = torch.nn.LayerNorm(d, eps=1e-5)

    def forward(self, ids, mask):
        B, T = ids.shape
        x = self.wte(ids) + self.wpe(torch.arange(T))[None]
        causal = torch.ones(T, T, dtype=torch.bool).tril()
        bias = causal[None, None] & mask.bool()[:, None, None, :]
        for block in self.h:
            x = block(x, bias)
        return self.ln_f(x) @ self.wte.weight.T  # tied head, logits at every position


# ---------------------------------------------------------------- data ----
def make_batches(lengths, vocab, sub_batch, gen):
    """Records of (prompt tokens, 1 answer token), sorted longest first, cut and right-padded."""
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

    def __init__(self, dim, chan):
        self.n, self.mean, self.m2, self.chan = 0, torch.zeros(dim, dtype=torch.float64), torch.zeros(dim, dtype=torch.float64), chan

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
    def __init__(self, name, d_in, d_out):
        self.name, self.d_in, self.d_out = name, d_in, d_out
        self.z = Moments(d_in + d_out, chan=name == "stableedit")
        self.scatter = torch.zeros(d_out, d_out, dtype=torch.float64) if name == "stableedit" else None

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
        A = K.T @ K + ridge * torch.eye(self.d_in)  # the reference's primal d_in x d_in system
        return torch.linalg.solve(A, K.T @ V)


# ---------------------------------------------------------------- one turn ----
def capture(model, mods, batch):
    ids, mask, labels = batch
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
        m.bias.grad = None
    return keys, grads


@torch.no_grad()
def evaluate(model, batches):
    hits = 0
    for ids, mask, labels in batches:
        logits = model(ids, mask)
        pos = labels != -100
        hits += int((logits.argmax(-1)[pos] == labels[pos]).sum())
    return hits


def turn(model, mods, editors, name, batches, eval_batches):
    t = time.perf_counter()
    caps = [capture(model, mods, b) for b in batches]
    t_cap = time.perf_counter() - t
    t = time.perf_counter()
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
    t_ed = time.perf_counter() - t
    t = time.perf_counter()
    for eb in eval_batches:
        evaluate(model, eb)
    t_ev = time.perf_counter() - t
    return {"capture": t_cap, "editor": t_ed, "evaluate": t_ev, "turn": t_cap + t_ed + t_ev}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
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
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    d, heads, inner, vocab, positions = 768, 12, 3072, 50257, 1024
    end = max(a.edited, math.ceil(3 * a.layers / 4))
    edited = list(range(end - a.edited, end))
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
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical cores, Python {platform.python_version()}",
        "model": "gpt2-small",
        "layers": a.layers,
        "edited": edited,
        "nEdits": a.n_edits,
        "subBatch": a.sub_batch,
        "turns": a.turns,
        "editors": {},
    }
    for name in a.editors.split(","):
        torch.manual_seed(1)
        model = GPT2(vocab, positions, d, a.layers, heads, inner)
        with torch.no_grad():
            for p_name, p in model.named_parameters():
                if p_name.endswith("weight") and p.dim() == 2:
                    p.normal_(0, 0.5 if p_name.startswith(("wte", "wpe")) else 0.02)
        model.requires_grad_(False)
        mods = {f"transformer.h.{l}.mlp.c_proj": model.h[l].c_proj for l in edited}
        for m in mods.values():
            m.weight.requires_grad_(True)
            m.bias.requires_grad_(True)
        shared = Editor(name, inner, d)  # one normalizer per weight shape
        editors = {m: shared for m in mods}
        gen_ = torch.Generator().manual_seed(3)
        prime = torch.randn(d + 16, inner, generator=gen_), 1e-3 * torch.randn(d + 16, d, generator=gen_)
        for m in mods:
            editors[m].statistics(*prime)
        sums = {"capture": 0.0, "editor": 0.0, "evaluate": 0.0, "turn": 0.0}
        for t in range(a.turns + 1):
            g = torch.Generator().manual_seed(100 + t)
            batches = make_batches(eff, vocab, a.sub_batch, g)
            eval_batches = [make_batches(eff, vocab, a.eval_batch, g), make_batches(gen, vocab, a.eval_batch, g)]
            r = turn(model, mods, editors, name, batches, eval_batches)
            print(f"{name} turn {t}: " + ", ".join(f"{k} {v:.2f} s" for k, v in r.items()), flush=True)
            if t > 0:
                for k in sums:
                    sums[k] += r[k] / a.turns
        result["editors"][name] = {k: round(v, 3) for k, v in sums.items()}
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
