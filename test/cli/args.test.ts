// SPDX-License-Identifier: MIT
import test from 'ava';
import { numberOption, parseOptions } from '../../src/cli/args.js';
import { ConfigError } from '../../src/errors.js';

const spec = { epochs: { type: 'string' }, json: { type: 'boolean' } } as const;

test('a negative number after an option is its value, refused by name when out of range', (t) => {
  const { values } = parseOptions(['--epochs', '-1', '--json'], spec);
  t.is(values.epochs, '-1');
  t.is(values.json, true);
  const err = t.throws(() => numberOption('epochs', values.epochs as string, { integer: true, min: 1 }), { instanceOf: ConfigError });
  t.regex(err!.message, /--epochs = "-1" is invalid \(expected an integer >= 1\)/);
});

test('unknown options and malformed numbers are ConfigErrors naming the option', (t) => {
  t.throws(() => parseOptions(['--epoch', '3'], spec), { instanceOf: ConfigError, message: /'--epoch'/ });
  t.throws(() => numberOption('epochs', '3x', { integer: true }), { instanceOf: ConfigError, message: /--epochs = "3x"/ });
  t.throws(() => numberOption('dt', 'NaN', { exclusiveMin: 0 }), { instanceOf: ConfigError, message: /--dt/ });
  t.is(numberOption('dt', '0.1', { exclusiveMin: 0 }), 0.1);
  t.is(numberOption('dt', undefined), undefined);
});
