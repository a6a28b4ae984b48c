#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks ffsnn exports with the other tools' own readers available here (not a test dependency).

usage: /usr/bin/python3 bench/export-check.py nir FILE.nir | netx FILE.h5
  nir:  h5py walk of the NIR layout the reference reader (nir.read) expects: a `type` DATASET in
        every node group, no HDF5 attributes, float32 parameter arrays (never 0-d), int64 shapes,
        (E, 2) string edges naming existing nodes, nodes `input` and `output`, edges in
        topological order (recurrent edges excepted), dt in the graph metadata.
  netx: the lava-dl netx layout: /layer/0..N-1 without gaps, lowercase `type`, dense layers with
        (N_out, N_in) integer-valued weights in the ranges netx keeps exactly, neuron/{type CUBA,
        iDecay, vDecay, vThMant, refDelay}.
Prints one line per check and exits 1 on the first failure.
"""
import sys
import h5py
import numpy as np

def fail(msg):
    print("FAIL", msg)
    sys.exit(1)

def ok(msg):
    print("ok  ", msg)

def s(x):
    v = x[()]
    if isinstance(v, np.ndarray):
        v = v.reshape(-1)[0]
    return v.decode() if isinstance(v, bytes) else str(v)

def check_nir(path):
    f = h5py.File(path, "r")
    attrs = []
    f.visititems(lambda n, o: attrs.extend(n for _ in o.attrs))
    if attrs:
        fail("HDF5 attributes present: %s" % attrs[:3])
    ok("no HDF5 attributes")
    if "version" in f:
        ok("version %s" % s(f["version"]))
    g = f["node"]
    if not isinstance(g["type"], h5py.Dataset) or s(g["type"]) != "NIRGraph":
        fail("/node/type must be the dataset 'NIRGraph'")
    nodes = g["nodes"]
    for name, node in nodes.items():
        if "type" not in node or not isinstance(node["type"], h5py.Dataset):
            fail("node %s: no type dataset" % name)
        t = s(node["type"])
        for k, d in node.items():
            if k in ("type", "metadata") or not isinstance(d, h5py.Dataset):
                continue
            if k == "shape":
                if d.dtype != np.int64 or d.ndim != 1:
                    fail("node %s: shape must be 1-d int64, is %s %s" % (name, d.dtype, d.shape))
            elif d.dtype != np.float32 or d.ndim == 0:
                fail("node %s/%s: expected a float32 array, got %s %s" % (name, k, d.dtype, d.shape))
        ok("node %-14s %-8s %s" % (name, t, {k: d.shape for k, d in node.items() if isinstance(d, h5py.Dataset) and k != "type"}))
    for req in ("input", "output"):
        if req not in nodes:
            fail("no node named %s" % req)
    ok("nodes 'input' and 'output' present")
    edges = [(a.decode(), b.decode()) for a, b in g["edges"][()]]
    seen = {"input"}
    for a, b in edges:
        if a not in nodes or b not in nodes:
            fail("edge %s -> %s names a missing node" % (a, b))
        if a not in seen and b not in seen:
            fail("edge %s -> %s out of topological order" % (a, b))
        seen.add(b)
    ok("%d edges name existing nodes, in topological order" % len(edges))
    if "metadata" not in g or "dt" not in g["metadata"]:
        fail("no dt in the graph metadata")
    ok("metadata dt = %s s" % g["metadata"]["dt"][()])

def check_netx(path):
    f = h5py.File(path, "r")
    layers = f["layer"]
    keys = sorted(layers.keys(), key=int)
    if keys != [str(i) for i in range(len(keys))]:
        fail("layers must be 0..N-1 without gaps: %s" % keys)
    ok("layers %s" % keys)
    for k in keys:
        l = layers[k]
        t = s(l["type"])
        if t not in ("input", "dense", "dense_rec", "conv", "flatten"):
            fail("layer %s: type %r is not one netx reads" % (k, t))
        if t == "dense":
            w = l["weight"][()]
            n_out, n_in = w.shape
            if not np.all(w == np.trunc(w)):
                fail("layer %s: weights are not integers (netx truncates them)" % k)
            lo, hi = w.min(), w.max()
            if lo < 0 < hi and (lo < -256 or hi > 254):
                fail("layer %s: mixed weights outside [-256, 254]" % k)
            if lo >= 0 and hi > 255:
                fail("layer %s: excitatory weights above 255 zero the layer in netx" % k)
            if not np.any(w):
                fail("layer %s: all-zero weights crash the netx reader" % k)
            n = l["neuron"]
            if s(n["type"]) not in ("CUBA", "LOIHI"):
                fail("layer %s: neuron type %s" % (k, s(n["type"])))
            vals = {x: int(np.array(n[x][()]).reshape(-1)[0]) for x in ("iDecay", "vDecay", "vThMant", "refDelay")}
            if not (1 <= vals["iDecay"] <= 4096 and 0 <= vals["vDecay"] <= 4096 and 0 <= vals["vThMant"] < 2 ** 17):
                fail("layer %s: neuron parameters out of range %s" % (k, vals))
            ok("layer %s dense %dx%d weights [%g, %g] neuron %s" % (k, n_out, n_in, lo, hi, vals))
        else:
            ok("layer %s %s shape %s" % (k, t, l["shape"][()]))

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("nir", "netx"):
        sys.exit(__doc__)
    (check_nir if sys.argv[1] == "nir" else check_netx)(sys.argv[2])
    print("PASS")
