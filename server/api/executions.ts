import type { Request } from 'express';
import type { WhereOptions } from 'sequelize';
import type { Models } from '../db/models/index.js';
import { EXECUTION_STATUSES, type ExecutionRow } from '../db/models/runtime.js';
import { backlogFull, badRequest, conflict, notFound } from '../lib/errors.js';
import type { Runtime } from '../runtime/runtime.js';
import { paginate, pageParams, pagingQuery } from './pagination.js';
import { presentExecutionSummary } from './present-runtime.js';
import { idsWithinRange, timeRange, withinRange } from './time-range.js';
import type { ApiRoutes } from './routes.js';
import { presentExecutionWithUsage } from './token-usage.js';
import { isId } from '../db/columns.js';


export function executionRoutes(api: ApiRoutes, models: Models, runtime: Runtime): void {
  const base = '/api/subaccounts/:sid/executions';

  async function findExecution(req: Request): Promise<ExecutionRow> {
    const execution = await models.Execution.findOne({ where: { id: String(req.params.eid), subaccountId: req.subaccount!.id } });
    if (!execution) throw notFound('execution');
    return execution;
  }

  api.add(
    {
      method: 'get',
      path: base,
      summary: 'List executions, newest first',
      tag: 'executions',
      query: {
        ...pagingQuery,
        flowId: { type: 'string', description: 'Only this flow’s executions.' },
        status: { type: 'string', description: `One of ${EXECUTION_STATUSES.join(', ')}.` },
        from: { type: 'string', description: 'Only executions created at or after this ISO 8601 date-time (with a time zone, e.g. 2026-01-31T09:30:00Z).' },
        to: { type: 'string', description: 'Only executions created at or before this ISO 8601 date-time (with a time zone).' },
      },
    },
    (req) => {
      const where: Record<string, unknown> = { subaccountId: req.subaccount!.id };
      const { flowId, status } = req.query;
      if (flowId !== undefined) {
        if (!isId(flowId)) throw badRequest('flowId must be a flow id.', [{ path: '/query/flowId', message: 'is not an id' }]);
        where.flowId = flowId;
      }
      if (status !== undefined) {
        if (!EXECUTION_STATUSES.includes(status as never)) {
          throw badRequest(`status must be one of ${EXECUTION_STATUSES.join(', ')}.`, [{ path: '/query/status', message: 'is not a status' }]);
        }
        where.status = status;
      }
      // On creation time: every execution has one (a queued one has not started yet).
      const range = timeRange(req.query);
      const created = withinRange(range);
      if (created) Object.assign(where, { createdAt: created, id: idsWithinRange(range) });
      return paginate(models.Execution, where as WhereOptions, pageParams(req.query), presentExecutionSummary);
    },
  );

  api.add({ method: 'get', path: `${base}/:eid`, summary: 'Get an execution with its steps and the tokens its AI steps spent', tag: 'executions' }, async (req) =>
    presentExecutionWithUsage(models, await findExecution(req)),
  );

  api.add({ method: 'post', path: `${base}/:eid/retry`, summary: 'Run again from the failed steps, reusing finished outputs', tag: 'executions', status: 202 }, async (req) => {
    const execution = await findExecution(req);
    if (!['failed', 'cancelled'].includes(execution.status)) throw conflict(`Only failed or cancelled executions can be retried; this one is ${execution.status}.`, 'not_retryable');
    if (runtime.overloaded) throw backlogFull(); // past MAX_BACKLOG nothing is stored, as for runs and webhooks
    const retry = await runtime.retry(execution);
    return { executionId: retry.id };
  });

  api.add({ method: 'post', path: `${base}/:eid/cancel`, summary: 'Cancel a queued, running or waiting execution', tag: 'executions' }, async (req) => {
    const execution = await findExecution(req);
    if (!(await runtime.cancel(execution))) throw conflict(`The execution already ended (${execution.status}).`, 'already_finished');
    return presentExecutionSummary((await models.Execution.findByPk(execution.id))!);
  });
}
