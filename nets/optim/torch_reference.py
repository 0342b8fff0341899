#!/usr/bin/python3
"""Reference trajectories for tests/test_nets_optim.cpp from PyTorch (Debian python3-torch 1.13).

Run: /usr/bin/python3 nets/optim/torch_reference.py
The printed values are committed as constants in the test, which replays them without PyTorch.

Setup (float32): weight W (2x2) and bias b (2x1); the gradient fed at step t = 0..4 is
  g = p - target + 0.1 * (t + 1)   (elementwise, computed in float32 from the current value p),
with target = 0.5 for every entry. Four runs:
  sgd:        SGD(lr=0.1, momentum=0.9, weight_decay=0.01) on W and b
  sgd-wonly:  same, but weight_decay only on W (b in a param group with weight_decay=0)
  adam:       Adam(lr=0.01, weight_decay=0.01) on W and b (betas 0.9/0.999, eps 1e-8)
  adam-wonly: same, weight_decay only on W
"""
import torch

torch.set_default_dtype(torch.float32)
W0 = [[0.5, -1.0], [2.0, 0.25]]
B0 = [[0.1], [-0.2]]


def run(kind, wonly):
    W = torch.tensor(W0, requires_grad=True)
    b = torch.tensor(B0, requires_grad=True)
    if wonly:
        groups = [{"params": [W]}, {"params": [b], "weight_decay": 0.0}]
    else:
        groups = [{"params": [W, b]}]
    if kind == "sgd":
        opt = torch.optim.SGD(groups, lr=0.1, momentum=0.9, weight_decay=0.01)
    else:
        opt = torch.optim.Adam(groups, lr=0.01, weight_decay=0.01)
    for t in range(5):
        with torch.no_grad():
            for p in (W, b):
                p.grad = p.detach() - 0.5 + torch.tensor(0.1 * (t + 1), dtype=torch.float32)
        opt.step()
    return W.detach().flatten().tolist() + b.detach().flatten().tolist()


for kind in ("sgd", "adam"):
    for wonly in (False, True):
        vals = run(kind, wonly)
        print(kind + ("-wonly" if wonly else ""), " ".join("%.9g" % v for v in vals))
