import type { Request } from 'express';
import type { Models } from '../db/models/index.js';
import type { IntegrationRow } from '../db/models/runtime.js';
import { badRequest, notFound } from '../lib/errors.js';
import { toDetails } from '../lib/validation.js';
import { integrationTemplates } from '../../schemas/integrations/index.js';
import { changedFields, type AuditLog } from '../audit/log.js';
import { validatorOf, type Template, type TemplateCatalog } from '../integrations/catalog.js';
import { maskedConfig, revealConfig, splitConfig, MASK } from '../integrations/vault.js';
import { testIntegration } from '../integrations/test-connection.js';
import { OptionLoaders } from '../integrations/options.js';
import { iso } from './present.js';
import { paginate, pageParams, pagingQuery } from './pagination.js';
import type { ApiRoutes } from './routes.js';

const createBody = {
  type: 'object',
  additionalProperties: false,
  required: ['template', 'name', 'config'],
  properties: { template: { type: 'string', maxLength: 60 }, name: { type: 'string', minLength: 1, maxLength: 200 }, config: { type: 'object' } },
} as const;

const updateBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, config: { type: 'object' } },
} as const;

export interface IntegrationDeps {
  models: Models;
  encryptionKey: Buffer;
  allowPrivateNetwork: boolean;
  /** Built-in templates and each agency's custom ones. */
  templates: TemplateCatalog;
  audit: AuditLog;
  /** Whether GoHighLevel's marketplace app is configured (GHL_CLIENT_ID): then its template offers OAuth. */
  ghlOAuth?: boolean;
  /** Called after an integration changed (webhook intake drops cached secrets). */
  onChanged?(): void;
}

/** The templates as the API lists them: without their handlers; an agency's own marked `custom`. */
export function presentTemplate(template: Template, extra: { ghlOAuth?: boolean } = {}) {
  const { test: _test, httpAuth: _httpAuth, validate: _validate, options, ...shown } = template;
  return {
    ...shown,
    // Option lists by name (their loaders stay on the server): GET …/integrations/:iid/options/:name.
    ...(options ? { options: Object.keys(options) } : {}),
    // CONTRACT §4: how to connect by OAuth instead of the form, when the service's app is configured.
    ...(template.id === 'gohighlevel' && extra.ghlOAuth ? { oauth: { startPath: '/api/subaccounts/{sid}/integrations/oauth/gohighlevel/start' } } : {}),
  };
}

