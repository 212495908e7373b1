"""
MALMEN's edit and backward as the reference writes them (MINE-USTC/StableEdit editor/malmen.py:
predict_param_shifts, update_hypernet with its pad_tensor chunks of editor.batch_size, then
clip_grad_norm_ and one Adam step), copied in float64 (logging and file caching removed) on the
reference's RLEditNet (nets.py, the classes of rledit-reference.py), on tiny random shapes: writes the
inputs and every output the TypeScript port is held to (src/engine/editors/hypernet/malmen-reference.test.ts).

    /usr/bin/python3 scripts/hypernet/malmen-reference.py > src/engine/editors/hypernet/fixtures/malmen-reference.json
"""
import importlib.util
import json
import os

import torch
from torch.nn.utils import clip_grad_norm_

_spec = importlib.util.spec_from_file_location("rledit_reference", os.path.join(os.path.dirname(__file__), "rledit-reference.py"))
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)
torch.set_default_dtype(torch.float64)


def pad_tensor(tensor, target_length, dim=0, padding_value=0):
    tensor_length = tensor.size(dim)
    if tensor_length >= target_length:
        return tensor.narrow(dim, 0, target_length)
    padding = target_length - tensor_length
    pad_shape = list(tensor.shape)
    pad_shape[dim] = padding
    pad = torch.full(pad_shape, padding_value, dtype=tensor.dtype, device=tensor.device)
    return torch.cat([tensor, pad], dim=dim)


def predict_param_shift(net, keys, values_grad, layer_idx, batch_size):
    value_diffs = torch.empty((0, net.value_size))
    all_coeffs = torch.empty((0, 1))
    for start_idx in range(0, keys.shape[0], batch_size):
        end_idx = start_idx + batch_size
        keys_once = pad_tensor(keys[start_idx:end_idx], batch_size, 0)
        values_grad_once = pad_tensor(values_grad[start_idx:end_idx], batch_size, 0)
        with torch.no_grad():
            (pesudo_keys, pesudo_values_grad) = net(keys_once, values_grad_once, layer_idx)
            coeffs = -net.lr(layer_idx) * (keys_once * pesudo_keys).sum(-1).unsqueeze(-1)
        value_diffs = torch.cat((value_diffs, coeffs * pesudo_values_grad))
        all_coeffs = torch.cat((all_coeffs, coeffs))
    with torch.no_grad():
        mat = keys.T @ keys + net.lamda(layer_idx).exp() * torch.eye(net.key_size)
    value_diffs = value_diffs[: keys.shape[0], :]
    param_shift = torch.linalg.solve(mat, keys.T @ value_diffs)
    return param_shift, value_diffs, all_coeffs[: keys.shape[0]]


def update_hypernet(net, keys, values_grad, layer_idx, batch_size, module_grad, param_shift):
    with torch.no_grad():
        mat = torch.linalg.solve(keys.T @ keys + net.lamda(layer_idx).exp() * torch.eye(net.key_size), module_grad)
        lamda_grad = -net.lamda(layer_idx).exp() * (mat * param_shift).sum()
    value_diffs_grad = keys @ mat
    (lamda_grad * net.lamda(layer_idx)).backward()
    for start_idx in range(0, keys.shape[0], batch_size):
        end_idx = start_idx + batch_size
        keys_once = pad_tensor(keys[start_idx:end_idx], batch_size, 0)
        values_grad_once = pad_tensor(values_grad[start_idx:end_idx], batch_size, 0)
        (pesudo_keys, pesudo_values_grad) = net(keys_once, values_grad_once, layer_idx)
        coeffs = -net.lr(layer_idx) * (keys_once * pesudo_keys).sum(-1).unsqueeze(-1)
        value_diff = coeffs * pesudo_values_grad
        value_diff = value_diff[: keys.shape[0] - start_idx, :]
        (value_diffs_grad[start_idx:end_idx] * value_diff).sum().backward()


def flat(t):
    return t.detach().reshape(-1).tolist()


def case(seed, d_in, d_out, rank, n_blocks, n_modules, module, rows, batch_size, identity, max_grad_norm, meta_lr):
    torch.manual_seed(seed)
    net = ref.RLEditNet(d_in, d_out, rank, n_blocks, n_modules, 0.05)
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
    opt = torch.optim.Adam(net.parameters(), meta_lr)

    param_shift, value_diffs, coeffs = predict_param_shift(net, keys, values_grad, layer_idx, batch_size)
    update_hypernet(net, keys, values_grad, layer_idx, batch_size, grad_w, param_shift)
    grads = {k: flat(v.grad) for k, v in net.named_parameters()}
    grad_norm = clip_grad_norm_(net.parameters(), max_grad_norm)
    opt.step()
    opt.zero_grad()

    return {
        "shape": {"dIn": d_in, "dOut": d_out, "rank": rank, "nBlocks": n_blocks, "modules": n_modules},
        "module": module,
        "rows": rows,
        "batchSize": batch_size,
        "maxGradNorm": max_grad_norm,
        "metaLr": meta_lr,
        "params": params,
        "batches": [flat(x) for x in batches],
        "batchRows": [x.shape[0] for x in batches],
        "keys": flat(keys),
        "valuesGrad": flat(values_grad),
        "gradW": flat(grad_w),
        "coeffs": flat(coeffs),
        "valueDiffs": flat(value_diffs),
        "paramShift": flat(param_shift),
        "grads": grads,
        "gradNorm": grad_norm.item(),
        "stepped": {k: flat(v) for k, v in net.named_parameters()},
    }


print(json.dumps({
    "torch": torch.__version__,
    "cases": [
        # rows ≥ dIn (the primal solve), the last chunk padded (7 = 3 + 3 + 1), clipped
        case(11, 5, 3, 4, 2, 2, 1, 7, 3, False, 0.05, 1e-2),
        # rows < dIn (the dual solve), whole chunks, clipped
        case(12, 6, 4, 3, 3, 1, 0, 4, 2, False, 0.05, 1e-2),
        # at the initialisation, one padded chunk, not clipped
        case(13, 5, 3, 4, 2, 2, 0, 5, 8, True, 1e3, 1e-3),
    ],
}))
