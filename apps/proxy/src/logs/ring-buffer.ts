/**
 * A bounded buffer of log lines: keeps the newest `capacity` lines, drops the oldest.
 * O(1) push; `lines()` copies in arrival order.
 */
export class RingBuffer {
  readonly capacity: number;
  #items: string[];
  #start = 0;
  #size = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be >= 1, got ${capacity}`);
    this.capacity = capacity;
    this.#items = new Array<string>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  push(line: string): void {
    const end = (this.#start + this.#size) % this.capacity;
    this.#items[end] = line;
    if (this.#size < this.capacity) this.#size += 1;
    else this.#start = (this.#start + 1) % this.capacity;
  }

  /** The newest `n` lines (all when `n` is omitted), oldest first. */
  lines(n: number = this.#size): string[] {
    const count = Math.max(0, Math.min(n, this.#size));
    const out: string[] = [];
    for (let i = this.#size - count; i < this.#size; i++) {
      out.push(this.#items[(this.#start + i) % this.capacity] as string);
    }
    return out;
  }

  clear(): void {
    this.#start = 0;
    this.#size = 0;
  }
}
