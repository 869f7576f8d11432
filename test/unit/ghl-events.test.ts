import { expect } from 'chai';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { GhlTriggerInput } from '../../nodes/triggers/ghl/change.js';
import { matchesChange } from '../../nodes/triggers/ghl/match.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { computeChange, mergeSnapshot } from '../../server/webhooks/gohighlevel/changes.js';
import { GHL_ED25519_PUBLIC_KEY, GHL_RSA_PUBLIC_KEY } from '../../server/webhooks/gohighlevel/published-keys.js';
import { verifyGhlSignature } from '../../server/webhooks/gohighlevel/signature.js';

const input = (type: string, change: ReturnType<typeof computeChange>): GhlTriggerInput => ({ type, locationId: 'loc', event: {}, snapshot: null, previous: null, change, integrationId: 'int-1' });

describe('GoHighLevel changes', () => {
  it('finds the tags added and removed against the last snapshot, ignoring case', () => {
    const change = computeChange('contact', { tags: ['lead', 'Old'] }, { type: 'ContactTagUpdate', id: 'c1', tags: ['LEAD', 'vip'] });
    expect(change.tagsAdded).to.deep.equal(['vip']);
    expect(change.tagsRemoved).to.deep.equal(['Old']);
    expect(change.first).to.equal(false);
  });

  it('counts everything as new on the first event of an object', () => {
    const change = computeChange('contact', null, { type: 'ContactCreate', id: 'c1', tags: ['vip'], email: 'a@b.c' });
    expect(change).to.include({ first: true });
    expect(change.tagsAdded).to.deep.equal(['vip']);
    expect(change.fields.map((f) => f.field)).to.have.members(['tags', 'email']);
  });

  it('finds stage and status changes of an opportunity, and custom fields by id', () => {
    const before = { pipelineId: 'p1', pipelineStageId: 's-new', status: 'open', customFields: [{ id: 'cf1', fieldValue: 'a' }] };
    const event = { type: 'OpportunityUpdate', id: 'o1', pipelineStageId: 's-won', status: 'won', customFields: [{ id: 'cf1', fieldValue: 'b' }] };
    const change = computeChange('opportunity', before, event);
    expect(change.stage).to.deep.equal({ pipeline: { id: 'p1', name: null }, from: { id: 's-new', name: null }, to: { id: 's-won', name: null } });
    expect(change.status).to.deep.equal({ from: 'open', to: 'won' });
    expect(change.fields).to.deep.include({ field: 'cf1', from: 'a', to: 'b', custom: true });
    expect(mergeSnapshot(before, event)).to.include({ id: 'o1', pipelineStageId: 's-won', pipelineId: 'p1' }).and.not.have.property('type');
  });

  it('sees no change when an event repeats the snapshot', () => {
    const snapshot = { tags: ['vip'], email: 'a@b.c' };
    const change = computeChange('contact', snapshot, { type: 'ContactUpdate', id: 'c1', ...snapshot, dateUpdated: 'now' });
    expect(change.tagsAdded).to.deep.equal([]);
    expect(change.fields).to.deep.equal([]);
  });
});

describe('trigger.ghl matching', () => {
  const stage = computeChange('opportunity', { pipelineId: 'p1', pipelineStageId: 's1' }, { pipelineStageId: 's2' });
  stage.stage!.pipeline!.name = 'Sales';
  stage.stage!.from!.name = 'New';
  stage.stage!.to.name = 'Won';

  it('matches stages by name or id, and only on the events it listens to', () => {
    expect(matchesChange({ on: 'stageChanged', fromStage: 'new', toStage: 'WON' }, input('OpportunityStageUpdate', stage))).to.equal(true);
    expect(matchesChange({ on: 'stageChanged', toStage: 's2', pipeline: 'sales' }, input('OpportunityUpdate', stage))).to.equal(true);
    expect(matchesChange({ on: 'stageChanged', toStage: 'Qualified' }, input('OpportunityStageUpdate', stage))).to.equal(false);
    expect(matchesChange({ on: 'stageChanged' }, input('ContactUpdate', stage))).to.equal(false);
    expect(matchesChange({ on: 'stageChanged', events: ['OpportunityStatusUpdate'] }, input('OpportunityStageUpdate', stage))).to.equal(false);
  });

  it('matches a tag, any tag, an event type, and one integration', () => {
    const tags = computeChange('contact', { tags: [] }, { tags: ['VIP'] });
    expect(matchesChange({ on: 'tagAdded', tag: 'vip' }, input('ContactTagUpdate', tags))).to.equal(true);
    expect(matchesChange({ on: 'tagAdded' }, input('ContactTagUpdate', tags))).to.equal(true);
    expect(matchesChange({ on: 'tagRemoved' }, input('ContactTagUpdate', tags))).to.equal(false);
    expect(matchesChange({ events: ['ContactTagUpdate'] }, input('ContactTagUpdate', tags))).to.equal(true);
    expect(matchesChange({ events: ['ContactTagUpdate'], integrationId: 'int-2' }, input('ContactTagUpdate', tags))).to.equal(false);
  });
});

