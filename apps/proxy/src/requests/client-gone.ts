/**
 * Whether a request's client went away, with one listener to tell. What an AbortController
 * would do here, without its cost on a path taken once per request: an EventTarget, a
 * listener registration per forward, and (if aborted) a DOMException with a stack trace.
 */
export class ClientGone {
  #gone = false;
  #listener: (() => void) | null = null;

  get gone(): boolean {
    return this.#gone;
  }

  /** Sets the one listener (the forward in progress), replacing any earlier one; null clears it. */
  listen(listener: (() => void) | null): void {
    this.#listener = listener;
  }

  /** The client is gone: the listener runs once; later calls do nothing. */
  mark(): void {
    if (this.#gone) return;
    this.#gone = true;
    const listener = this.#listener;
    this.#listener = null;
    listener?.();
  }
}
