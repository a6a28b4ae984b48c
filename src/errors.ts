// SPDX-License-Identifier: MIT
/**
 * Typed errors thrown by every layer of ffsnn. Each names what was wrong (the parameter, file,
 * field, population or profile) and what was expected, so the CLI can print one clear line.
 */
export class SnnError extends Error {
  readonly code: string;
  readonly context: Record<string, unknown>;
  constructor(code: string, message: string, context: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.context = context;
  }
}

/** A bad parameter, unit, shape or option. */
export class ConfigError extends SnnError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('E_CONFIG', message, context);
  }
}

/** Builds the standard message for a parameter that failed validation. */
export function invalidParam(owner: string, param: string, value: unknown, expected: string): ConfigError {
  return new ConfigError(`${owner}: parameter '${param}' = ${formatValue(value)} is invalid (expected ${expected})`, {
    owner,
    param,
    value,
    expected,
  });
}

/** Asserts lazily: the message is only built when the check fails. */
export function assertConfig(cond: boolean, message: () => string): asserts cond {
  if (!cond) throw new ConfigError(message());
}

/** A network, buffer or dataset that would not fit in memory; raised before allocating. */
export class MemoryLimitError extends SnnError {
  constructor(what: string, bytesNeeded: number, bytesAvailable: number) {
    super(
      'E_MEMORY',
      `${what} would need ${bytesNeeded.toLocaleString('en-US')} bytes, more than the ${bytesAvailable.toLocaleString('en-US')} bytes available`,
      { what, bytesNeeded, bytesAvailable },
    );
  }
}

/** A malformed or unreadable input file (dataset, checkpoint, bundle, HDF5, profile). */
export class FileFormatError extends SnnError {
  constructor(file: string, fault: string, context: Record<string, unknown> = {}) {
    super('E_FILE_FORMAT', `${file}: ${fault}`, { file, ...context });
  }
}

/** No implementation of a model for the requested backend or numerics. */
export class NoImplementationError extends SnnError {
  constructor(what: string, available: string[]) {
    super('E_NO_IMPL', `no implementation for ${what}; available: ${available.join(', ') || 'none'}`, { what, available });
  }
}

/** The requested compute backend could not start. */
export class BackendUnavailableError extends SnnError {
  constructor(backend: string, reason: string) {
    super('E_BACKEND', `backend '${backend}' is unavailable: ${reason}`, { backend, reason });
  }
}

/** A value does not fit the declared fixed-point width. */
export class FixedPointRangeError extends SnnError {
  constructor(name: string, value: number, bits: number, signed: boolean) {
    super('E_FIXED_RANGE', `${name} = ${value} does not fit in ${bits}-bit ${signed ? 'signed' : 'unsigned'}`, {
      name,
      value,
      bits,
      signed,
    });
  }
}

/** A learning rule read a signal it did not declare, or one a hardware profile cannot provide. */
export class LocalityError extends SnnError {
  constructor(rule: string, signal: string, where: string) {
    super('E_LOCALITY', `rule '${rule}' reads signal '${signal}' that ${where}`, { rule, signal, where });
  }
}

/** A hardware profile is malformed, or a network violates one of its limits. */
export class HardwareProfileError extends SnnError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('E_PROFILE', message, context);
  }
}

/** A network element has no mapping for an export target, or an export could not be written. */
export class ExportError extends SnnError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('E_EXPORT', message, context);
  }
}

/** Training produced a NaN or infinite loss, gradient, weight or activity; names the layer and the step. */
export class DivergenceError extends SnnError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('E_DIVERGED', message, context);
  }
}

/** A file could not be written (full disk, read-only folder, quota); what was there before is intact. */
export class WriteError extends SnnError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('E_WRITE', message, context);
  }
}

/** A node or feature of an imported file that ffsnn does not support. */
export class ImportError extends SnnError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('E_IMPORT', message, context);
  }
}

/** A chip cannot learn on chip, or cannot run the kind of rule asked for. */
export class OnChipLearningError extends HardwareProfileError {
  constructor(profile: string, message: string) {
    super(message, { profile });
  }
}

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
