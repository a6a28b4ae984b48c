// SPDX-License-Identifier: MIT
/**
 * The closed vocabulary of signals a learning rule may read, and the recorder that audits them.
 *
 * A rule's update function receives its inputs ONLY through a `SignalContext` (plus the shapes and
 * its own parameters, which are not signals), so wrapping the context in `recordReads` captures
 * every signal the rule really used. The locality audit compares that record with the rule's
 * declared `reads`.
 */
import { LocalityError } from '../errors.js';

/** Everything a rule may read. */
export const SIGNALS = [
  'pre.spike', //          presynaptic spikes, per step [T][B][nIn] (spiking) — arrives with the event
  'pre.trace', //          presynaptic trace or rate [B][nIn] (rate mode: the layer's input activity)
  'post.spike', //         postsynaptic spikes, per step [T][B][nOut]
  'post.trace', //         postsynaptic activity: spike counts / filtered trace / ReLU rate [B][nOut]
  'post.v', //             postsynaptic membrane: rate mode the pre-activation u, spiking mode psi(v(t)) per step
  'syn.w', //              the synapse's own weight
  'syn.eligibility', //    the synapse's eligibility trace
  'layer.local', //        a signal computed from this layer's own output (goodness, prototypes, similarities)
  'global.phase', //       a broadcast phase flag (FF positive/negative)
  'global.label', //       a broadcast class label
  'other.layers', //       activity or errors of OTHER layers (backprop only: non-local)
  'syn.w.transposed', //   weights of other layers read backwards (backprop only: weight transport)
] as const;

export type Signal = (typeof SIGNALS)[number];

/** Signals whose use makes a rule non-local. */
export const NON_LOCAL: readonly Signal[] = ['other.layers', 'syn.w.transposed'];

/** A rule's declaration: what it reads and writes, and whether it is local. */
export interface RuleSpec {
  name: string;
  /** Human-readable citation of the source of the rule. */
  cite: string;
  reads: readonly Signal[];
  writes: readonly ('syn.w' | 'syn.eligibility' | 'layer.local')[];
}

/** The context a rule reads from; which entries exist depends on the neuron mode and rule. */
export type SignalContext = { readonly [S in Signal]?: unknown };

/** True when the declared reads include a non-local signal. */
export function isLocal(spec: RuleSpec): boolean {
  return !spec.reads.some((s) => NON_LOCAL.includes(s));
}

/** Collects the signals read through contexts wrapped by `recordReads`. */
export class ReadRecorder {
  readonly seen = new Set<Signal>();
  /** Wraps `ctx` so each property read (signal or not) is recorded; unknown keys are rejected. */
  wrap<T extends object>(ctx: T): T {
    const seen = this.seen;
    return new Proxy(ctx, {
      get(target, key, receiver) {
        if (typeof key === 'string') {
          if (!(SIGNALS as readonly string[]).includes(key)) {
            throw new LocalityError('?', key, 'is not in the signal vocabulary');
          }
          seen.add(key as Signal);
        }
        return Reflect.get(target, key, receiver);
      },
      has(target, key) {
        if (typeof key === 'string') seen.add(key as Signal);
        return Reflect.has(target, key);
      },
      ownKeys() {
        throw new LocalityError('?', '*', 'enumerates the whole context (rules must read signals by name)');
      },
    });
  }
  /** Signals read that `spec` did not declare. */
  undeclared(spec: RuleSpec): Signal[] {
    return [...this.seen].filter((s) => !spec.reads.includes(s));
  }
  /** Throws a LocalityError for the first undeclared read. */
  check(spec: RuleSpec): void {
    const bad = this.undeclared(spec);
    if (bad.length > 0) throw new LocalityError(spec.name, bad[0], 'it did not declare');
  }
}
