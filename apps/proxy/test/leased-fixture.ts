/** A slab-backed LeasedBody for the tests of whoever sends slabs (leased-body, upload-thread). */
import { createHash } from "node:crypto";
import { LeasedBody } from "../src/body/leased-body.ts";

export interface LeasedFixture {
  readonly body: LeasedBody;
  /** sha256 of the body's bytes as leased. */
  readonly digest: string;
  /** Settles when the slab is given back. */
  readonly released: Promise<void>;
  /** How many times the slab was given back. */
  readonly gives: () => number;
}

/**
 * `size` bytes of a pattern in a slab. Giving the slab back overwrites it, as the next lease
 * would: a writer that still reads it afterwards sends other bytes, and the digest shows it.
 */
export function leasedBody(size: number): LeasedFixture {
  const slab = new SharedArrayBuffer(size + 4096);
  const bytes = Buffer.from(slab, 0, size);
  for (let i = 0; i < size; i += 4096) bytes.fill((i >> 12) % 251, i, Math.min(size, i + 4096));
  const digest = createHash("sha256").update(bytes).digest("hex");
  let count = 0;
  let done!: () => void;
  const released = new Promise<void>((resolve) => {
    done = resolve;
  });
  const body = new LeasedBody(bytes, () => {
    count++;
    new Uint8Array(slab).fill(0x21);
    done();
  });
  return { body, digest, released, gives: () => count };
}
