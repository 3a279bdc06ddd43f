/**
 * Joining a body's chunks, on the main thread (http/read-body.ts, the inline rewrite) and
 * in the rewrite worker: one copying loop for both.
 */

/**
 * From this size on a joined body gets memory of its own, not a slice of Node's shared
 * buffer pool (Buffer.concat pools up to 32 KiB), so it can be moved between threads.
 */
const OWNED_FROM_BYTES = 64 * 1024;

/** The chunks, in order, in one Uint8Array that is the whole of its ArrayBuffer. */
export function joinOwned(parts: readonly Uint8Array[]): Uint8Array {
  return copyInto(new Uint8Array(sizeOf(parts)), parts);
}

function sizeOf(parts: readonly Uint8Array[]): number {
  let size = 0;
  for (const part of parts) size += part.byteLength;
  return size;
}

/** Copies the parts, in order, to the start of `out` (which has room); returns `out`. */
function copyInto(out: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** One Buffer holding `parts` in order (a lone chunk as is); from 64 KiB on it owns its memory. */
export function joinParts(parts: readonly Buffer[], size: number): Buffer {
  if (parts.length === 1) return parts[0] as Buffer;
  if (size < OWNED_FROM_BYTES) return Buffer.concat(parts, size);
  return Buffer.from(joinOwned(parts).buffer);
}

/**
 * A join target reused from one body to the next, for the rewrite worker's bodies that go
 * into a slab (they never leave the thread as these bytes). A fresh 20 MB Uint8Array per
 * body cost ~10 ms in zero-filling and page faults; a reused one ~2 ms. Bodies above
 * `maxBytes` are not joined here, so one huge body does not stay pinned in the thread.
 */
export class ReusedJoin {
  readonly #maxBytes: number;
  #buffer = new Uint8Array(0);

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** The parts joined into a view of the reused buffer, valid until the next call; null above `maxBytes`. */
  join(parts: readonly Uint8Array[]): Uint8Array | null {
    const size = sizeOf(parts);
    if (size > this.#maxBytes) return null;
    if (this.#buffer.byteLength < size) {
      // In 1 MiB steps, so a slightly larger next body still fits.
      this.#buffer = new Uint8Array(Math.ceil(size / 1048576) * 1048576);
    }
    return copyInto(this.#buffer, parts).subarray(0, size);
  }
}
