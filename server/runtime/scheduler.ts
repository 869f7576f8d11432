import type { Logger } from 'pino';
import { Op } from 'sequelize';
import type { Models } from '../db/models/index.js';
import { nextRunFor } from './flows.js';
import type { Runtime } from './runtime.js';

/**
 * Fires due schedule triggers. Every process may run this: moving `nextRunAt` from the due time to the
 * next one is a compare-and-set, so exactly one process wins each due time. The next time is computed
 * from now, so after downtime a missed time fires once, not once per miss.
 */
export class Scheduler {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    private readonly models: Models,
    private readonly runtime: Runtime,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {}

  async tick(now = new Date()): Promise<number> {
    const due = await this.models.Trigger.findAll({
      where: { type: 'trigger.schedule', active: true, nextRunAt: { [Op.lte]: now } },
      limit: 100,
    });
    let fired = 0;
    for (const trigger of due) {
      const scheduledFor = trigger.nextRunAt!;
      // Billing on: past the plan's monthly executions the run is stored held and starts once the limit allows.
      const gate = this.runtime.gate;
      const admitted = gate ? await gate.allowsSubaccount(trigger.subaccountId) : true;
      const executionId = await this.models.Trigger.sequelize!.transaction(async (transaction) => {
        const [won] = await this.models.Trigger.update(
          { nextRunAt: nextRunFor(trigger.type, trigger.config, now), lastRunAt: now },
          { where: { id: trigger.id, nextRunAt: scheduledFor }, transaction },
        );
        if (!won) return null;
        const flow = await this.models.Flow.findByPk(trigger.flowId, { transaction });
        if (!flow?.active) return null;
        const execution = await this.runtime.create(
          {
            flow,
            triggerNodeId: trigger.nodeId,
            triggerType: 'schedule',
            input: { scheduledFor: scheduledFor.toISOString(), firedAt: now.toISOString() },
          },
          transaction,
        );
        if (!admitted) await gate!.hold(execution.id, transaction);
        return execution.id;
      });
      if (executionId) {
        fired++;
        if (!admitted) continue;
        await gate?.startedIn(trigger.subaccountId);
        await this.runtime.dispatch(executionId);
      }
    }
    return fired;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.ticking ??= this.tick()
        .then(() => undefined, (err: unknown) => this.logger.error({ err }, 'schedule tick failed'))
        .finally(() => (this.ticking = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a tick in flight, so nothing is dispatched after the queue closes. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
  }
}
