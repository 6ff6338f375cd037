/**
 * Messages between a producer and an async-iterating consumer. `onDrained` tells the producer
 * when the consumer has caught up, so it can resume reading: backpressure end to end.
 */
export class MessageQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private failWaiting: ((error: Error) => void) | undefined;
  private finished = false;
  private failure: Error | undefined;

  constructor(
    /** More than this many unconsumed items and `full` turns true. */
    private readonly capacity: number,
    private readonly onDrained: () => void,
  ) {}

  get full(): boolean {
    return this.items.length >= this.capacity;
  }

  push(item: T): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = this.failWaiting = undefined;
      resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** No more items; with an error, the consumer gets it after the items already queued. */
  end(error?: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = error;
    if (this.waiting && this.failWaiting) {
      const [resolve, reject] = [this.waiting, this.failWaiting];
      this.waiting = this.failWaiting = undefined;
      if (error) reject(error);
      else resolve({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) {
      if (this.items.length === this.capacity - 1) this.onDrained();
      return Promise.resolve({ value: item, done: false });
    }
    if (this.finished) {
      return this.failure
        ? Promise.reject(this.failure)
        : Promise.resolve({ value: undefined, done: true });
    }
    this.onDrained();
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failWaiting = reject;
    });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
