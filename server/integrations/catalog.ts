import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { Models } from '../db/models/index.js';
import { isId } from '../db/columns.js';
import { compile } from '../lib/validation.js';
import { findTemplate, integrationTemplates } from '../../schemas/integrations/index.js';
import type { IntegrationTemplate } from '../../schemas/integrations/template.js';
import { customTemplate } from './custom-template.js';

/** A template as integrations use it: built in, or an agency's own (which carries its own validator). */
export type Template = IntegrationTemplate & { validate?: ValidateFunction };

/** The config validator of any template. */
export const validatorOf = (template: Template): ValidateFunction => template.validate ?? compile(template.configSchema);

/**
 * Every template an agency can use: the built-in ones (ids are names such as `stripe`) and its custom
 * ones (ids are UUIDs, so the two never collide). Another agency's custom template is not found.
 */
export class TemplateCatalog {
  constructor(private readonly models: Models) {}

  async find(agencyId: string, id: string): Promise<Template | undefined> {
    const builtIn = findTemplate(id);
    if (builtIn || !isId(id)) return builtIn;
    const row = await this.models.CustomTemplate.findOne({ where: { id, agencyId } });
    return row ? customTemplate(row) : undefined;
  }

  /** Built-in templates first, then the agency's own by name. */
  async list(agencyId: string): Promise<Template[]> {
    const rows = await this.models.CustomTemplate.findAll({ where: { agencyId }, order: [['name', 'ASC']] });
    return [...integrationTemplates, ...rows.map(customTemplate)];
  }

  /** A lookup that reads each template once (listing many integrations). */
  finder(agencyId: string): (id: string) => Promise<Template | undefined> {
    const seen = new Map<string, Promise<Template | undefined>>();
    return (id) => {
      let found = seen.get(id);
      if (!found) seen.set(id, (found = this.find(agencyId, id)));
      return found;
    };
  }
}
