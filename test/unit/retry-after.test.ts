import { expect } from 'chai';
import { ghlRetryAfterMs } from '../../nodes/ghl/lib/errors.js';
import { MAX_RETRY_AFTER_MS, retryAfterMs } from '../../nodes/lib/http-status.js';

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });

describe('Retry-After (one parser for every node that calls out)', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it('reads seconds and HTTP dates as milliseconds from now', () => {
    expect(retryAfterMs('2', now)).to.equal(2000);
    expect(retryAfterMs(' 0 ', now)).to.equal(0);
    expect(retryAfterMs('Sat, 01 Mar 2025 12:00:30 GMT', now)).to.equal(30_000);
    expect(retryAfterMs('Sat, 01 Mar 2025 11:00:00 GMT', now)).to.equal(0, 'a date in the past means now');
  });

  it('cuts a long wait to 10 minutes, whether asked in seconds or as a date', () => {
    expect(MAX_RETRY_AFTER_MS).to.equal(600_000);
    expect(retryAfterMs('86400', now)).to.equal(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs('Sun, 02 Mar 2025 12:00:00 GMT', now)).to.equal(MAX_RETRY_AFTER_MS);
  });

  it('ignores what it cannot read', () => {
    for (const value of [null, '', 'soon', '-5', '1.5', '1e9', 'NaN']) expect(retryAfterMs(value, now), String(value)).to.equal(undefined);
  });

  it('GoHighLevel: Retry-After first, else its rate-limit interval, both capped', () => {
    expect(ghlRetryAfterMs(headers({ 'retry-after': '3', 'x-ratelimit-interval-milliseconds': '10000' }))).to.equal(3000);
    expect(ghlRetryAfterMs(headers({ 'retry-after': '99999' }))).to.equal(MAX_RETRY_AFTER_MS);
    expect(ghlRetryAfterMs(headers({ 'x-ratelimit-interval-milliseconds': '10000' }))).to.equal(10_000);
    expect(ghlRetryAfterMs(headers({ 'x-ratelimit-interval-milliseconds': '86400000' }))).to.equal(MAX_RETRY_AFTER_MS);
    expect(ghlRetryAfterMs(headers({ 'retry-after': 'later', 'x-ratelimit-interval-milliseconds': 'x' }))).to.equal(undefined);
  });
});
