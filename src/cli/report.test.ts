import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../config.ts';
import { conflict, invalid } from '../core/errors.ts';
import { describeFailure } from './report.ts';
import { CliError } from './runtime.ts';

describe('describeFailure', () => {
  it('lays out a problem with its code, detail and every field', () => {
    const failure = describeFailure(invalid('invalid_input', { handle: 'At least 3 characters', password: 'At least 10 characters' }));
    assert.equal(failure.exitCode, 1);
    assert.equal(failure.text, 'Error: Some fields need another look (invalid_input)\n  handle: At least 3 characters\n  password: At least 10 characters');
    assert.equal(
      describeFailure(conflict('handle_taken', 'Someone already uses that handle', { handle: 'Already taken' })).text,
      'Error: Conflict (handle_taken)\n  Someone already uses that handle\n  handle: Already taken',
    );
  });

  it('prints settings mistakes and operator errors as they are, with their exit code', () => {
    assert.deepEqual(describeFailure(new ConfigError('PORT: bad')), { text: 'PORT: bad', exitCode: 1 });
    assert.deepEqual(describeFailure(new CliError('Cancelled.', 130)), { text: 'Cancelled.', exitCode: 130 });
  });

  it('explains an unreachable database without a stack trace', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    assert.match(describeFailure(refused).text, /^Cannot reach the PostgreSQL database: connect ECONNREFUSED[^]*BLOSSOM_DATABASE_URL/);
    const login = Object.assign(new Error('password authentication failed for user "blossom"'), { code: '28P01' });
    assert.match(describeFailure(login).text, /^Cannot reach the PostgreSQL database: password authentication failed/);
    const denied = Object.assign(new Error("EACCES: permission denied, mkdir '/srv/data'"), { code: 'EACCES' });
    assert.match(describeFailure(denied).text, /^Cannot use the data directory: EACCES[^]*BLOSSOM_DATA_DIR/);
  });

  it('keeps the stack for anything unexpected, since that is a bug to report', () => {
    const failure = describeFailure(Object.assign(new TypeError('x is undefined'), { code: 'SQLITE_CONSTRAINT' }));
    assert.match(failure.text, /^Unexpected error: TypeError: x is undefined\n\s+at /);
  });
});
