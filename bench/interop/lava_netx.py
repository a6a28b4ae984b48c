#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs a netx file in Lava's fixed-point simulation on a raster; writes the output spikes.

usage: lava_netx.py FILE.net RASTER.npy OUT.npy

RASTER.npy is uint8 [n_in][T] (what io.source.RingBuffer takes); OUT.npy is uint8 [n_out][T],
what an io.sink.RingBuffer on the network's output port received each step. Needs lava (with
lava-dl's lava/lib/dl copied in) on PYTHONPATH (bench/interop/README.md).
"""
import sys
import time

import numpy as np
from lava.lib.dl import netx
from lava.magma.core.run_conditions import RunSteps
from lava.magma.core.run_configs import Loihi2SimCfg
from lava.proc import io


def main():
    path, raster_path, out_path = sys.argv[1:4]
    raster = np.load(raster_path).astype(np.int32)
    steps = raster.shape[1]
    net = netx.hdf5.Network(net_config=path)
    source = io.source.RingBuffer(data=raster)
    sink = io.sink.RingBuffer(shape=net.out.shape, buffer=steps)
    source.s_out.connect(net.inp)
    net.out.connect(sink.a_in)
    t0 = time.time()
    try:
        net.run(condition=RunSteps(num_steps=steps), run_cfg=Loihi2SimCfg(select_tag="fixed_pt"))
        out = sink.data.get()
    finally:
        net.stop()
    np.save(out_path, out.astype(np.uint8))
    print(f"lava: {steps} steps in {time.time() - t0:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
