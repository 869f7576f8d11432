import type { Request } from 'express';
import type { Models } from '../db/models/index.js';
import { isId } from '../db/columns.js';
import type { CustomTemplateRow } from '../db/models/templates-audit.js';
import { badRequest, conflict, forbidden, notFound } from '../lib/errors.js';
import { compile, toDetails } from '../lib/validation.js';
import { integrationTemplates } from '../../schemas/integrations/index.js';
import { createTemplateBody, updateTemplateBody } from '../../schemas/api/integration-templates.js';
import type { HttpAuthSpec } from '../../schemas/integrations/http-auth.js';
import { changedFields, type AuditLog } from '../audit/log.js';
import { customTemplate, templateProblems } from '../integrations/custom-template.js';
import { revealConfig, splitConfig } from '../integrations/vault.js';
import { presentTemplate } from './integrations.js';
import type { ApiRoutes } from './routes.js';

type TemplateBody = Partial<Pick<CustomTemplateRow, 'name' | 'displayName' | 'category' | 'description' | 'icon' | 'configSchema' | 'setupInstructions' | 'baseUrlField' | 'testUrl'>> & {
  auth?: HttpAuthSpec | null;
};

const EDITABLE = ['name', 'displayName', 'category', 'description', 'icon', 'configSchema', 'setupInstructions', 'auth', 'baseUrlField', 'testUrl'] as const;

export interface TemplateDeps {
  models: Models;
  encryptionKey: Buffer;
  audit: AuditLog;
  onChanged?(): void;
}

/** The body, checked in the handler (after the template is found, so another agency's id is 404 whatever it sends). */
function validBody(schema: object, body: unknown): TemplateBody {
  const validate = compile(schema as Record<string, unknown>);
  if (!validate(body)) throw badRequest('The template is invalid.', toDetails(validate.errors?.filter((e) => e.keyword !== 'if')));
  return body as TemplateBody;
}

function assertSound(shape: TemplateBody & Pick<CustomTemplateRow, 'configSchema'>): void {
  const details = templateProblems(shape);
  if (details.length) throw badRequest(`The template is invalid: ${details[0].path} ${details[0].message}${details.length > 1 ? '; …' : '.'}`, details);
}

/**
 * Custom integration templates (CONTRACT §4): an agency's owners and admins describe their own services.
 * Built-in templates cannot be changed (403); another agency's custom templates do not exist (404).
 */
export function templateRoutes(api: ApiRoutes, deps: TemplateDeps): void {
  const { models, encryptionKey, audit } = deps;
  const base = '/api/integration-templates';

  async function assertNameFree(agencyId: string, name: string, self?: string): Promise<void> {
    if (integrationTemplates.some((t) => t.id === name)) throw badRequest(`"${name}" is the name of a built-in template.`, [{ path: '/name', message: 'is taken by a built-in template' }]);
    const other = await models.CustomTemplate.findOne({ where: { agencyId, name }, attributes: ['id'] });
    if (other && other.id !== self) throw conflict(`Your agency already has a template named "${name}".`, 'template_exists');
  }

  /**
   * The agency's custom template named by the path: a built-in one is 403 (they are shared by everyone and
   * change only with a release), another agency's is 404. The parameter is not `…id` because built-in
   * templates are named, not numbered.
   */
  async function find(req: Request, change: 'changed' | 'deleted'): Promise<CustomTemplateRow> {
    const id = String(req.params.template);
    if (integrationTemplates.some((t) => t.id === id)) throw forbidden(`"${id}" is a built-in template: it cannot be ${change}. Create a custom template instead.`);
    const row = isId(id) ? await models.CustomTemplate.findOne({ where: { id, agencyId: req.principal!.agencyId } }) : null;
    if (!row) throw notFound('integration template');
    return row;
  }

  /** Integrations keep their secrets sealed by the schema they were saved under: a changed schema re-sorts them. */
  async function resplitIntegrations(row: CustomTemplateRow): Promise<void> {
    const template = customTemplate(row);
    for (const integration of await models.Integration.findAll({ where: { agencyId: row.agencyId, template: row.id } })) {
      await integration.update(splitConfig(template, revealConfig(integration, encryptionKey), encryptionKey));
    }
  }

  api.add({ method: 'post', path: base, summary: 'Create a custom integration template (owners and admins)', tag: 'integrations', auth: 'agency', access: 'admin', status: 201 }, async (req) => {
    const body = validBody(createTemplateBody, req.body);
    assertSound({ ...body, configSchema: body.configSchema! });
    const agencyId = req.principal!.agencyId;
    await assertNameFree(agencyId, body.name!);
    const row = await models.CustomTemplate.create({
      agencyId,
      name: body.name!,
      displayName: body.displayName!,
      category: body.category!,
      description: body.description ?? '',
      icon: body.icon ?? 'plug',
      configSchema: body.configSchema!,
      setupInstructions: body.setupInstructions ?? '',
      auth: body.auth ?? null,
      baseUrlField: body.baseUrlField ?? null,
      testUrl: body.testUrl ?? null,
    });
    await audit.record(req.principal!, { action: 'template.created', target: { type: 'integration-template', id: row.id, name: row.name }, fields: EDITABLE.filter((k) => body[k] !== undefined) });
    return presentTemplate(customTemplate(row));
  });

  api.add({ method: 'patch', path: `${base}/:template`, summary: 'Change a custom template (built-in ones answer 403)', tag: 'integrations', auth: 'agency', access: 'admin' }, async (req) => {
    const row = await find(req, 'changed');
    const body = validBody(updateTemplateBody, req.body);
    const before: TemplateBody = Object.fromEntries(EDITABLE.map((k) => [k, row[k]]));
    const after: TemplateBody & Pick<CustomTemplateRow, 'configSchema'> = { ...before, ...body, configSchema: body.configSchema ?? row.configSchema };
    assertSound(after);
    if (body.name && body.name !== row.name) await assertNameFree(row.agencyId, body.name, row.id);
    const fields = changedFields(before, after, new Set(Object.keys(body)));
    if (!fields.length) return presentTemplate(customTemplate(row));
    await row.update(body);
    if (fields.includes('configSchema')) await resplitIntegrations(row);
    deps.onChanged?.();
    await audit.record(req.principal!, { action: 'template.updated', target: { type: 'integration-template', id: row.id, name: row.name }, fields });
    return presentTemplate(customTemplate(row));
  });

  api.add({ method: 'delete', path: `${base}/:template`, summary: 'Delete a custom template that no integration uses', tag: 'integrations', auth: 'agency', access: 'admin', status: 204 }, async (req) => {
    const row = await find(req, 'deleted');
    const users = await models.Integration.count({ where: { agencyId: row.agencyId, template: row.id } });
    if (users) throw conflict(`${users} integration${users === 1 ? ' uses' : 's use'} this template: delete ${users === 1 ? 'it' : 'them'} first.`, 'template_in_use');
    await row.destroy();
    await audit.record(req.principal!, { action: 'template.deleted', target: { type: 'integration-template', id: row.id, name: row.name } });
  });
}
