// SPDX-License-Identifier: MIT
/**
 * Training progress: a one-line bar redrawn in place on a terminal (epoch, loss, accuracy,
 * samples/s, ETA of the whole run); plain lines (one per quarter epoch) when output is not a TTY.
 */
import type { BatchProgress } from '../train/trainer.js';

export type ProgressInfo = BatchProgress;

export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--:--';
  const m = Math.floor(s / 60);
  const r = Math.floor(s % 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}`;
}

export class Progress {
  private lastQuarter = -1;
  private readonly tty: boolean;
  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    /** Epochs already done when this process started (resume), so the ETA counts only what is left. */
    private readonly firstEpoch = 1,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  line(p: ProgressInfo): string {
    const left = (p.total - p.done + (p.epochs - p.epoch) * p.total) / Math.max(p.samplesPerS, 1e-9);
    const acc = p.accuracy === null ? '  n/a ' : `${(100 * p.accuracy).toFixed(2)}%`;
    return `epoch ${p.epoch}/${p.epochs} ${p.done}/${p.total} loss ${p.loss.toFixed(4)} acc ${acc} ${Math.round(p.samplesPerS)} samples/s ETA ${formatDuration(left)}`;
  }

  update(p: ProgressInfo): void {
    if (this.tty) {
      const width = 24;
      const filled = Math.round((width * p.done) / p.total);
      this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.line(p)}\x1b[K`);
      return;
    }
    const quarter = Math.floor((4 * p.done) / p.total) + 4 * (p.epoch - this.firstEpoch);
    if (quarter !== this.lastQuarter) {
      this.lastQuarter = quarter;
      this.out.write(`${this.line(p)}\n`);
    }
  }

  /** Ends the epoch's bar with its test accuracy. */
  epochEnd(epoch: number, epochs: number, testAccuracy: number, seconds: number): void {
    const msg = `epoch ${epoch}/${epochs} done in ${seconds.toFixed(1)} s: test accuracy ${(100 * testAccuracy).toFixed(2)}%`;
    this.out.write(this.tty ? `\r${msg}\x1b[K\n` : `${msg}\n`);
  }
}
