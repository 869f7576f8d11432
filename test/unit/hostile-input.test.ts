import { expect } from 'chai';
import { loggedHeaders, maskUrl } from '../../server/lib/http-logging.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../server/lib/json-body.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('JSON depth scan', () => {
  it('counts arrays and objects, not brackets inside strings or escaped quotes', () => {
    expect(jsonDepthExceeds(bytes('[[[]]]'), 3)).to.equal(false);
    expect(jsonDepthExceeds(bytes('[[[[]]]]'), 3)).to.equal(true);
    expect(jsonDepthExceeds(bytes('{"a":{"b":[{}]}}'), 4)).to.equal(false);
    expect(jsonDepthExceeds(bytes('{"a":{"b":[{}]}}'), 3)).to.equal(true);
    expect(jsonDepthExceeds(bytes(JSON.stringify({ s: '[[[[{{{{"\\' + '['.repeat(1000) })), 2)).to.equal(false);
    expect(jsonDepthExceeds(bytes(JSON.stringify(['é', '✓', '😀', [[[]]]])), 4)).to.equal(false);
    expect(jsonDepthExceeds(bytes('[]'.repeat(10_000)), 1)).to.equal(false);
  });

  it('handles a million levels without recursion', () => {
    expect(jsonDepthExceeds(bytes('['.repeat(1_000_000) + ']'.repeat(1_000_000)))).to.equal(true);
    expect(MAX_JSON_DEPTH).to.equal(100);
  });
});

describe('logged URLs and headers', () => {
  it('masks a webhook token however the path is written', () => {
    for (const [url, masked] of [
      ['/webhooks/tok123', '/webhooks/[Redacted]'],
      ['/WEBHOOKS/tok123?x=1', '/WEBHOOKS/[Redacted]?x=1'],
      ['/WebHooks/tok123/', '/WebHooks/[Redacted]/'],
      ['//webhooks/tok123', '//webhooks/[Redacted]'],
      ['/%77ebhooks/tok123', '/%77ebhooks/[Redacted]'],
      ['http://host:3000/webhooks/tok123?a', 'http://host:3000/webhooks/[Redacted]?a'],
      ['/webhooks/gohighlevel-tok123', '/webhooks/[Redacted]'],
    ]) {
      expect(maskUrl(url), url).to.equal(masked);
    }
    for (const url of ['/webhooks/gohighlevel', '/webhooks/STRIPE', '/api/subaccounts/x', '/webhooks', '/', '/webhookstok/x']) expect(maskUrl(url)).to.equal(url);
  });

  it('keeps only allow-listed headers', () => {
    const kept = loggedHeaders({ 'content-type': 'application/json', 'user-agent': 'ua', 'x-gitlab-token': 's', authorization: 'Bearer s', cookie: 'c', 'x-hub-signature-256': 's' });
    expect(kept).to.deep.equal({ 'content-type': 'application/json', 'user-agent': 'ua' });
  });
});
