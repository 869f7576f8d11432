import type { QueryInterface } from 'sequelize';
import * as m0001 from './0001-accounts.js';
import * as m0002 from './0002-runtime.js';
import * as m0003 from './0003-integrations.js';
import * as m0004 from './0004-execution-interruptions.js';
import * as m0005 from './0005-accounts-security.js';
import * as m0006 from './0006-queued-executions-index.js';
import * as m0007 from './0007-integration-status.js';
import * as m0008 from './0008-custom-templates-audit.js';
import * as m0009 from './0009-ghl-events.js';
import * as m0010 from './0010-execution-children.js';
import * as m0011 from './0011-billing.js';
import * as m0012 from './0012-flow-version-authors.js';
import * as m0013 from './0013-execution-mode.js';
import * as m0014 from './0014-plan-retention.js';
import * as m0015 from './0015-flow-notes.js';

type Step = (params: { context: QueryInterface }) => Promise<void>;

/** Listed explicitly (not globbed) so the same list works from TypeScript sources and from dist/. */
export const migrations: { name: string; up: Step; down: Step }[] = [
  { name: '0001-accounts', ...m0001 },
  { name: '0002-runtime', ...m0002 },
  { name: '0003-integrations', ...m0003 },
  { name: '0004-execution-interruptions', ...m0004 },
  { name: '0005-accounts-security', ...m0005 },
  { name: '0006-queued-executions-index', ...m0006 },
  { name: '0007-integration-status', ...m0007 },
  { name: '0008-custom-templates-audit', ...m0008 },
  { name: '0009-ghl-events', ...m0009 },
  { name: '0010-execution-children', ...m0010 },
  { name: '0011-billing', ...m0011 },
  { name: '0012-flow-version-authors', ...m0012 },
  { name: '0013-execution-mode', ...m0013 },
  { name: '0014-plan-retention', ...m0014 },
  { name: '0015-flow-notes', ...m0015 },
];
