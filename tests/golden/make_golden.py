#!/usr/bin/python3
"""Golden training trajectories from PyTorch for tests/test_nets_golden.cpp.

Run once with Debian's python3-torch (1.13, float32, CPU):  /usr/bin/python3 make_golden.py
Writes mlp.json and convnet.json next to this script: the initial weights (PyTorch layout:
dense W (out, in); conv W (out, in*kh*kw), row = one filter), the data, the SGD settings and
the 20 losses of SGD with momentum and weight decay (torch.optim.SGD semantics:
d_p = g + wd*w; buf = momentum*buf + d_p (buf = d_p at the first step); w -= lr*buf).
The C++ test replays the steps from the JSON without PyTorch.
"""
import json
import os

import torch

torch.manual_seed(20261123)
torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
# Learning rates keep the final losses O(0.1-1): a loss near 0 is a difference of nearly equal
# logits, whose float32 rounding would swamp a 1e-5 relative comparison.
STEPS, MOMENTUM, WD = 20, 0.9, 5e-4


def run(name, model, x, labels, input_shape, lr):
    init = [p.detach().clone() for p in model.parameters()]
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=MOMENTUM, weight_decay=WD)
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), labels)
        loss.backward()
        opt.step()
        losses.append(float(loss))
    params = []
    for (pname, p), p0 in zip(model.named_parameters(), init):
        rows = p0.reshape(p0.shape[0], -1) if p0.dim() > 1 else p0.reshape(-1, 1)
        final = p.detach().reshape(rows.shape)
        params.append({"name": pname, "value": rows.tolist(), "final": final.tolist()})
    out = {
        "torch_version": torch.__version__,
        "input_shape": input_shape,
        "x": x.reshape(x.shape[0], -1).tolist(),
        "labels": labels.tolist(),
        "lr": lr, "momentum": MOMENTUM, "weight_decay": WD, "steps": STEPS,
        "params": params,
        "losses": losses,
    }
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump(out, f)
    print(name, losses[0], losses[-1])


mlp = torch.nn.Sequential(torch.nn.Linear(20, 32), torch.nn.ReLU(), torch.nn.Linear(32, 16), torch.nn.ReLU(),
                          torch.nn.Linear(16, 5))
run("mlp", mlp, torch.randn(24, 20), torch.randint(0, 5, (24,)), [20, 1, 1], 0.1)

conv = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, stride=1, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                           torch.nn.Flatten(), torch.nn.Linear(4 * 4 * 4, 5))
run("convnet", conv, torch.randn(16, 1, 8, 8), torch.randint(0, 5, (16,)), [1, 8, 8], 0.02)
