/**
 * A queue with one lane per key (a sub-account), served round-robin: a tenant that floods it with slow
 * work waits behind its own work, not in front of everyone else's.
 */
export class FairQueue<T> {
  private readonly lanes = new Map<string, T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(key: string, item: T): void {
    const lane = this.lanes.get(key);
    if (lane) lane.push(item);
    else this.lanes.set(key, [item]);
    this.count++;
  }

  /** The next item of the lane whose turn it is; that lane then goes to the back. */
  shift(): T | undefined {
    const next = this.lanes.entries().next();
    if (next.done) return undefined;
    const [key, lane] = next.value;
    const item = lane.shift()!;
    this.lanes.delete(key);
    if (lane.length) this.lanes.set(key, lane);
    this.count--;
    return item;
  }

  remove(key: string, item: T): boolean {
    const lane = this.lanes.get(key);
    const index = lane?.indexOf(item) ?? -1;
    if (!lane || index < 0) return false;
    lane.splice(index, 1);
    if (!lane.length) this.lanes.delete(key);
    this.count--;
    return true;
  }

  drain(): T[] {
    const all = [...this.lanes.values()].flat();
    this.lanes.clear();
    this.count = 0;
    return all;
  }
}
