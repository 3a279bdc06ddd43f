/**
 * Recent log text per source ("proxy" and one source per model), plus live subscribers
 * for the `/logs/stream` routes. Bounded: each source keeps its newest lines only.
 */
import { RingBuffer } from "./ring-buffer.ts";

/** The source name of the proxy's own log lines. */
export const PROXY_SOURCE = "proxy";

export interface LogLine {
  readonly source: string;
  readonly line: string;
}

export type LogListener = (entry: LogLine) => void;

export class LogHub {
  readonly #capacity: number;
  readonly #buffers = new Map<string, RingBuffer>();
  /** Lines of every source in arrival order, for `/logs`. */
  readonly #all: RingBuffer;
  readonly #listeners = new Set<{ readonly source: string | null; readonly fn: LogListener }>();

  constructor(capacityPerSource = 1000) {
    this.#capacity = capacityPerSource;
    this.#all = new RingBuffer(capacityPerSource * 4);
  }

  /** Records one line; never throws (a failing listener is dropped). */
  push(source: string, line: string): void {
    let buffer = this.#buffers.get(source);
    if (!buffer) {
      buffer = new RingBuffer(this.#capacity);
      this.#buffers.set(source, buffer);
    }
    buffer.push(line);
    const text = source === PROXY_SOURCE ? line : `[${source}] ${line}`;
    this.#all.push(text);
    for (const listener of this.#listeners) {
      if (listener.source !== null && listener.source !== source) continue;
      try {
        listener.fn({ source, line });
      } catch {
        this.#listeners.delete(listener);
      }
    }
  }

  /** Newest `n` lines of one source, oldest first. */
  tail(source: string, n?: number): string[] {
    return this.#buffers.get(source)?.lines(n) ?? [];
  }

  /** Every recent line of every source, in arrival order (model lines prefixed `[model]`). */
  all(): string[] {
    return this.#all.lines();
  }

  /** Calls `fn` for each new line of `source` (null = every source). Returns the unsubscribe. */
  subscribe(source: string | null, fn: LogListener): () => void {
    const listener = { source, fn };
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }
}