describe('GoHighLevel webhook signatures', () => {
  const ed = generateKeyPairSync('ed25519');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = { ed25519: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(), rsa: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  const body = Buffer.from('{"type":"ContactCreate"}');

  it('verifies Ed25519 first, then the legacy RSA signature', () => {
    expect(verifyGhlSignature(body, { 'x-ghl-signature': sign(null, body, ed.privateKey).toString('base64') }, keys)).to.equal(true);
    expect(verifyGhlSignature(body, { 'x-wh-signature': sign('sha256', body, rsa.privateKey).toString('base64') }, keys)).to.equal(true);
    // A wrong Ed25519 signature is not rescued by a good legacy one.
    expect(verifyGhlSignature(body, { 'x-ghl-signature': Buffer.alloc(64).toString('base64'), 'x-wh-signature': sign('sha256', body, rsa.privateKey).toString('base64') }, keys)).to.equal(false);
  });

  it('refuses missing, malformed and foreign signatures without throwing', () => {
    expect(verifyGhlSignature(body, {}, keys)).to.equal(false);
    expect(verifyGhlSignature(body, { 'x-ghl-signature': ['a', 'b'] }, keys)).to.equal(false);
    expect(verifyGhlSignature(body, { 'x-wh-signature': 'not*base64' }, keys)).to.equal(false);
    expect(verifyGhlSignature(body, { 'x-ghl-signature': sign(null, body, ed.privateKey).toString('base64') }, { ed25519: GHL_ED25519_PUBLIC_KEY, rsa: GHL_RSA_PUBLIC_KEY })).to.equal(false);
  });
});

describe('GoHighLevel configuration', () => {
  const base = { DATA_DIR: '/tmp/switchboard-ghl-config-test', ENCRYPTION_KEY: 'a'.repeat(64) };

  it('defaults to GoHighLevel\'s published keys and its API, with OAuth off', () => {
    const { ghl } = loadConfig(base, () => undefined);
    expect(ghl.webhookPublicKey).to.equal(GHL_ED25519_PUBLIC_KEY);
    expect(ghl.webhookRsaPublicKey).to.equal(GHL_RSA_PUBLIC_KEY);
    expect(ghl.apiUrl).to.equal('https://services.leadconnectorhq.com');
    expect(ghl.oauth).to.equal(null);
  });

  it('names the variable that is wrong', () => {
    const fails = (env: Record<string, string>, variable: string) => {
      expect(() => loadConfig({ ...base, ...env }, () => undefined)).to.throw(ConfigError).with.property('variable', variable);
    };
    fails({ GHL_WEBHOOK_PUBLIC_KEY: 'not a key' }, 'GHL_WEBHOOK_PUBLIC_KEY');
    fails({ GHL_WEBHOOK_PUBLIC_KEY: GHL_RSA_PUBLIC_KEY }, 'GHL_WEBHOOK_PUBLIC_KEY');
    fails({ GHL_CLIENT_ID: 'id-only' }, 'GHL_CLIENT_SECRET');
    fails({ GHL_OAUTH_URL: 'ftp://x' }, 'GHL_OAUTH_URL');
  });

  it('reads a key written on one line with \\n', () => {
    const oneLine = GHL_ED25519_PUBLIC_KEY.trim().replace(/\n/g, '\\n');
    expect(loadConfig({ ...base, GHL_WEBHOOK_PUBLIC_KEY: oneLine }, () => undefined).ghl.webhookPublicKey.trim()).to.equal(GHL_ED25519_PUBLIC_KEY.trim());
  });
});
