import type { Models } from '../db/models/index.js';
import { conflict, notFound } from '../lib/errors.js';
import type { Runtime } from '../runtime/runtime.js';
import { paginate, pageParams, pagingQuery } from './pagination.js';
import { presentApproval } from './present-runtime.js';
import type { ApiRoutes } from './routes.js';

export const decideBody = {
  type: 'object',
  additionalProperties: false,
  required: ['decision'],
  properties: {
    decision: { type: 'string', enum: ['approved', 'rejected'] },
    comment: { type: 'string', maxLength: 5000 },
  },
} as const;

export function approvalRoutes(api: ApiRoutes, models: Models, runtime: Runtime): void {
  const base = '/api/subaccounts/:sid/approvals';

  api.add(
    { method: 'get', path: base, summary: 'List approvals (pending by default)', tag: 'approvals', query: { ...pagingQuery, status: { type: 'string', description: 'pending (default), approved, rejected or all' } } },
    (req) => {
      const status = typeof req.query.status === 'string' ? req.query.status : 'pending';
      const where = status === 'all' ? { subaccountId: req.subaccount!.id } : { subaccountId: req.subaccount!.id, status };
      return paginate(models.Approval, where, pageParams(req.query), presentApproval);
    },
  );

  api.add({ method: 'post', path: `${base}/:aid/decide`, summary: 'Approve or reject; decided once', tag: 'approvals', body: decideBody }, async (req) => {
    const approval = await models.Approval.findOne({ where: { id: String(req.params.aid), subaccountId: req.subaccount!.id } });
    if (!approval) throw notFound('approval');
    const { decision, comment } = req.body as { decision: 'approved' | 'rejected'; comment?: string };
    const decided = await runtime.decide(approval.id, decision, req.principal!.userId, comment);
    if (!decided) throw conflict(`This approval was already decided (${approval.status === 'pending' ? 'just now' : approval.status}).`, 'already_decided');
    return presentApproval((await models.Approval.findByPk(approval.id))!);
  });
}
