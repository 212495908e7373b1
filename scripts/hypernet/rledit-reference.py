"""
The reference's RLEditNet (also MEND's network there) (MINE-USTC/StableEdit nets.py: RunningMeanStd "original", RLEditBlock,
RLEditNet) and the edit/backward of editor/rledit.py (predict_param_shifts, update_hypernet) and of editor/mend.py,
copied in float64 (logging removed), on tiny random shapes: writes the inputs and every output the
TypeScript port is held to (src/engine/editors/hypernet/rledit-reference.test.ts).

The captures are float32 in the reference, so ε is float32's machine epsilon here too.

    /usr/bin/python3 scripts/hypernet/rledit-reference.py > src/engine/editors/hypernet/fixtures/rledit-reference.json
"""
import json
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
EPS = torch.finfo(torch.float32).eps


class RunningMeanStd(nn.Module):
    def __init__(self, size):
        super().__init__()
        self.register_buffer("n", torch.zeros(1))
        self.register_buffer("mean", torch.zeros((size)))
        self.register_buffer("var", torch.zeros((size)))
        self.register_buffer("std", torch.zeros((size)))

    def update(self, x):
        n = self.n + x.shape[0]
        delta = x.mean(0) - self.mean
        self.mean += x.shape[0] * delta / n
        self.var += x.shape[0] * x.var(0, unbiased=False) + self.n * x.shape[0] * delta.pow(2) / n
        self.std = (self.var / (n - 1 + EPS)).sqrt()
        self.n = n

    def forward(self, x):
        return (x - self.mean) / (self.std + EPS)


class RLEditBlock(nn.Module):
    def __init__(self, size, rank, n_modules):
        super().__init__()
        self.A = nn.Parameter(torch.randn(size, rank))
        self.B = nn.Parameter(torch.zeros(rank, size))
        self.bias = nn.Parameter(torch.zeros(size))
        self.scale = nn.Embedding(n_modules, size)
        self.shift = nn.Embedding(n_modules, size)
        self.scale.weight.data.fill_(1)
        self.shift.weight.data.fill_(0)

    def forward(self, y, module_idx):
        x = y @ self.A @ self.B + self.bias
        x = x.clamp(0)
        x = self.scale(module_idx) * x + self.shift(module_idx)
        x = x + y
        return x


class RLEditNet(nn.Module):
    def __init__(self, key_size, value_size, rank, n_blocks, n_modules, lr):
        super().__init__()
        self.value_size = value_size
        self.key_size = key_size
        self.normalizer = RunningMeanStd(key_size + value_size)
        self.blocks = nn.ModuleList([RLEditBlock(key_size + value_size, rank, n_modules) for _ in range(n_blocks)])
        self.lr = nn.Embedding(n_modules, 1)
        self.lamda = nn.Embedding(n_modules, 1)
        self.lr.weight.data.fill_(lr)
        self.lamda.weight.data.fill_(0)

    def forward(self, keys, values_grad, module_idx):
        hidden_states = torch.cat((keys, values_grad), -1)
        hidden_states = self.normalizer(hidden_states)
        for block in self.blocks:
            hidden_states = block(hidden_states, module_idx)
        return hidden_states.split([self.key_size, self.value_size], -1)


def flat(t):
    return t.detach().reshape(-1).tolist()


def case(seed, d_in, d_out, rank, n_blocks, n_modules, module, rows, identity):
    torch.manual_seed(seed)
    net = RLEditNet(d_in, d_out, rank, n_blocks, n_modules, 0.05)
    if not identity:  # exercise every parameter, away from the initialisation
        for b in net.blocks:
            b.B.data.normal_(0, 0.3)
            b.bias.data.normal_(0, 0.3)
            b.scale.weight.data.normal_(1, 0.3)
            b.shift.weight.data.normal_(0, 0.3)
        net.lr.weight.data.normal_(0.05, 0.01)
        net.lamda.weight.data.normal_(0, 0.5)
    batches = [torch.randn(r, d_in + d_out) * 1.5 + 0.3 for r in (3, 5)]
    for x in batches:
        net.normalizer.update(x)
    keys = torch.randn(rows, d_in)
    values_grad = torch.randn(rows, d_out) * 0.1
    grad_w = torch.randn(d_in, d_out)
    params = {k: flat(v) for k, v in net.named_parameters()}
    layer_idx = torch.LongTensor([module])

    # predict_param_shifts
    with torch.no_grad():
        pk, pv = net(keys, values_grad, layer_idx)
        coeffs = -net.lr(layer_idx) * (keys * pk).sum(-1).unsqueeze(-1)
        value_diffs = coeffs * pv
        mat = keys.T @ keys + net.lamda(layer_idx).exp() * torch.eye(d_in)
        param_shift = torch.linalg.solve(mat, keys.T @ value_diffs)

    # update_hypernet, with module_grad = grad_w
    with torch.no_grad():
        mat = torch.linalg.solve(keys.T @ keys + net.lamda(layer_idx).exp() * torch.eye(d_in), grad_w)
        lamda_grad = -net.lamda(layer_idx).exp() * (mat * param_shift).sum()
    value_diffs_grad = keys @ mat
    (lamda_grad * net.lamda(layer_idx)).backward()
    pk, pv = net(keys, values_grad, layer_idx)
    coeffs = -net.lr(layer_idx) * (keys * pk).sum(-1).unsqueeze(-1)
    (value_diffs_grad * (coeffs * pv)).sum().backward()
    rledit_grads = {k: flat(v.grad) for k, v in net.named_parameters()}

    # MEND (editor/mend.py): predict_param_shifts and update_hypernet on the same network and captures
    net.zero_grad()
    with torch.no_grad():
        pk, pv = net(keys, values_grad, layer_idx)
        mend_shift = -net.lr(layer_idx) * pk.T @ pv
    pk, pv = net(keys, values_grad, layer_idx)
    (grad_w * (-net.lr(layer_idx) * pk.T @ pv)).sum().backward()
    mend_grads = {k: (flat(v.grad) if v.grad is not None else None) for k, v in net.named_parameters()}

    return {
        "mendShift": flat(mend_shift),
        "mendGrads": mend_grads,
        "shape": {"dIn": d_in, "dOut": d_out, "rank": rank, "nBlocks": n_blocks, "modules": n_modules},
        "module": module,
        "rows": rows,
        "params": params,
        "batches": [flat(x) for x in batches],
        "batchRows": [x.shape[0] for x in batches],
        "normalizer": {"n": net.normalizer.n.item(), "mean": flat(net.normalizer.mean), "var": flat(net.normalizer.var)},
        "keys": flat(keys),
        "valuesGrad": flat(values_grad),
        "gradW": flat(grad_w),
        "pseudoKeys": flat(pk),
        "pseudoValuesGrad": flat(pv),
        "coeffs": flat(coeffs),
        "paramShift": flat(param_shift),
        "grads": rledit_grads,
    }


if __name__ == "__main__":  # malmen-reference.py imports the classes above
    print(json.dumps({
        "torch": torch.__version__,
        "cases": [
            case(1, 5, 3, 4, 2, 2, 1, 4, False),
            case(2, 6, 4, 3, 3, 1, 0, 9, False),
            case(3, 5, 3, 4, 2, 2, 0, 4, True),
        ],
    }))
