import type { Request } from 'express';
import type { Models } from '../db/models/index.js';
import type { IntegrationRow } from '../db/models/runtime.js';
import { badRequest, notFound } from '../lib/errors.js';
import { compile, toDetails } from '../lib/validation.js';
import { findTemplate, integrationTemplates } from '../../schemas/integrations/index.js';
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
  /** Called after an integration changed (webhook intake drops cached secrets). */
  onChanged?(): void;
}

export function integrationRoutes(api: ApiRoutes, deps: IntegrationDeps): void {
  const { models, encryptionKey } = deps;
  const base = '/api/subaccounts/:sid/integrations';
  const options = new OptionLoaders({ encryptionKey, allowPrivateNetwork: deps.allowPrivateNetwork });

  const present = (row: IntegrationRow) => ({
    id: row.id,
    name: row.name,
    template: row.template,
    status: row.status,
    lastError: row.lastError ?? null,
    lastTestedAt: row.lastTestedAt ? iso(row.lastTestedAt) : null,
    lastUsedAt: row.lastUsedAt ? iso(row.lastUsedAt) : null,
    config: maskedConfig(findTemplate(row.template), row),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  });

  function validConfig(templateId: string, config: Record<string, unknown>) {
    const template = findTemplate(templateId);
    if (!template) {
      throw badRequest(`There is no integration template "${templateId}".`, [{ path: '/template', message: `must be one of: ${integrationTemplates.map((t) => t.id).join(', ')}` }]);
    }
    const validate = compile(template.configSchema);
    // An `if` fails alongside the `then` it selected: the `then`'s own errors name the fields.
    if (!validate(structuredClone(config))) throw badRequest('The integration config is invalid.', toDetails(validate.errors?.filter((e) => e.keyword !== 'if'), '/config'));
    return template;
  }

  async function find(req: Request): Promise<IntegrationRow> {
    const row = await models.Integration.findOne({ where: { id: String(req.params.iid), subaccountId: req.subaccount!.id } });
    if (!row) throw notFound('integration');
    return row;
  }

  api.add({ method: 'get', path: '/api/integration-templates', summary: 'The integration templates, with their config schemas', tag: 'integrations', auth: 'agency' }, () =>
    integrationTemplates.map(({ test: _test, ...template }) => template),
  );

  api.add({ method: 'post', path: base, summary: 'Connect an integration (secrets are encrypted and never returned)', tag: 'integrations', body: createBody, status: 201 }, async (req) => {
    const body = req.body as { template: string; name: string; config: Record<string, unknown> };
    const template = validConfig(body.template, body.config);
    const row = await models.Integration.create({
      agencyId: req.principal!.agencyId,
      subaccountId: req.subaccount!.id,
      template: template.id,
      name: body.name,
      status: 'pending',
      ...splitConfig(template, body.config, encryptionKey),
    });
    return present(row);
  });

  api.add({ method: 'get', path: base, summary: 'List integrations', tag: 'integrations', query: pagingQuery }, (req) =>
    paginate(models.Integration, { subaccountId: req.subaccount!.id }, pageParams(req.query), present),
  );

  api.add({ method: 'get', path: `${base}/:iid`, summary: 'Get an integration (secrets masked)', tag: 'integrations' }, async (req) => present(await find(req)));

  api.add({ method: 'patch', path: `${base}/:iid`, summary: `Rename or reconfigure; a secret sent back as "${MASK}" keeps its stored value`, tag: 'integrations', body: updateBody }, async (req) => {
    const row = await find(req);
    const body = req.body as { name?: string; config?: Record<string, unknown> };
    const update: Partial<IntegrationRow> = body.name ? { name: body.name } : {};
    if (body.config) {
      const previous = revealConfig(row, encryptionKey);
      const merged = Object.fromEntries(Object.entries(body.config).map(([k, v]) => [k, v === MASK && k in previous ? previous[k] : v]));
      const template = validConfig(row.template, merged);
      Object.assign(update, splitConfig(template, merged, encryptionKey), { status: 'pending', lastError: null });
    }
    await row.update(update);
    options.forget(row.id);
    deps.onChanged?.();
    return present(row);
  });

  api.add({ method: 'delete', path: `${base}/:iid`, summary: 'Delete an integration', tag: 'integrations', status: 204 }, async (req) => {
    await (await find(req)).destroy();
    deps.onChanged?.();
  });

  api.add({ method: 'get', path: `${base}/:iid/options/:name`, summary: 'Choices for an editor field, read from the service with this integration (cached briefly)', tag: 'integrations' }, async (req) => {
    const row = await find(req);
    const params = Object.fromEntries(Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return options.load(row, String(req.params.name), params);
  });

  api.add({ method: 'post', path: `${base}/:iid/test`, summary: 'Check the integration works with a real call to the service', tag: 'integrations' }, async (req) => {
    const row = await find(req);
    const result = await testIntegration(row, { encryptionKey, allowPrivateNetwork: deps.allowPrivateNetwork });
    await row.update({ status: result.ok ? 'active' : 'error', lastError: result.ok ? null : result.message, lastTestedAt: new Date() });
    deps.onChanged?.();
    return result;
  });
}
