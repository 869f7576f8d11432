import { CronExpressionParser } from 'cron-parser';
import { defineNode } from '../../contract.js';
import { configSchema, type Config } from './schema.js';

export default defineNode<Config>({
  type: 'trigger.schedule',
  category: 'Triggers',
  title: 'Schedule',
  description: 'Starts the flow on a cron schedule in a time zone. Each due time fires once, even with several workers; after downtime a missed time fires once. Emits {scheduledFor, firedAt}.',
  configSchema,
  outputs: ['main'],
  trigger: true,
  pure: true,
  run: ({ input }) => ({ main: input ?? {} }),
});

/** The next `count` due times after `after`, for the API and the scheduler. */
export function nextRuns(cron: string, timezone: string, after: Date, count: number): Date[] {
  const expression = CronExpressionParser.parse(cron, { currentDate: after, tz: timezone });
  return expression.take(count).map((d) => d.toDate());
}