export function integrationRoutes(api: ApiRoutes, deps: IntegrationDeps): void {
  const { models, encryptionKey, templates, audit } = deps;
  const base = '/api/subaccounts/:sid/integrations';
  const options = new OptionLoaders({ encryptionKey, allowPrivateNetwork: deps.allowPrivateNetwork });

  const present = (row: IntegrationRow, template: Template | undefined) => ({
    id: row.id,
    name: row.name,
    template: row.template,
    status: row.status,
    lastError: row.lastError ?? null,
    lastTestedAt: row.lastTestedAt ? iso(row.lastTestedAt) : null,
    lastUsedAt: row.lastUsedAt ? iso(row.lastUsedAt) : null,
    config: maskedConfig(template, row, encryptionKey),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  });

  const presentOne = async (row: IntegrationRow) => present(row, await templates.find(row.agencyId, row.template));

  function assertValidConfig(template: Template, config: Record<string, unknown>): void {
    const validate = validatorOf(template);
    // An `if` fails alongside the `then` it selected: the `then`'s own errors name the fields.
    if (!validate(structuredClone(config))) throw badRequest('The integration config is invalid.', toDetails(validate.errors?.filter((e) => e.keyword !== 'if'), '/config'));
  }

  async function templateFor(req: Request, id: string): Promise<Template> {
    const template = await templates.find(req.principal!.agencyId, id);
    if (!template) {
      const names = integrationTemplates.map((t) => t.id).join(', ');
      throw badRequest(`There is no integration template "${id}".`, [{ path: '/template', message: `must be one of: ${names}, or the id of one of your custom templates` }]);
    }
    return template;
  }

  async function find(req: Request): Promise<IntegrationRow> {
    const row = await models.Integration.findOne({ where: { id: String(req.params.iid), subaccountId: req.subaccount!.id } });
    if (!row) throw notFound('integration');
    return row;
  }

  const target = (row: IntegrationRow) => ({ type: 'integration', id: row.id, name: row.name });

  api.add({ method: 'get', path: '/api/integration-templates', summary: 'The integration templates, with their config schemas (your agency’s own marked custom)', tag: 'integrations', auth: 'agency' }, async (req) =>
    (await templates.list(req.principal!.agencyId)).map((template) => presentTemplate(template, { ghlOAuth: deps.ghlOAuth })),
  );

  api.add({ method: 'post', path: base, summary: 'Connect an integration (secrets are encrypted and never returned)', tag: 'integrations', body: createBody, status: 201 }, async (req) => {
    const body = req.body as { template: string; name: string; config: Record<string, unknown> };
    const template = await templateFor(req, body.template);
    assertValidConfig(template, body.config);
    const row = await models.Integration.create({
      agencyId: req.principal!.agencyId,
      subaccountId: req.subaccount!.id,
      template: template.id,
      name: body.name,
      status: 'pending',
      ...splitConfig(template, body.config, encryptionKey),
    });
    await audit.record(req.principal!, { action: 'integration.created', target: target(row), subaccountId: row.subaccountId, fields: ['name', ...Object.keys(body.config).sort()] });
    return present(row, template);
  });

  api.add({ method: 'get', path: base, summary: 'List integrations', tag: 'integrations', query: pagingQuery }, async (req) => {
    const page = await paginate(models.Integration, { subaccountId: req.subaccount!.id }, pageParams(req.query), (row) => row);
    const templateOf = templates.finder(req.principal!.agencyId);
    return { items: await Promise.all(page.items.map(async (row) => present(row, await templateOf(row.template)))), nextCursor: page.nextCursor };
  });

  api.add({ method: 'get', path: `${base}/:iid`, summary: 'Get an integration (secrets masked)', tag: 'integrations' }, async (req) => presentOne(await find(req)));

  api.add({ method: 'patch', path: `${base}/:iid`, summary: `Rename or reconfigure; a secret sent back as "${MASK}" keeps its stored value`, tag: 'integrations', body: updateBody }, async (req) => {
    const row = await find(req);
    const body = req.body as { name?: string; config?: Record<string, unknown> };
    const update: Partial<IntegrationRow> = body.name ? { name: body.name } : {};
    const fields = body.name !== undefined && body.name !== row.name ? ['name'] : [];
    const template = await templates.find(row.agencyId, row.template);
    if (body.config) {
      if (!template) throw badRequest(`The template "${row.template}" of this integration no longer exists; connect the service again.`, [{ path: '/config', message: 'no template to validate against' }]);
      const previous = revealConfig(row, encryptionKey);
      const merged = Object.fromEntries(Object.entries(body.config).map(([k, v]) => [k, v === MASK && k in previous ? previous[k] : v]));
      assertValidConfig(template, merged);
      Object.assign(update, splitConfig(template, merged, encryptionKey), { status: 'pending', lastError: null });
      fields.push(...changedFields(previous, merged).map((f) => `config.${f}`));
    }
    await row.update(update);
    options.forget(row.id);
    deps.onChanged?.();
    if (fields.length) await audit.record(req.principal!, { action: 'integration.updated', target: target(row), subaccountId: row.subaccountId, fields });
    return present(row, template);
  });

  api.add({ method: 'delete', path: `${base}/:iid`, summary: 'Delete an integration', tag: 'integrations', status: 204 }, async (req) => {
    const row = await find(req);
    await row.destroy();
    deps.onChanged?.();
    await audit.record(req.principal!, { action: 'integration.deleted', target: target(row), subaccountId: row.subaccountId });
  });

  api.add({ method: 'get', path: `${base}/:iid/options/:name`, summary: 'Choices for an editor field, read from the service with this integration (cached briefly)', tag: 'integrations' }, async (req) => {
    const row = await find(req);
    const params = Object.fromEntries(Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return options.load(row, String(req.params.name), params);
  });

  api.add({ method: 'post', path: `${base}/:iid/test`, summary: 'Check the integration works with a real call to the service', tag: 'integrations' }, async (req) => {
    const row = await find(req);
    const result = await testIntegration(row, await templates.find(row.agencyId, row.template), { encryptionKey, allowPrivateNetwork: deps.allowPrivateNetwork });
    await row.update({ status: result.ok ? 'active' : 'error', lastError: result.ok ? null : result.message, lastTestedAt: new Date() });
    deps.onChanged?.();
    await audit.record(req.principal!, { action: 'integration.tested', target: target(row), subaccountId: row.subaccountId, fields: ['status'] });
    return result;
  });
}
