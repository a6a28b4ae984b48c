#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Brian2's examples/CUBA.py as a benchmark (see shared/reference/simulators.md section 2.1).

Prints one JSON object: target, n, duration_s, spikes, rate_hz, synapses, syn_events
(sum_i count_i * outdegree_i), run_s (device._last_run_time: the simulation loop only),
run_call_s (net.run() incl. code generation / compilation), wall_s, max_rss_kb (this process and,
for cpp_standalone, the compiled binary that ran as a child).

--net FILE.json uses a given network ({"i": [...], "j": [...], "v0": [mV...], "n_e": N}) instead of
drawing one, and --spikes-out FILE.json writes the spike trains ({"i": [...], "t": [steps...]}):
bench/cuba-spike-check.ts uses both to compare ffsnn with Brian2 spike by spike.
"""
import argparse
import json
import os
import resource
import sys
import tempfile
import time

T0 = time.perf_counter()

ap = argparse.ArgumentParser()
ap.add_argument('--target', default='cpp_standalone', choices=['numpy', 'cython', 'cpp_standalone'])
ap.add_argument('--n', type=int, default=4000)
ap.add_argument('--duration', type=float, default=1.0, help='seconds of biological time')
ap.add_argument('--seed', type=int, default=12345)
ap.add_argument('--threads', type=int, default=0, help='OpenMP threads for cpp_standalone (0 = off, single thread)')
ap.add_argument('--outdir', default=None, help='build/cache directory (default: a new temp dir)')
ap.add_argument('--net', default=None)
ap.add_argument('--spikes-out', default=None)
args = ap.parse_args()

os.environ.setdefault('PYTHONWARNINGS', 'ignore')
import numpy as np  # noqa: E402
from brian2 import (NeuronGroup, Network, SpikeMonitor, Synapses, defaultclock, device,  # noqa: E402
                    ms, mV, prefs, second, seed, set_device)

workdir = args.outdir or tempfile.mkdtemp(prefix='brian2-cuba-')
if args.target == 'cpp_standalone':
    set_device('cpp_standalone', directory=os.path.join(workdir, 'standalone'), build_on_run=True)
    prefs.devices.cpp_standalone.openmp_threads = args.threads
else:
    prefs.codegen.target = args.target
    if args.target == 'cython':
        prefs.codegen.runtime.cython.cache_dir = os.path.join(workdir, 'cython_cache')
seed(args.seed)
defaultclock.dt = 0.1 * ms

n = args.n
n_e = int(round(0.8 * n))
p = min(1.0, 80.0 / n)
taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
eqs = '''
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
'''
P = NeuronGroup(n, eqs, threshold='v>Vt', reset='v = Vr', refractory=5 * ms, method='exact')
P.ge = 0 * mV
P.gi = 0 * mV
we = (60 * 0.27 / 10) * mV
wi = (-20 * 4.5 / 10) * mV
Ce = Synapses(P, P, on_pre='ge += we')
Ci = Synapses(P, P, on_pre='gi += wi')
if args.net:
    with open(args.net) as f:
        d = json.load(f)
    i, j = np.asarray(d['i'], dtype=np.int64), np.asarray(d['j'], dtype=np.int64)
    n_e = int(d['n_e'])
    exc = i < n_e
    Ce.connect(i=i[exc], j=j[exc])
    Ci.connect(i=i[~exc], j=j[~exc])
    P.v = np.asarray(d['v0']) * mV
else:
    P.v = 'Vr + rand() * (Vt - Vr)'
    Ce.connect(f'i<{n_e}', p=p)
    Ci.connect(f'i>={n_e}', p=p)
M = SpikeMonitor(P, record=args.spikes_out is not None)
net = Network(P, Ce, Ci, M)
t_run = time.perf_counter()
net.run(args.duration * second)
run_call_s = time.perf_counter() - t_run

counts = np.asarray(M.count[:], dtype=np.int64)
outdeg = np.bincount(np.concatenate([np.asarray(Ce.i[:]), np.asarray(Ci.i[:])]), minlength=n)
spikes = int(counts.sum())
if args.spikes_out:
    with open(args.spikes_out, 'w') as f:
        json.dump({'i': np.asarray(M.i[:]).tolist(), 't': np.round(np.asarray(M.t[:] / (0.1 * ms))).astype(np.int64).tolist()}, f)
run_s = float(device._last_run_time) if args.target == 'cpp_standalone' else float(net._last_run_time if hasattr(net, '_last_run_time') else run_call_s)
rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rss_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({
    'simulator': 'brian2', 'version': __import__('brian2').__version__, 'target': args.target,
    'threads': max(1, args.threads), 'n': n, 'duration_s': args.duration, 'dt_ms': 0.1, 'seed': args.seed,
    'synapses': int(len(Ce) + len(Ci)), 'spikes': spikes, 'rate_hz': spikes / n / args.duration,
    'syn_events': int((counts * outdeg).sum()), 'run_s': run_s, 'run_call_s': run_call_s,
    'wall_s': time.perf_counter() - T0, 'max_rss_kb_self': rss_self, 'max_rss_kb_child': rss_child,
}))
