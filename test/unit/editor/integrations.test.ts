import { expect } from 'chai';
import opportunityCreate from '../../../nodes/ghl/opportunityCreate/handler.js';
import contactAddTags from '../../../nodes/ghl/contactAddTags/handler.js';
import { gohighlevel } from '../../../schemas/integrations/gohighlevel.js';
import { webhookSecret } from '../../../schemas/integrations/webhook-secret.js';
import { googleAnalytics } from '../../../schemas/integrations/google-analytics.js';
import type { BillingOverview, UsagePerDay } from '../../../editor/src/api/integrations.js';
import { uiSchemaFor } from '../../../editor/src/lib/form-schema.js';
import { parseSchemaText, secretFields, standingOf, templatesByCategory, templateUiSchema, when } from '../../../editor/src/lib/integrations.js';
import { choicesFor, emptyReason, loaderParams, objectToRows, optionHintOf, rowsToObject, withCurrent } from '../../../editor/src/lib/option-hints.js';
import { dailyChart, shortDay, upgradeOf, usageBars } from '../../../editor/src/lib/billing.js';

const pipelines = [
  { value: 'p1', label: 'Sales', stages: [{ value: 's1', label: 'New' }, { value: 's2', label: 'Won' }] },
  { value: 'p2', label: 'Hiring', stages: [{ value: 's3', label: 'Applied' }] },
];

