# SPDX-License-Identifier: MIT
"""
Writes test/fixtures/spinnaker/stdp_golden.json: spike sequences played through sPyNNaker's own
STDP code (harness.cpp compiled against its headers) and the weights and traces it produced.

Usage (see README.md): SPYNNAKER_SRC=.../neural_modelling/src SPYNNAKER_COMMON_PY=.../common.py python3 make_golden.py
The LUTs come from sPyNNaker's get_exp_lut_array (common.py, imported from SPYNNAKER_COMMON_PY);
the weight-dependence region from the values its write_parameters writes, encoded as DataType.S1615
does (int(round(Decimal(str(v)) * 32768))).
"""
import json, os, random, subprocess, sys, importlib.util
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'spinnaker', 'stdp_golden.json')
spec = importlib.util.spec_from_file_location('spynnaker_common', os.environ['SPYNNAKER_COMMON_PY'])
common = importlib.util.module_from_spec(spec)
spec.loader.exec_module(common)
SRC = os.environ['SPYNNAKER_SRC']


def s1615(v):
    return int(round(Decimal(str(v)) * 32768))


def lut(ts, tau):
    a = common.get_exp_lut_array(ts, tau).view('uint16')
    return {'size': int(a[0]), 'shift': int(a[1]), 'values': [int(x) for x in a[2:2 + a[0]]]}


def binary(timing, weight):
    exe = os.path.join('/tmp', f'ffsnn-stdp-harness-{timing}-{weight}')
    subprocess.run(['g++', '-std=gnu++20', '-O1', '-w', '-I', os.path.join(HERE, 'shim'), '-I', SRC,
                    f'-DTIMING={timing}', f'-DWEIGHT={weight}', os.path.join(HERE, 'harness.cpp'), '-o', exe], check=True)
    return exe


def region(weight, w_min, w_max, a_plus, a_minus):
    # weight_dependence_additive.py pre-multiplies A+/A- by w_max; multiplicative writes them as they are.
    if weight == 'additive':
        return [s1615(w_min), s1615(w_max), s1615(a_plus * w_max), s1615(a_minus * w_max)]
    return [s1615(w_min), s1615(w_max), s1615(a_plus), s1615(a_minus)]


def random_ops(rng, n_pre, n_post, steps, p_pre, p_post):
    ops = []
    for t in range(1, steps + 1):
        step = [(1, j, t) for j in range(n_post) if rng.random() < p_post]  # neurons fire in the timer tick
        step += [(0, i, t) for i in range(n_pre) if rng.random() < p_pre]   # then spikes arrive
        rng.shuffle(step) if rng.random() < 0.3 else None                 # sometimes a pre packet first
        ops += step
    return ops


def make_cases():
    cases = []
    rng = random.Random(20261202)
    for timing in ['pair', 'nearest']:
        for weight in ['additive', 'multiplicative']:
            for k, (ts, tp, tm, ap, am, wmin, wmax, shift, steps, ppre, ppost) in enumerate([
                (1.0, 20.0, 20.0, 0.01, 0.012, 0.0, 2.0, 5, 120, 0.08, 0.08),     # PyNN defaults, w in nA
                (1.0, 16.8, 33.7, 0.1, 0.12, 0.0, 1.0, 6, 150, 0.15, 0.2),        # asymmetric taus, strong
                (0.1, 5.0, 8.0, 0.5, 0.4, 0.25, 1.5, 4, 200, 0.1, 0.3),           # 0.1 ms step, clamps reached
                (1.0, 20.0, 20.0, 0.05, 0.05, 0.0, 4.0, 7, 300, 0.02, 0.6),       # dense post: history overflow, trace wrap
            ]):
                n_pre, n_post = 3, 2
                w0 = [rng.randrange(0, int(wmax * 32768) >> shift) for _ in range(n_pre * n_post)]
                ops = random_ops(rng, n_pre, n_post, steps, ppre, ppost)
                cases.append({
                    'name': f'{timing}-{weight}-{k}', 'timing': timing, 'weight': weight,
                    'params': {'timestepMs': ts, 'tauPlus': tp, 'tauMinus': tm, 'aPlus': ap, 'aMinus': am, 'wMin': wmin, 'wMax': wmax},
                    'lutPlus': lut(ts, tp), 'lutMinus': lut(ts, tm),
                    'region': dict(zip(['minWeight', 'maxWeight', 'a2Plus', 'a2Minus'], region(weight, wmin, wmax, ap, am))),
                    'weightShift': shift, 'nPre': n_pre, 'nPost': n_post, 'initialWeights': w0,
                    'ops': [list(o) for o in ops],
                })
    return cases


def run(case, exe):
    lines = []
    for name in ['lutPlus', 'lutMinus']:
        l = case[name]
        lines.append(' '.join(map(str, [l['size'], l['shift'], *l['values']])))
    r = case['region']
    lines.append(' '.join(map(str, [r['minWeight'], r['maxWeight'], r['a2Plus'], r['a2Minus'], case['weightShift']])))
    lines.append(f"{case['nPre']} {case['nPost']}")
    lines.append(' '.join(map(str, case['initialWeights'])))
    lines.append(str(len(case['ops'])))
    lines += [' '.join(map(str, o)) for o in case['ops']]
    out = subprocess.run([exe], input='\n'.join(lines) + '\n', capture_output=True, text=True, check=True).stdout
    return [json.loads(x) for x in out.splitlines()]


def main():
    cases = make_cases()
    exes = {}
    for c in cases:
        key = (c['timing'], c['weight'])
        if key not in exes:
            exes[key] = binary(*key)
        c['after'] = run(c, exes[key])
    doc = {
        'description': 'sPyNNaker STDP (timing: pair / nearest pair; weight: additive / multiplicative one term) played '
                       'through its own headers compiled on the host; after[k] is the state after ops[k] '
                       '([kind, index, time], kind 0 = pre spike, 1 = post spike).',
        'generator': 'scripts/spinnaker-golden/make_golden.py + harness.cpp',
        'sources': {
            'maths.h, stdp_typedefs.h, post_events.h, weight_additive_one_term_impl.h': 'SpiNNakerManchester/sPyNNaker @02c5eebe721449ff32a5521376f8438f07db6587',
            'weight_multiplicative_impl.h': 'SpiNNakerManchester/sPyNNaker, Apache 2015-2023 version with weight_shift',
            'timing_pair_impl.h': 'SpiNNakerManchester/sPyNNaker, version with timing_decay_post and int16_lut',
            'timing_nearest_pair_impl.h': 'SpiNNakerManchester/sPyNNaker @03641f849b5ce22b3280d4005133132094bc6406',
            'common.py (get_exp_lut_array)': 'SpiNNakerManchester/sPyNNaker spynnaker/pyNN/models/neuron/plasticity/stdp/common.py, 2014-2023 version',
        },
        'cases': cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    print(f'{OUT}: {len(cases)} cases, {sum(len(c["ops"]) for c in cases)} ops')


if __name__ == '__main__':
    main()
