/**
 * Reused SharedArrayBuffers ("slabs") for large request bodies: the rewrite worker writes a
 * body into one, the main thread forwards it from there (leased-body.ts), and the slab comes
 * back here for the next body.
 *
 * Why: a body the worker hands back as a fresh ArrayBuffer is new external memory on the main
 * thread, and it outlives a young-generation GC while it is being written upstream, so only
 * a full GC frees it. At 20 MB a body that external memory started most of the main thread's
 * mark-compacts (4-15 ms pauses for every request the loop serves) while large bodies
 * streamed (bench:bodies, `--trace-gc`). A slab is allocated once and lent again and again.
 */

/** Slabs are sized in steps of this, so a slightly larger body can reuse a slab. */
const SLAB_STEP_BYTES = 1024 * 1024;

export interface SlabPoolOptions {
  /** Idle slabs are kept up to this many bytes in all; a release beyond it drops the slab. */
  readonly keepBytes?: number;
  /** `dropIdle()` drops slabs unused for this long (their memory goes back to the system). */
  readonly idleMs?: number;
  /** Clock for the idle rule (tests pass their own). */
  readonly now?: () => number;
}

interface IdleSlab {
  readonly slab: SharedArrayBuffer;
  readonly since: number;
}

export class SlabPool {
  readonly #keepBytes: number;
  readonly #idleMs: number;
  readonly #now: () => number;
  /** Smallest first, so a lease takes the tightest fit. */
  #idle: IdleSlab[] = [];
  #idleBytes = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: SlabPoolOptions = {}) {
    this.#keepBytes = options.keepBytes ?? 96 * 1024 * 1024;
    this.#idleMs = options.idleMs ?? 30_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Bytes held by idle slabs. */
  get idleBytes(): number {
    return this.#idleBytes;
  }

  /** A slab of at least `minBytes`: the smallest idle one that fits, else a new one. */
  lease(minBytes: number): SharedArrayBuffer {
    const at = this.#idle.findIndex((s) => s.slab.byteLength >= minBytes);
    if (at >= 0) {
      const [taken] = this.#idle.splice(at, 1) as [IdleSlab];
      this.#idleBytes -= taken.slab.byteLength;
      return taken.slab;
    }
    return new SharedArrayBuffer(Math.ceil(Math.max(1, minBytes) / SLAB_STEP_BYTES) * SLAB_STEP_BYTES);
  }

  /**
   * Gives a slab back. The caller guarantees nothing reads it any more: the next lease
   * overwrites it. Beyond `keepBytes` of idle slabs it is dropped instead.
   */
  release(slab: SharedArrayBuffer): void {
    if (this.#idleBytes + slab.byteLength > this.#keepBytes) return;
    const entry: IdleSlab = { slab, since: this.#now() };
    const at = this.#idle.findIndex((s) => s.slab.byteLength >= slab.byteLength);
    this.#idle.splice(at < 0 ? this.#idle.length : at, 0, entry);
    this.#idleBytes += slab.byteLength;
    this.#schedule();
  }

  /** Drops the slabs idle for `idleMs` or more (run by an unref'd timer while any are idle). */
  dropIdle(): void {
    const cutoff = this.#now() - this.#idleMs;
    this.#idle = this.#idle.filter((s) => s.since > cutoff);
    this.#idleBytes = this.#idle.reduce((sum, s) => sum + s.slab.byteLength, 0);
  }

  /** Drops every idle slab and the timer. */
  close(): void {
    this.#idle = [];
    this.#idleBytes = 0;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.dropIdle();
      if (this.#idle.length > 0) this.#schedule();
    }, this.#idleMs);
    // Idle slabs must not keep the process alive.
    this.#timer.unref();
  }
}
