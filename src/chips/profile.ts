// SPDX-License-Identifier: MIT
/**
 * Hardware profiles: loading by name or file, JSON Schema validation (ajv) with every fault
 * reported by its JSON path, and typed access to the numbers (each carries a source and a
 * confidence, see hardware-profiles/schema/hardware-profile.schema.json).
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { HardwareProfileError, FileFormatError, OnChipLearningError } from '../errors.js';

export type Confidence = 'code' | 'doc' | 'secondary' | 'unconfirmed' | 'assumed';

export interface Quantity<T = number> {
  value: T;
  source: string;
  confidence: Confidence;
  unit?: string;
  note?: string;
}

/** A sourced fact in words (what a chip's plasticity can express, why it cannot learn, ...). */
export interface Statement {
  text: string;
  source: string;
  confidence: Confidence;
}

/**
 * On-chip learning of a profile (schema: properties.learning). When `learnsOnChip` is false only
 * `reason` is given; otherwise the engine, what it expresses, precisions, schedule, third-factor
 * path and energy are (see hardware-profiles/*.json for the sources).
 */
export interface LearningSection {
  learnsOnChip: boolean;
  reason?: Statement;
  engine?: 'loihi1-learning-engine' | 'loihi2-learning-engine' | 'arm-software';
  expresses?: Statement;
  ruleVariables?: string[];
  ruleTargets?: string[];
  factors?: (2 | 3)[];
  traceBits?: Quantity;
  traceFracBits?: Quantity;
  weightBits?: Quantity;
  tagBits?: Quantity;
  epochSteps?: Quantity;
  postHistoryEvents?: Quantity;
  updateSchedule?: Statement;
  thirdFactor?: Statement & { supported: boolean };
  clockMHz?: Quantity;
  cyclePj?: Quantity<number | null>;
  synUpdatePj?: Quantity<number | null>;
}

/** The on-chip learning section of a chip that learns (every field a learning chip must have is present). */
export type OnChipLearning = Required<Pick<LearningSection, 'engine' | 'expresses' | 'factors' | 'traceBits' | 'weightBits' | 'updateSchedule' | 'thirdFactor' | 'synUpdatePj'>> &
  LearningSection & { learnsOnChip: true };

/** What a caller needs from the chip's plasticity: plain two-factor rules (STDP) or a third factor. */
export type LearningNeed = 'two-factor' | 'three-factor';

export type WeightFormat = 'loihi-mant-exp' | 'spinnaker-u16-shift' | 'truenorth-axon-types';

export interface HardwareProfile {
  name: string;
  title: string;
  family: 'loihi' | 'spinnaker' | 'truenorth';
  description: string;
  chip: { coresPerChip: Quantity; maxChips?: Quantity; neuronsPerChip?: Quantity; synapsesPerChip?: Quantity };
  core: {
    maxNeurons: Quantity;
    maxInAxons?: Quantity;
    maxOutAxons?: Quantity;
    synapseMemBits: Quantity;
    bitsPerSynapse: Quantity;
    splitFanIn?: boolean;
  };
  delay: { min: Quantity; max: Quantity; timestepMs?: Quantity };
  weights: {
    format: WeightFormat;
    mantBits?: Quantity;
    expMin?: Quantity;
    expMax?: Quantity;
    maxShift?: Quantity;
    typesPerNeuron?: Quantity;
  };
  neuron: {
    models: string[];
    stateBits?: Quantity;
    decayBits?: Quantity;
    vthMantBits?: Quantity;
    vthShift?: Quantity;
    actShift?: Quantity;
    fracBits?: Quantity;
  };
  plasticity: { signals: string[]; traceBits?: Quantity };
  energy: { synOpPj: Quantity<number | null>; neuronUpdatePj: Quantity<number | null>; spikePj?: Quantity<number | null>; synUpdatePj?: Quantity<number | null> };
  learning: LearningSection;
}

export const PROFILE_DIR = fileURLToPath(new URL('../../hardware-profiles/', import.meta.url));
export const PROFILE_SCHEMA_PATH = join(PROFILE_DIR, 'schema', 'hardware-profile.schema.json');

let validator: ReturnType<Ajv['compile']> | undefined;
function profileValidator() {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    validator = ajv.compile(JSON.parse(readFileSync(PROFILE_SCHEMA_PATH, 'utf8')));
  }
  return validator;
}

