// SPDX-License-Identifier: MIT
/**
 * Time and peak memory of reading a class-per-folder PNG tree (`--dataset folder:DIR`), e.g. the
 * CIFAR-10 PNG copy (github:cyizhuo/CIFAR-10-dataset, 50,000 train + 10,000 test):
 *   node --import tsx bench/read-image-folder.ts /tmp/cifar10
 * Prints wall seconds, images/s, the process's CPU seconds (what the wall time would be on an idle
 * core: on a loaded machine wall >> CPU) and the peak resident set against the float32 pixels' own size.
 */
import { loadImageFolder } from '../src/data/image-folder.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node --import tsx bench/read-image-folder.ts DIR');
  process.exit(2);
}
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let peak = 0;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
const ds = loadImageFolder(dir, true);
const s = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);
const n = ds.train!.n + ds.test.n;
const pixels = (ds.train!.x.byteLength + ds.test.x.byteLength) / 1e6;
console.log(`${n} images ${ds.shape.join('x')} in ${ds.classes} classes: ${s.toFixed(1)} s wall (${Math.round(n / s)} images/s), ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`);
console.log(`peak RSS ${(peak / 1e6).toFixed(0)} MB; float32 pixels ${pixels.toFixed(0)} MB`);
console.log(JSON.stringify(ds.checksums));
