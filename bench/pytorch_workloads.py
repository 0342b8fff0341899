#!/usr/bin/python3
"""PyTorch side of the trainer benchmark (bench/vs-pytorch): the same three workloads as
bench/bench_trainer.cpp, float32, a fixed thread count, one SGD-with-momentum training step per
iteration (forward, loss, backward, update). Prints one JSON object per workload:
{"name": ..., "samples_per_s": ..., "steps": ..., "seconds": ...}.

(a) mlp:      784-512-512-10 ReLU MLP, softmax cross-entropy, batch 128.
(b) xsinx:    1-1000-800-200-1 ReLU MLP, mean squared error, full batch of 20 points.
(c) convnet:  the Drop-Activation figure 2 net on 28x28x1 inputs, batch 128:
              3 x [conv3x3 (pad 1), BatchNorm, ReLU, avgpool 2], channels 16-32-64, then
              FC 64*3*3 -> 128, ReLU, FC 128 -> 10.
Run with Debian's python3 (python3-torch): /usr/bin/python3 bench/pytorch_workloads.py
"""
import argparse
import json
import time

import torch
import torch.nn as nn


def mlp():
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def xsinx():
    return nn.Sequential(nn.Linear(1, 1000), nn.ReLU(), nn.Linear(1000, 800), nn.ReLU(),
                         nn.Linear(800, 200), nn.ReLU(), nn.Linear(200, 1))


def convnet():
    layers = []
    c_in = 1
    for c in (16, 32, 64):
        layers += [nn.Conv2d(c_in, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(), nn.AvgPool2d(2)]
        c_in = c
    layers += [nn.Flatten(), nn.Linear(64 * 3 * 3, 128), nn.ReLU(), nn.Linear(128, 10)]
    return nn.Sequential(*layers)


WORKLOADS = {
    "mlp": (mlp, lambda g: torch.rand(128, 784, generator=g), lambda g: torch.randint(0, 10, (128,), generator=g), "ce"),
    "xsinx": (xsinx, lambda g: torch.rand(20, 1, generator=g) * 10, lambda g: torch.randn(20, 1, generator=g), "mse"),
    "convnet": (convnet, lambda g: torch.rand(128, 1, 28, 28, generator=g), lambda g: torch.randint(0, 10, (128,), generator=g), "ce"),
}


def run(name, seconds):
    make, make_x, make_y, loss_kind = WORKLOADS[name]
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(1)
    model = make()
    x, y = make_x(g), make_y(g)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss() if loss_kind == "ce" else nn.MSELoss()

    def step():
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(5):  # warm-up: allocator, kernel selection
        step()
    steps, t0 = 0, time.perf_counter()
    while True:
        step()
        steps += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= seconds and steps >= 10:
            break
    return {"name": name, "samples_per_s": steps * x.shape[0] / elapsed, "steps": steps, "seconds": elapsed}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workload", choices=list(WORKLOADS) + ["all"], default="all")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=3.0)
    a = ap.parse_args()
    if a.threads < 1 or a.seconds <= 0:
        ap.error(f"--threads must be >= 1 and --seconds > 0, got {a.threads}, {a.seconds}")
    torch.set_num_threads(a.threads)
    for name in (WORKLOADS if a.workload == "all" else [a.workload]):
        print(json.dumps(run(name, a.seconds)), flush=True)


if __name__ == "__main__":
    main()
