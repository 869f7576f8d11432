import type { AuditEntryRow } from '../db/models/templates-audit.js';
import type { Models } from '../db/models/index.js';
import { iso } from './present.js';
import { paginate, pageParams, pagingQuery } from './pagination.js';
import type { ApiRoutes } from './routes.js';

const present = (e: AuditEntryRow) => ({
  id: e.id,
  at: iso(e.createdAt),
  action: e.action,
  actor: { userId: e.actorUserId, apiKeyId: e.actorApiKeyId, email: e.actorEmail },
  target: { type: e.targetType, id: e.targetId, name: e.targetName },
  subaccountId: e.subaccountId,
  fields: e.fields,
});

/** `GET /api/audit` (CONTRACT §4): the agency's changes, newest first, for owners and admins. */
export function auditRoutes(api: ApiRoutes, models: Models): void {
  api.add(
    { method: 'get', path: '/api/audit', summary: 'Who changed what and when (owners and admins); field names, never values', tag: 'audit', auth: 'agency', access: 'admin', query: pagingQuery },
    (req) => paginate(models.AuditEntry, { agencyId: req.principal!.agencyId }, pageParams(req.query), present),
  );
}
