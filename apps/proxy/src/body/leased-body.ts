/**
 * A request body forwarded straight from a slab (slab-pool.ts), and the rule for when the
 * slab may go back: only once no socket write can still read it, because the next body is
 * written over it.
 */

/**
 * Bodies below this are not leased (the worker hands them back as bytes of their own).
 * The rule in `chunks()` needs a chunk well above undici's socket high-water mark (64 KiB).
 */
export const LEASE_FROM_BYTES = 1024 * 1024;

export class LeasedBody {
  /** The body: a view of the slab. */
  readonly bytes: Buffer;
  #give: (() => void) | null;
  #started = false;

  constructor(bytes: Buffer, give: () => void) {
    this.bytes = bytes;
    this.#give = give;
  }

  /**
   * The body as undici's request body: one chunk, then the slab goes back.
   *
   * Why this is safe: undici writes an iterable body's chunk corked, so `write()` reports
   * false for any chunk above the socket's 64 KiB high-water mark (these are 1 MiB or more),
   * and it then waits for 'drain' (every byte handed to the kernel) or 'close' (the socket is
   * gone and writes nothing more) before asking for the next chunk. The generator resumes
   * only then. If the request ends without asking (aborted before or while writing), undici
   * closes the iterator, which runs `finally` after the socket was destroyed.
   */
  async *chunks(): AsyncGenerator<Buffer, void, undefined> {
    // Released unsent (the request was cancelled before undici started): send nothing rather
    // than a slab another body may already be using.
    if (this.#give === null) return;
    this.#started = true;
    try {
      yield this.bytes;
    } finally {
      this.#return();
    }
  }

  /**
   * Hands the slab to another writer (the upload thread, http/upload-thread.ts), which then
   * owns the rule above: it gets the function that gives the slab back, to call once nothing
   * reads the slab any more. Null when the body was already released unsent: then nothing
   * may be sent from it.
   */
  lend(): (() => void) | null {
    const give = this.#give;
    this.#give = null;
    this.#started = true;
    return give;
  }

  /** The slab and the body's length in it (the body starts at the slab's first byte). */
  shared(): { readonly slab: SharedArrayBuffer; readonly length: number } {
    return { slab: this.bytes.buffer as SharedArrayBuffer, length: this.bytes.byteLength };
  }

  /**
   * For every path that ends without forwarding (rejected, cancelled, failed before
   * sending): returns the slab unless a write started, which returns it itself.
   */
  releaseUnsent(): void {
    if (!this.#started) this.#return();
  }

  #return(): void {
    const give = this.#give;
    this.#give = null;
    give?.();
  }
}
