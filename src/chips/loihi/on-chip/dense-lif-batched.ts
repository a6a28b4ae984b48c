// SPDX-License-Identifier: MIT
/**
 * B copies of one Loihi Dense + CUBA LIF layer stepped in lock-step with integer weights: the same
 * arithmetic as `LoihiDense` + `LoihiLif` (../dense-lif.ts, bit-accurate to Lava), batched, with
 * pre-major [nIn][nOut] Int16 weights so each step adds only the rows of spiking inputs.
 * weight_exp is 0 and biases are 0 (the on-chip trainer uses neither).
 *
 * Per step: a_in = sum of the rows of LAST step's input spikes (Dense's one-step latency), then
 *   u = wrap24(trunc0(u (4096 - (du + 1)) / 4096) + a_in << 6)
 *   v = clip24(trunc0(v (4096 - dv) / 4096) + u);  s = v > vth << 6;  v <- 0 where s
 */
export interface LoihiCompartment {
  du: number;
  dv: number;
  vth: number;
}

export class LoihiLayerBatch {
  readonly u: Float64Array;
  readonly v: Float64Array;
  /** Input current of this step (a_in), [B][nOut]. */
  readonly acc: Int32Array;
  private readonly fu: number;
  private readonly fv: number;
  private readonly vthEff: number;

  constructor(readonly B: number, readonly nIn: number, readonly nOut: number, readonly c: LoihiCompartment) {
    this.u = new Float64Array(B * nOut);
    this.v = new Float64Array(B * nOut);
    this.acc = new Int32Array(B * nOut);
    this.fu = 4096 - (c.du + 1);
    this.fv = 4096 - c.dv;
    this.vthEff = c.vth * 64;
  }

  reset(): void {
    this.u.fill(0);
    this.v.fill(0);
  }

  /**
   * One step. `prevIn` are the input spikes of the previous step ([B][nIn], 0/1), `w` the weights.
   * Writes spikes (0/1) and the membrane before reset (`vPre`, for the graded surrogate); returns
   * the number of spikes.
   */
  step(w: Int16Array, prevIn: Uint8Array, spikes: Uint8Array, vPre: Float64Array): number {
    const { B, nIn, nOut, acc } = this;
    acc.fill(0);
    for (let b = 0; b < B; b++) {
      const io = b * nIn;
      const o = b * nOut;
      for (let i = 0; i < nIn; i++) {
        if (prevIn[io + i] === 0) continue;
        const r = i * nOut;
        for (let j = 0; j < nOut; j++) acc[o + j] += w[r + j];
      }
    }
    return this.integrate(acc, spikes, vPre);
  }

  /** The compartment update of one step with Dense input `acc` ([B][nOut], a_in); see `step`. */
  integrate(acc: Int32Array, spikes: Uint8Array, vPre: Float64Array): number {
    const { B, nOut, u, v, fu, fv, vthEff } = this;
    const max = 8388608; // 2^23
    let count = 0;
    for (let k = 0; k < B * nOut; k++) {
      let uu = Math.trunc((u[k] * fu) / 4096) + acc[k] * 64;
      if (uu > max) uu -= 2 * max;
      else if (uu <= -max) uu += 2 * max;
      u[k] = uu;
      let vv = Math.trunc((v[k] * fv) / 4096) + uu;
      if (vv > max - 1) vv = max - 1;
      else if (vv < 1 - max) vv = 1 - max;
      vPre[k] = vv;
      if (vv > vthEff) {
        spikes[k] = 1;
        vv = 0;
        count++;
      } else spikes[k] = 0;
      v[k] = vv + 0; // no -0
    }
    return count;
  }
}
