import type { Sequelize, Transaction } from 'sequelize';
import { transact } from './database.js';

type Work<T> = (items: T[], transaction: Transaction) => Promise<void>;

interface Pending<T> {
  item: T;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Group commit: writes that arrive while a commit is in flight (or within the same tick) are stored
 * together in one transaction, and each caller is answered only after that transaction has committed.
 * Durability is unchanged (nothing is acknowledged before its commit) but a hundred concurrent
 * requests cost one commit instead of a hundred. `work` uses the raw helpers only (see `transact`). If a batch fails, its items are retried one by one,
 * so one bad item (say, a duplicate key) fails alone.
 */
export class GroupCommit<T> {
  private queue: Pending<T>[] = [];
  private flushing = false;

  constructor(
    private readonly sequelize: Sequelize,
    private readonly work: Work<T>,
    private readonly maxBatch = 200,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await transact(this.sequelize, (transaction) => this.work(batch.map((p) => p.item), transaction));
        for (const p of batch) p.resolve();
      } catch (err) {
        if (batch.length === 1) batch[0].reject(err);
        else await Promise.all(batch.map((p) => this.one(p)));
      }
    }
    this.flushing = false;
  }

  private async one(pending: Pending<T>): Promise<void> {
    try {
      await transact(this.sequelize, (transaction) => this.work([pending.item], transaction));
      pending.resolve();
    } catch (err) {
      pending.reject(err);
    }
  }
}
