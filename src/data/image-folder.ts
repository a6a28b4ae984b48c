// SPDX-License-Identifier: MIT
/**
 * Class-per-folder image trees, the layout of torchvision's ImageFolder:
 *   DIR/train/<class>/*.png|jpg|jpeg   and   DIR/test/<class>/*.png|jpg|jpeg
 * Classes are the sub-folders of DIR/train sorted by name (label = index in that order); DIR/test
 * must hold the same class folders. Files within a class are read in name order.
 *
 * Every image must have the size and channel count of the first one (grey = 1 channel, RGB = 3;
 * an alpha channel is dropped), else a FileFormatError names the file. Samples are channel-major
 * ([C, H, W], like the CIFAR-10 binary batches), scaled to [0, 1].
 *
 * Memory: the file list is gathered first, the pixel buffer of the whole split is allocated once,
 * and each file is read, decoded and written straight into its row, so no more than one encoded
 * file and one decoded image exist beside the split's buffer.
 */
import { createHash, type Hash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { decode as decodePng, convertIndexedToRgb } from 'fast-png';
import jpeg from 'jpeg-js';
import { ConfigError, FileFormatError } from '../errors.js';
import type { Dataset, Split } from './dataset.js';

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);
/** Label bytes are uint8. */
const MAX_CLASSES = 256;

interface Decoded {
  width: number;
  height: number;
  channels: number;
  /** Interleaved samples (HWC), `channels` per pixel. */
  data: ArrayLike<number>;
  /** Largest sample value (255 for 8-bit, 65535 for 16-bit). */
  max: number;
}

/** Deflate expands at most about 1032:1, so a PNG's pixel data can be no larger than this many times its file. */
const PNG_MAX_EXPANSION = 1032;
/** Samples per pixel of each PNG colour type (grey, RGB, palette, grey+alpha, RGBA). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Refuses a PNG whose header claims more pixel data than its compressed data can hold, before the
 * decoder allocates it (a 131-byte file claiming 4 x 2,359,299 16-bit RGB pixels made fast-png
 * allocate 57 MB; found by fuzzing).
 */
function checkPngSize(file: string, bytes: Uint8Array): void {
  if (bytes.length < 26) return; // too short for a header: the decoder refuses it
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bits = bytes[24] * (PNG_CHANNELS[bytes[25]] ?? 4);
  const raw = height * (1 + Math.ceil((width * bits) / 8));
  if (raw > PNG_MAX_EXPANSION * bytes.length)
    throw new FileFormatError(file, `PNG header claims ${width}x${height} pixels (${raw} bytes of pixel data), more than its ${bytes.length} bytes can hold`);
}

/** Decodes one PNG or JPEG file; any decoder fault becomes a FileFormatError naming the file. */
function decodeImage(file: string, bytes: Uint8Array): Decoded {
  if (extname(file).toLowerCase() === '.png') checkPngSize(file, bytes);
  try {
    if (extname(file).toLowerCase() === '.png') {
      const png = decodePng(bytes);
      if (png.palette) {
        const rgb = convertIndexedToRgb(png);
        const channels = rgb.length / (png.width * png.height);
        return { width: png.width, height: png.height, channels, data: rgb, max: 255 };
      }
      return { width: png.width, height: png.height, channels: png.channels, data: png.data, max: 2 ** png.depth - 1 };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 256 });
    return { width: img.width, height: img.height, channels: img.data.length / (img.width * img.height), data: img.data, max: 255 };
  } catch (err) {
    throw new FileFormatError(file, `not a readable image (${(err as Error).message.split('\n')[0]})`);
  }
}

/** Colour channels kept: grey (+alpha) -> 1, RGB (+alpha) -> 3. */
const colourChannels = (channels: number) => (channels <= 2 ? 1 : 3);