/** One line per ajv error: `/core/maxNeurons/value: must be integer`. */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  const out: string[] = [];
  for (const e of errors ?? []) {
    // `if` wrappers repeat the `then` failure; the failure itself is reported separately.
    if (e.keyword === 'if') continue;
    let msg = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') msg += ` '${(e.params as { additionalProperty: string }).additionalProperty}'`;
    if (e.keyword === 'enum') msg += `: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    const line = `${e.instancePath || '/'}: ${msg}`;
    if (!out.includes(line)) out.push(line);
  }
  return out;
}

/** Checks the relations the schema cannot express. */
function semanticFaults(p: HardwareProfile): string[] {
  const faults: string[] = [];
  if (p.delay.min.value > p.delay.max.value) faults.push(`/delay/min/value: must be <= /delay/max/value (${p.delay.max.value})`);
  const { expMin, expMax } = p.weights;
  if (expMin && expMax && expMin.value > expMax.value) faults.push(`/weights/expMin/value: must be <= /weights/expMax/value (${expMax.value})`);
  return faults;
}

/** Every fault of a parsed profile (empty when valid). */
export function profileFaults(json: unknown): string[] {
  const validate = profileValidator();
  if (!validate(json)) return formatAjvErrors(validate.errors);
  return semanticFaults(json as HardwareProfile);
}

/** Validates and returns a profile; throws HardwareProfileError listing every fault. */
export function parseProfile(json: unknown, file: string): HardwareProfile {
  const faults = profileFaults(json);
  if (faults.length) throw new HardwareProfileError(`${file}: ${faults.length} fault(s): ${faults.join('; ')}`, { file, faults });
  return json as HardwareProfile;
}

/** Reads a profile file; bad JSON is a FileFormatError, schema faults a HardwareProfileError. */
export function readProfileFile(file: string): HardwareProfile {
  if (!existsSync(file)) throw new FileFormatError(file, 'no such file');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    // V8's message quotes the input, newlines included; the error must stay one line
    throw new FileFormatError(file, `not valid JSON (${(err as Error).message.replace(/\s+/g, ' ')})`);
  }
  return parseProfile(json, file);
}

/** Names of the shipped profiles. */
export function listProfileNames(): string[] {
  return readdirSync(PROFILE_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A shipped profile by name, or a user's profile by path (anything with a `/` or ending in .json). */
export function loadProfile(nameOrFile: string): HardwareProfile {
  if (nameOrFile.includes('/') || nameOrFile.endsWith('.json')) return readProfileFile(resolve(nameOrFile));
  const names = listProfileNames();
  if (!names.includes(nameOrFile))
    throw new HardwareProfileError(`unknown profile '${nameOrFile}' (expected one of: ${names.join(', ')}, or a path to a profile .json)`, {
      profile: nameOrFile,
    });
  return readProfileFile(join(PROFILE_DIR, `${nameOrFile}.json`));
}

/**
 * The on-chip learning section of a profile, or an OnChipLearningError naming the chip and why:
 * "truenorth has no on-chip learning: ..." (with the profile's reason), or, with `need`
 * 'three-factor', "<chip> cannot run three-factor rules on chip: ...".
 */
export function learningOf(profile: HardwareProfile, need: LearningNeed = 'two-factor'): OnChipLearning {
  const l = profile.learning;
  if (!l.learnsOnChip) {
    const why = l.reason ? `${l.reason.text} (${l.reason.source}; ${l.reason.confidence})` : 'the profile gives no reason';
    throw new OnChipLearningError(profile.name, `${profile.name} has no on-chip learning: ${why}`);
  }
  const factor = need === 'three-factor' ? 3 : 2;
  if (!l.factors?.includes(factor) || (factor === 3 && !l.thirdFactor?.supported))
    throw new OnChipLearningError(
      profile.name,
      `${profile.name} cannot run ${need} rules on chip: its learning engine supports ${l.factors?.join('- and ') ?? 'no'}-factor rules${l.thirdFactor ? ` (${l.thirdFactor.text})` : ''}`,
    );
  return l as OnChipLearning;
}

/** Every number of a profile with its JSON path, source and confidence (for reports). */
export function profileQuantities(p: HardwareProfile): { path: string; value: number | null; confidence: Confidence; source: string }[] {
  const out: { path: string; value: number | null; confidence: Confidence; source: string }[] = [];
  const walk = (o: unknown, path: string) => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) return;
    const r = o as Record<string, unknown>;
    if ('value' in r && 'confidence' in r) {
      out.push({ path, value: r.value as number | null, confidence: r.confidence as Confidence, source: r.source as string });
      return;
    }
    for (const [k, v] of Object.entries(r)) walk(v, `${path}/${k}`);
  };
  walk(p, '');
  return out;
}
