// SPDX-License-Identifier: MIT
import test from 'ava';
import { decodeBundle, encodeBundle } from '../../src/export/bundle.js';
import { FileFormatError } from '../../src/errors.js';
import { smallLifNet } from '../helpers/nets.js';

test('bundle round trip is lossless (typed arrays, params, encoding, metadata)', (t) => {
  const net = smallLifNet(5);
  net.learning = { rule: 'faust', reads: ['pre.spike', 'layer.local'], params: { temperature: 0.1 } };
  net.readout = { kind: 'prototype-cosine', layers: ['out'], classes: 2, prototypes: [Float32Array.of(0.6, 0.8, 0, 1, 0, 0)], activity: 'spike-count' };
  net.projections[1] = { ...net.projections[1], weights: { format: 'csr', rowPtr: Uint32Array.of(0, 1, 1, 2, 2, 2), col: Uint32Array.of(1, 0), weight: Float32Array.of(-0.25, 1e-7), delay: Uint16Array.of(1, 3) } };
  const back = decodeBundle(encodeBundle(net), 'x.bundle');
  t.deepEqual(back, net);
  t.true(back.projections[0].weights.format === 'dense' && back.projections[0].weights.weight instanceof Float32Array);
});

test('truncated, corrupted and foreign bundles are FileFormatErrors naming the file', (t) => {
  const bytes = encodeBundle(smallLifNet(1));
  const flipped = Uint8Array.from(bytes);
  flipped[bytes.length - 10] ^= 0x40;
  for (const [what, b, re] of [
    ['truncated', bytes.subarray(0, bytes.length - 100), /damaged bundle: its SHA-256 checksum does not match/],
    ['header only', bytes.subarray(0, 20), /damaged bundle: truncated/],
    ['corrupted', flipped, /damaged bundle: its SHA-256/],
    ['foreign', new TextEncoder().encode('{"not":"a bundle"}'), /missing FFSNNB1 header/],
  ] as const) {
    const e = t.throws(() => decodeBundle(b, 'net.bundle'), { instanceOf: FileFormatError }, what);
    t.regex(e!.message, /^net\.bundle: /);
    t.regex(e!.message, re, what);
  }
});
