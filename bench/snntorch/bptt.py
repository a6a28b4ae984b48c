# SPDX-License-Identifier: MIT
"""Spiking BPTT in snnTorch (CPU), the same network as `ffsnn train --rule bp`: 784-500-500-10
CUBA LIF (snn.Synaptic: syn = alpha syn + W x + b, mem = beta mem + syn, reset to zero at
threshold 1), alpha = exp(-dt/tauSyn), beta = exp(-dt/tauMem) with ffsnn's defaults (dt 1 ms,
tauMem 10 ms, tauSyn 2 ms), fast-sigmoid surrogate with slope 2 (ffsnn's psiBeta), 14 steps of
Poisson (Bernoulli) input, logits = output spike counts, softmax cross-entropy, Adam, batch 50.
ffsnn scales the current by kExc into the membrane; here the weights carry that factor (same
dynamics), and Adam's learning rate is ffsnn's 5e-3 times kExc accordingly.

snnTorch is not installable here: run with its public source on PYTHONPATH (see
bench/snntorch/spiking-vs-snntorch.ts) and Debian's python3-torch.

usage: bptt.py DATA.bin THREADS [SAMPLES]   (DATA.bin as written by bench/train-vs-torch.ts)
Prints one JSON line: samples_per_s of the training epoch, test accuracy after it, versions, threads.
"""
import json, math, struct, sys, time
import numpy as np
import torch
import snntorch as snn
from snntorch import spikegen, surrogate

path, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(1)
raw = open(path, 'rb').read()
n_tr, n_te, dim = struct.unpack_from('<3i', raw, 0)
off = 12
x_tr = np.frombuffer(raw, np.float32, n_tr * dim, off).reshape(n_tr, dim); off += 4 * n_tr * dim
y_tr = np.frombuffer(raw, np.uint8, n_tr, off); off += n_tr
x_te = np.frombuffer(raw, np.float32, n_te * dim, off).reshape(n_te, dim); off += 4 * n_te * dim
y_te = np.frombuffer(raw, np.uint8, n_te, off)
if len(sys.argv) > 3:
    n_tr = min(n_tr, int(sys.argv[3]))
x_tr, x_te = torch.tensor(x_tr[:n_tr]), torch.tensor(x_te)
y_tr, y_te = torch.tensor(y_tr[:n_tr], dtype=torch.long), torch.tensor(y_te, dtype=torch.long)

T, batch, dt, tau_mem, tau_syn, v_th, psi_beta, init_scale = 14, 50, 1.0, 10.0, 2.0, 1.0, 2.0, 1.0
alpha, beta = math.exp(-dt / tau_syn), math.exp(-dt / tau_mem)
k_exc = tau_syn / (tau_syn - tau_mem) * (alpha - beta)
sizes = [dim, 500, 500, 10]


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.ModuleList()
        self.lif = torch.nn.ModuleList()
        for i in range(len(sizes) - 1):
            lin = torch.nn.Linear(sizes[i], sizes[i + 1])
            bound = init_scale * math.sqrt(6 / sizes[i])
            # ffsnn's spiking init: uniform(-bound, bound) + bound / 4, zero bias; times kExc (see above)
            torch.nn.init.uniform_(lin.weight, -bound, bound)
            with torch.no_grad():
                lin.weight.add_(bound / 4).mul_(k_exc)
            torch.nn.init.zeros_(lin.bias)
            self.fc.append(lin)
            self.lif.append(snn.Synaptic(alpha=alpha, beta=beta, threshold=v_th, reset_mechanism='zero',
                                         spike_grad=surrogate.fast_sigmoid(slope=psi_beta)))

    def forward(self, spikes):  # spikes [T, B, dim]
        state = [lif.init_synaptic() for lif in self.lif]
        count = 0
        for t in range(spikes.shape[0]):
            x = spikes[t]
            for i, (fc, lif) in enumerate(zip(self.fc, self.lif)):
                syn, mem = state[i]
                x, syn, mem = lif(fc(x), syn, mem)
                state[i] = (syn, mem)
            count = count + x
        return count  # output spike counts = logits


net = Net()
opt = torch.optim.Adam(net.parameters(), lr=5e-3 * k_exc)
loss_fn = torch.nn.CrossEntropyLoss()
perm = torch.randperm(n_tr)
t0 = time.perf_counter()
for s in range(0, n_tr, batch):
    idx = perm[s:s + batch]
    logits = net(spikegen.rate(x_tr[idx], num_steps=T))
    loss = loss_fn(logits, y_tr[idx])
    opt.zero_grad()
    loss.backward()
    opt.step()
train_s = time.perf_counter() - t0
correct = 0
with torch.no_grad():
    for s in range(0, n_te, 500):
        logits = net(spikegen.rate(x_te[s:s + 500], num_steps=T))
        correct += (logits.argmax(1) == y_te[s:s + 500]).sum().item()
print(json.dumps({'samples_per_s': n_tr / train_s, 'test_accuracy': correct / n_te, 'train_samples': n_tr,
                  'snntorch': snn.__version__, 'torch': torch.__version__, 'torch_threads': threads}))
