interface Waiter<V> {
  resolve(value: V | undefined): void;
  reject(err: unknown): void;
}

/**
 * Coalesces single-key calls made in the same tick into one bulk call: a hundred workers' claims become one
 * statement instead of a hundred. Each key's value goes to the first caller that asked for it; a second
 * caller of the same key in the same batch gets `undefined` (a claim is won once). If the bulk call fails,
 * every caller of that batch gets its error.
 */
export class KeyBatch<V> {
  private pending = new Map<string, Waiter<V>[]>();
  private scheduled = false;

  constructor(
    private readonly bulk: (keys: string[]) => Promise<Map<string, V>>,
    private readonly maxKeys = 200,
  ) {}

  get(key: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = [...this.pending];
    this.pending = new Map();
    for (let i = 0; i < all.length; i += this.maxKeys) void this.run(all.slice(i, i + this.maxKeys));
  }

  private async run(entries: [string, Waiter<V>[]][]): Promise<void> {
    let values: Map<string, V>;
    try {
      values = await this.bulk(entries.map(([key]) => key));
    } catch (err) {
      for (const [, waiters] of entries) for (const waiter of waiters) waiter.reject(err);
      return;
    }
    for (const [key, waiters] of entries) {
      waiters[0].resolve(values.get(key));
      for (const waiter of waiters.slice(1)) waiter.resolve(undefined);
    }
  }
}
