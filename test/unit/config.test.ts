import { expect } from 'chai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../server/config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'sb-config-'));
const KEY = 'a'.repeat(64);

function errorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ DATA_DIR: dataDir(), ENCRYPTION_KEY: KEY, ...env }, () => undefined);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a configuration error');
}

describe('configuration from the environment', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), ENCRYPTION_KEY: KEY }, () => undefined);
    expect(config).to.include({ port: 3000, host: '127.0.0.1', databaseUrl: null, executionMode: 'inline', publicUrl: 'http://127.0.0.1:3000' });
    expect(config.allowPrivateNetwork).to.equal(false);
  });

  it('names the variable of a malformed DATABASE_URL', () => {
    expect(errorFor({ DATABASE_URL: 'not a url' }).variable).to.equal('DATABASE_URL');
    expect(errorFor({ DATABASE_URL: 'mysql://x/y' }).message).to.match(/DATABASE_URL: must start with postgres:/);
  });

  it('refuses an ENCRYPTION_KEY that is not 32 bytes', () => {
    expect(errorFor({ ENCRYPTION_KEY: 'abcd' }).message).to.equal('ENCRYPTION_KEY: must be 32 bytes, written as 64 hex characters or base64');
    expect(errorFor({ ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') }).variable).to.equal('ENCRYPTION_KEY');
  });

  it('accepts a base64 key of 32 bytes', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ DATA_DIR: dataDir(), ENCRYPTION_KEY: key.toString('base64') }).encryptionKey.equals(key)).to.equal(true);
  });

  it('refuses queue mode without REDIS_URL, and unknown modes', () => {
    expect(errorFor({ EXECUTION_MODE: 'queue' }).message).to.equal('EXECUTION_MODE: "queue" needs REDIS_URL to be set');
    expect(errorFor({ EXECUTION_MODE: 'turbo' }).variable).to.equal('EXECUTION_MODE');
  });

  it('keeps executions 30 days unless EXECUTION_RETENTION_MINUTES is set', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), ENCRYPTION_KEY: KEY }, () => undefined)).to.include({ executionRetentionDays: 30, executionRetentionMinutes: 0 });
    expect(loadConfig({ DATA_DIR: dataDir(), ENCRYPTION_KEY: KEY, EXECUTION_RETENTION_MINUTES: '15' }, () => undefined).executionRetentionMinutes).to.equal(15);
    expect(errorFor({ EXECUTION_RETENTION_MINUTES: '1.5' }).variable).to.equal('EXECUTION_RETENTION_MINUTES');
  });

  it('refuses a bad PORT, boolean and log level', () => {
    expect(errorFor({ PORT: '70000' }).variable).to.equal('PORT');
    expect(errorFor({ ALLOW_PRIVATE_NETWORK: 'maybe' }).variable).to.equal('ALLOW_PRIVATE_NETWORK');
    expect(errorFor({ LOG_LEVEL: 'loud' }).variable).to.equal('LOG_LEVEL');
  });

  it('requires ENCRYPTION_KEY in production and generates a stable dev key otherwise', () => {
    expect(errorFor({ NODE_ENV: 'production', ENCRYPTION_KEY: '' }).variable).to.equal('ENCRYPTION_KEY');
    const dir = dataDir();
    const warnings: string[] = [];
    const first = loadConfig({ DATA_DIR: dir }, (w) => warnings.push(w)).encryptionKey;
    const second = loadConfig({ DATA_DIR: dir }, (w) => warnings.push(w)).encryptionKey;
    expect(first.equals(second)).to.equal(true);
    expect(warnings).to.have.length(1);
  });
});