describe('editor: integrations, option dropdowns, billing', () => {
  it('renders the GoHighLevel nodes’ hinted fields as option dropdowns (stages follow the pipeline; tags take several)', () => {
    const ui = uiSchemaFor({ configSchema: opportunityCreate.configSchema as Record<string, unknown>, integration: 'gohighlevel' });
    expect(ui.integrationId).to.deep.equal({ 'ui:widget': 'integration' });
    expect(ui.pipelineId).to.deep.equal({ 'ui:widget': 'options', 'ui:options': { source: 'pipelines' } });
    expect(ui.stageId).to.deep.equal({ 'ui:widget': 'options', 'ui:options': { source: 'pipelines', stagesOf: 'pipelineId' } });
    expect(ui.assignedTo).to.deep.equal({ 'ui:widget': 'options', 'ui:options': { source: 'users' } });
    const tags = uiSchemaFor({ configSchema: contactAddTags.configSchema as Record<string, unknown> });
    expect(tags.tags).to.deep.equal({ 'ui:widget': 'options', 'ui:options': { source: 'tags', multiple: true } });
    expect(ui.customFields).to.deep.equal({ 'ui:field': 'keyValue', 'ui:options': { keySource: 'customFields' } });
    expect(loaderParams('customFields', 'ghl.opportunity.create')).to.deep.equal({ model: 'opportunity' });
    expect(loaderParams('customFields', 'ghl.contact.upsert')).to.deep.equal({ model: 'contact' });
    expect(loaderParams('pipelines', 'ghl.opportunity.create')).to.deep.equal({});
    expect(optionHintOf({ type: 'string', 'x-ui': { widget: 'textarea' } })).to.equal(null);
    expect(optionHintOf({ type: 'string' })).to.equal(null);
  });

  it('offers a chosen pipeline’s stages, nothing for an expression, and keeps a value typed by hand visible', () => {
    const hint = { source: 'pipelines', stagesOf: 'pipelineId' };
    expect(choicesFor(hint, pipelines, { pipelineId: 'p1' }).map((c) => c.label)).to.deep.equal(['New', 'Won']);
    expect(choicesFor(hint, pipelines, { pipelineId: '{{ $json.pipeline }}' })).to.deep.equal([]);
    expect(choicesFor(hint, pipelines, {})).to.deep.equal([]);
    expect(choicesFor({ source: 'pipelines' }, pipelines, {}).map((c) => c.value)).to.deep.equal(['p1', 'p2']);
    expect(emptyReason(hint, undefined, {}, [])).to.match(/Choose an integration/);
    expect(emptyReason(hint, 'i1', {}, [])).to.match(/Choose a pipeline first/);
    expect(emptyReason(hint, 'i1', { pipelineId: 'p1' }, [{ value: 's1', label: 'New' }])).to.equal(null);
    expect(withCurrent(pipelines, 'p9').at(-1)).to.deep.equal({ value: 'p9', label: 'p9 (not in the list)' });
    expect(withCurrent(pipelines, 'p1')).to.have.length(2);
    expect(withCurrent([], '{{ $json.id }}')[0]!.label).to.equal('{{ $json.id }}');
  });

  it('edits an object keyed by custom fields as rows, leaving out rows without a key yet', () => {
    expect(objectToRows({ 'contact.lead_score': 80, source: '{{ $json.src }}' })).to.deep.equal([
      { key: 'contact.lead_score', value: '80' },
      { key: 'source', value: '{{ $json.src }}' },
    ]);
    expect(objectToRows(undefined)).to.deep.equal([]);
    expect(rowsToObject([{ key: ' pincode ', value: '560001' }, { key: '', value: 'typing' }])).to.deep.equal({ pincode: '560001' });
    expect(rowsToObject([{ key: '', value: '' }])).to.equal(undefined);
  });

  it('finds the secrets of a template and types them into password inputs, long ones into text areas', () => {
    expect(secretFields(gohighlevel.configSchema)).to.deep.equal(['token', 'accessToken', 'refreshToken']);
    expect(templateUiSchema(webhookSecret.configSchema)).to.deep.equal({ secret: { 'ui:widget': 'password' } });
    expect(templateUiSchema(googleAnalytics.configSchema).serviceAccountKey).to.deep.equal({ 'ui:widget': 'textarea' });
  });

  it('shows each template’s standing in the sub-account, the worst status first, and groups cards by category', () => {
    const t = { id: 'stripe' };
    expect(standingOf(t, [])).to.deep.equal({ connected: 0, status: 'not connected' });
    expect(standingOf(t, [{ template: 'stripe', status: 'active' }, { template: 'smtp', status: 'error' }])).to.deep.equal({ connected: 1, status: 'active' });
    expect(standingOf(t, [{ template: 'stripe', status: 'active' }, { template: 'stripe', status: 'pending' }]).status).to.equal('pending');
    expect(standingOf(t, [{ template: 'stripe', status: 'pending' }, { template: 'stripe', status: 'error' }]).status).to.equal('error');
    // As the API lists them: option loaders by name.
    const templates = [{ ...gohighlevel, options: ['pipelines'] }, { ...webhookSecret, options: undefined }, { ...webhookSecret, options: undefined, id: 'u1', name: 'acme', displayName: 'Acme', custom: true }];
    expect(templatesByCategory(templates).map(([c, g]) => [c, g.length])).to.deep.equal([['CRM', 1], ['Webhooks', 1], ['Custom', 1]]);
    expect(templatesByCategory(templates, 'signing').map(([c]) => c)).to.deep.equal(['Webhooks']);
    expect(when(null)).to.equal('never');
    expect(when(new Date(Date.now() - 5 * 60_000).toISOString())).to.equal('5 minutes ago');
  });

  it('says what is wrong with a custom template’s schema text before it is sent', () => {
    expect(parseSchemaText('{"type": "object"')).to.have.property('error').that.matches(/not JSON/);
    expect(parseSchemaText('[]')).to.deep.equal({ error: 'The config schema must be a JSON object (a JSON Schema).' });
    expect(parseSchemaText('{"type": "string"}')).to.have.property('error').that.matches(/"type": "object"/);
    expect(parseSchemaText('{"type": "object", "properties": {}}')).to.deep.equal({ schema: { type: 'object', properties: {} } });
  });

  it('draws usage against limits (near at 80 %, over at the limit, unlimited empty) and reads the plan that lifts a refusal', () => {
    const overview = {
      enabled: true,
      plan: 'starter',
      status: 'active',
      periodStart: null,
      periodEnd: null,
      usage: { executions: 4_100, activeFlows: 10, subaccounts: 1, users: 2 },
      limits: { executionsPerMonth: 5_000, activeFlows: 10, subaccounts: 3, users: null },
      overLimits: [],
      heldExecutions: 0,
    } satisfies BillingOverview;
    expect(usageBars(overview).map((b) => [b.key, b.level, Math.round(b.fill * 100)])).to.deep.equal([
      ['executionsPerMonth', 'near', 82],
      ['activeFlows', 'over', 100],
      ['subaccounts', 'ok', 33],
      ['users', 'ok', 0],
    ]);
    expect(upgradeOf([{ path: '', message: 'limit activeFlows reached', upgradeTo: 'professional' } as never])).to.equal('professional');
    expect(upgradeOf([])).to.equal(null);
  });

  it('charts executions per day: the busiest day fills the height, every bar and the whole chart say what they show', () => {
    const usage: UsagePerDay = {
      from: '2026-03-01',
      to: '2026-03-04',
      total: 1_215,
      days: [
        { day: '2026-03-01', executions: 0 },
        { day: '2026-03-02', executions: 1 },
        { day: '2026-03-03', executions: 1_200 },
        { day: '2026-03-04', executions: 14 },
      ],
    };
    const chart = dailyChart(usage);
    expect(chart.max).to.equal(1_200);
    expect(chart.bars.map((b) => [b.day, b.height])).to.deep.equal([
      ['2026-03-01', 0],
      ['2026-03-02', 1 / 1_200],
      ['2026-03-03', 1],
      ['2026-03-04', 14 / 1_200],
    ]);
    expect(chart.bars.map((b) => b.label)).to.deep.equal(['Mar 1: 0 executions', 'Mar 2: 1 execution', 'Mar 3: 1,200 executions', 'Mar 4: 14 executions']);
    expect(chart.summary).to.equal('Executions per day from Mar 1 to Mar 4: 1,215 executions in all, the most on Mar 3 (1,200).');
    const quiet = dailyChart({ from: '2026-03-01', to: '2026-03-02', total: 0, days: [{ day: '2026-03-01', executions: 0 }, { day: '2026-03-02', executions: 0 }] });
    expect(quiet.bars.every((b) => b.height === 0)).to.equal(true);
    expect(quiet.summary).to.equal('Executions per day from Mar 1 to Mar 2: none yet.');
    // The server counts in UTC days: a day is never shown as the one before, whatever the browser's zone.
    expect(shortDay('2026-12-31')).to.equal('Dec 31');
  });
});
