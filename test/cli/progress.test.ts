// SPDX-License-Identifier: MIT
import test from 'ava';
import { Progress, formatDuration } from '../../src/cli/progress.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, s: { isTTY, write: (c: string) => (chunks.push(c), true) } as unknown as NodeJS.WriteStream };
}

const info = (done: number) => ({ epoch: 1, epochs: 2, done, total: 100, loss: 0.5, accuracy: 0.9, samplesPerS: 50 });

test('plain lines (one per quarter epoch) when not a terminal', (t) => {
  const { chunks, s } = stream(false);
  const p = new Progress(s);
  for (let d = 10; d <= 100; d += 10) p.update(info(d));
  t.is(chunks.length, 5); // quarters 0..3 and the end
  t.true(chunks.every((c) => c.endsWith('\n') && !c.includes('\r')));
  t.is(chunks[4], 'epoch 1/2 100/100 loss 0.5000 acc 90.00% 50 samples/s ETA 00:02\n');
});

test('a bar redrawn in place on a terminal, ETA over the remaining epochs', (t) => {
  const { chunks, s } = stream(true);
  const p = new Progress(s);
  p.update(info(50));
  t.true(chunks[0].startsWith('\r[############............] epoch 1/2 50/100'));
  t.regex(chunks[0], /ETA 00:03/); // (50 + 100) samples left at 50/s
  p.epochEnd(1, 2, 0.93, 2);
  t.regex(chunks[1], /test accuracy 93\.00%\x1b\[K\n$/);
  t.is(formatDuration(3725), '1h02m');
});
