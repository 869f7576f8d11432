import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { ruleGroupSchema } from '../../nodes/logic/rules.js';
import { nodeRegistry } from '../../nodes/registry.js';

/** A validator set up like the server's (server/lib/validation.ts), fresh for each order tried. */
function validator(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  for (const keyword of ['x-secret', 'x-ui']) ajv.addKeyword({ keyword });
  for (const format of ['uuid', 'uri', 'email', 'date-time', 'timezone', 'cron']) ajv.addFormat(format, true);
  return ajv;
}

describe('node config schemas', () => {
  it('compile side by side in one validator, whatever was compiled before (no two differ under one $id)', async () => {
    const definitions = (await nodeRegistry()).all();
    // The server keeps one validator for the process: the rule group compiled on its own (as a test or a
    // route may), then every node, in either order. A copy of a shared schema under the same $id fails here.
    for (const order of [definitions, [...definitions].reverse()]) {
      const ajv = validator();
      ajv.compile(ruleGroupSchema);
      for (const definition of order) expect(() => ajv.compile(definition.configSchema), definition.type).to.not.throw();
    }
  });
});
