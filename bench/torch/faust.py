# SPDX-License-Identifier: MIT
"""Rate-mode FAUST in PyTorch (CPU), the same model as `ffsnn train --neuron rate`:
784-500-500 ReLU, every layer's input length-normalised (a = sqrt(n) y / ||y||) and detached,
per-layer loss = softmax cross-entropy of cosine similarities to class prototypes / tau,
prototypes = running means (momentum 0.9) of same-class unit outputs, Adam lr 1e-3, batch 50.

usage: faust.py DATA.bin EPOCHS THREADS  (DATA.bin written by bench/train-vs-torch.ts:
int32 nTrain, nTest, dim; float32 xTrain, uint8 yTrain, float32 xTest, uint8 yTest)
Prints one JSON line: samples_per_s of the training epochs, test accuracy, torch threads.
"""
import json, math, struct, sys, time
import numpy as np
import torch

path, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(1)
raw = open(path, 'rb').read()
n_tr, n_te, dim = struct.unpack_from('<3i', raw, 0)
off = 12
x_tr = np.frombuffer(raw, np.float32, n_tr * dim, off).reshape(n_tr, dim); off += 4 * n_tr * dim
y_tr = np.frombuffer(raw, np.uint8, n_tr, off); off += n_tr
x_te = np.frombuffer(raw, np.float32, n_te * dim, off).reshape(n_te, dim); off += 4 * n_te * dim
y_te = np.frombuffer(raw, np.uint8, n_te, off)
x_tr, x_te = torch.tensor(x_tr), torch.tensor(x_te)
y_tr, y_te = torch.tensor(y_tr, dtype=torch.long), torch.tensor(y_te, dtype=torch.long)

sizes, C, tau, mom, batch = [dim, 500, 500], 10, 0.1, 0.9, 50
layers = []
for i in range(len(sizes) - 1):
    lin = torch.nn.Linear(sizes[i], sizes[i + 1])
    bound = math.sqrt(6 / sizes[i])
    torch.nn.init.uniform_(lin.weight, -bound, bound)
    torch.nn.init.zeros_(lin.bias)
    layers.append(lin)
protos = [torch.zeros(C, n) for n in sizes[1:]]
opts = [torch.optim.Adam(l.parameters(), lr=1e-3) for l in layers]

def norm_in(y):
    return math.sqrt(y.shape[1]) * y / y.norm(dim=1, keepdim=True).clamp_min(1e-12)

def class_mean(z, y):
    s = torch.zeros(C, z.shape[1]).index_add_(0, y, z)
    cnt = torch.bincount(y, minlength=C).float()
    return s / cnt.clamp_min(1).unsqueeze(1), cnt > 0

train_time = 0.0
for ep in range(epochs):
    perm = torch.randperm(n_tr)
    t0 = time.perf_counter()
    for s in range(0, n_tr, batch):
        idx = perm[s:s + batch]
        y = x_tr[idx]
        lab = y_tr[idx]
        for l, (lin, opt) in enumerate(zip(layers, opts)):
            h = torch.relu(lin(norm_in(y.detach())))
            z = h / h.norm(dim=1, keepdim=True).clamp_min(1e-12)
            mean, present = class_mean(z.detach(), lab)
            P = protos[l]
            fresh = present & (P.abs().sum(1) == 0)
            P[fresh] = torch.nn.functional.normalize(mean[fresh], dim=1)
            loss = torch.nn.functional.cross_entropy(z @ P.t() / tau, lab)
            opt.zero_grad()
            loss.backward()
            opt.step()
            upd = torch.nn.functional.normalize(mom * P + (1 - mom) * mean, dim=1)
            P[present] = upd[present]
            y = h
    train_time += time.perf_counter() - t0

with torch.no_grad():
    y, score = x_te, torch.zeros(n_te, C)
    for l, lin in enumerate(layers):
        h = torch.relu(lin(norm_in(y)))
        score += torch.nn.functional.normalize(h, dim=1) @ protos[l].t()
        y = h
    acc = (score.argmax(1) == y_te).float().mean().item()
print(json.dumps({'samples_per_s': n_tr * epochs / train_time, 'test_accuracy': acc, 'torch_threads': torch.get_num_threads(), 'torch': torch.__version__}))
