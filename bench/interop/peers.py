#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs a NIR file in snnTorch's and Norse's own importers on a raster, one digit at a time.

usage: peers.py FILE.nir RASTER.npy STEPS_PER_DIGIT OUT_PREFIX

RASTER.npy is uint8 [K*STEPS][n_in]; each digit starts from a fresh state. Writes
OUT_PREFIX.snntorch.npy and OUT_PREFIX.norse.npy: uint8 [K*STEPS][n_out], the output spikes per
step. Needs nir, nirtorch, snntorch and norse on PYTHONPATH (bench/interop/README.md).
"""
import sys
import time

import nir
import numpy as np
import torch


def snntorch_model(graph):
    from snntorch.import_nir import import_from_nir
    import snntorch.utils

    net = import_from_nir(graph)

    def run(frames):
        snntorch.utils.reset(net)
        out = []
        for x in frames:
            z, _ = net(x[None, :])
            out.append(z[0])
        return out

    return run


def norse_model(graph):
    import norse.torch

    m = norse.torch.from_nir(graph, dt=float(graph.metadata["dt"]))
    # Norse's surrogate-gradient functions need torch >= 2 (autograd setup_context); Debian ships
    # torch 1.13. Inference does not need a surrogate: the forward pass is the same Heaviside step.
    for mod in m.modules():
        p = getattr(mod, "p", None)
        if p is not None and hasattr(p, "method"):
            mod.p = p._replace(method="heaviside")

    def run(frames):
        state = None
        out = []
        for x in frames:
            z, state = m(x[None, :], state)
            out.append(z[0])
        return out

    return run


def main():
    path, raster_path, steps, prefix = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    graph = nir.read(path)
    raster = torch.from_numpy(np.load(raster_path).astype(np.float32))
    digits = raster.shape[0] // steps
    for name, build in (("snntorch", snntorch_model), ("norse", norse_model)):
        t0 = time.time()
        run = build(graph)
        rows = []
        with torch.no_grad():
            for k in range(digits):
                rows += [z.numpy().astype(np.uint8) for z in run(raster[k * steps:(k + 1) * steps])]
        np.save(f"{prefix}.{name}.npy", np.stack(rows))
        print(f"{name}: {digits} digits x {steps} steps in {time.time() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