function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The split's files in label order, then name order. */
function listSplit(root: string, split: string, classes: string[]): { files: string[]; labels: number[] } {
  const dir = join(root, split);
  if (!existsSync(dir)) throw new ConfigError(`dataset folder ${root}: missing ${split}/ (expected ${split}/<class>/*.png)`);
  const found = subfolders(dir);
  const missing = classes.filter((c) => !found.includes(c));
  const extra = found.filter((c) => !classes.includes(c));
  if (missing.length > 0 || extra.length > 0) {
    const what = missing.length > 0 ? `lacks class folder '${missing[0]}'` : `has class folder '${extra[0]}' that train/ does not`;
    throw new ConfigError(`dataset folder ${dir} ${what} (classes must match train/)`);
  }
  const files: string[] = [];
  const labels: number[] = [];
  classes.forEach((c, label) => {
    const names = readdirSync(join(dir, c)).filter((n) => IMAGE_EXT.has(extname(n).toLowerCase())).sort();
    for (const n of names) {
      // a folder named like an image would fail in the read with EISDIR (found by fuzzing)
      if (!statSync(join(dir, c, n)).isFile()) throw new ConfigError(`dataset folder ${join(dir, c, n)} is named like an image but is not a file`);
      files.push(join(dir, c, n));
      labels.push(label);
    }
  });
  if (files.length === 0) throw new ConfigError(`dataset folder ${dir} holds no .png/.jpg images`);
  return { files, labels };
}

interface Shape {
  width: number;
  height: number;
  channels: number;
}

/**
 * Decodes every file into one preallocated channel-major buffer. The hash sees each file's path
 * relative to the tree's root and its bytes, so the same tree elsewhere gives the same checksum.
 */
function readSplit(root: string, files: string[], labels: number[], shape: Shape, hash: Hash): Split {
  const { width, height, channels } = shape;
  const plane = width * height;
  const dim = plane * channels;
  const n = files.length;
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const bytes = readFileSync(files[i]);
    const rel = relative(root, files[i]);
    hash.update(`${rel.length}:${rel}:${bytes.length}:`).update(bytes);
    const img = decodeImage(files[i], bytes);
    if (img.width !== width || img.height !== height || colourChannels(img.channels) !== channels) {
      throw new FileFormatError(
        files[i],
        `image is ${img.width}x${img.height} with ${colourChannels(img.channels)} colour channel(s) but ${files[0]} is ${width}x${height} with ${channels} (all images must match)`,
      );
    }
    const src = img.data;
    const stride = img.channels;
    const scale = 1 / img.max;
    const row = i * dim;
    for (let c = 0; c < channels; c++) {
      const dst = row + c * plane;
      for (let p = 0; p < plane; p++) x[dst + p] = src[p * stride + c] * scale;
    }
  }
  return { x, y: Uint8Array.from(labels), n };
}

/** Loads DIR/{train,test}/<class>/*; the training split is read only when `withTrain`. */
export function loadImageFolder(root: string, withTrain: boolean): Dataset {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new ConfigError(`dataset folder ${root} does not exist`);
  if (!existsSync(join(root, 'train'))) throw new ConfigError(`dataset folder ${root}: missing train/ (expected train/<class>/*.png)`);
  const classes = subfolders(join(root, 'train'));
  if (classes.length < 2) throw new ConfigError(`dataset folder ${join(root, 'train')}: found ${classes.length} class folder(s) (expected at least 2)`);
  if (classes.length > MAX_CLASSES) throw new ConfigError(`dataset folder ${join(root, 'train')}: ${classes.length} class folders (at most ${MAX_CLASSES})`);
  const test = listSplit(root, 'test', classes);
  const train = withTrain ? listSplit(root, 'train', classes) : undefined;
  // the first file fixes the shape every other image must have
  const first = (train ?? test).files[0];
  const probe = decodeImage(first, readFileSync(first));
  const shape = { width: probe.width, height: probe.height, channels: colourChannels(probe.channels) };
  const checksums: Record<string, string> = {};
  const read = (s: { files: string[]; labels: number[] }, name: string): Split => {
    const hash = createHash('sha256');
    const split = readSplit(root, s.files, s.labels, shape, hash);
    checksums[`${name}/ (${s.files.length} files)`] = `sha256:${hash.digest('hex')}`;
    return split;
  };
  const trainSplit = train ? read(train, 'train') : undefined;
  const testSplit = read(test, 'test');
  const shapeOut = shape.channels === 1 ? [shape.height, shape.width] : [shape.channels, shape.height, shape.width];
  return {
    name: `folder:${root}`,
    shape: shapeOut,
    dim: shape.width * shape.height * shape.channels,
    classes: classes.length,
    classNames: classes,
    train: trainSplit,
    test: testSplit,
    checksums,
  };
}
