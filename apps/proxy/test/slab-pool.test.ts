import { describe, expect, it } from "vitest";
import { SlabPool } from "../src/body/slab-pool.ts";

const MiB = 1024 * 1024;

describe("slab pool", () => {
  it("slab pool: a lease is rounded up to whole MiB; a released slab is lent again, tightest fit first", () => {
    const pool = new SlabPool();
    try {
      const small = pool.lease(1);
      const big = pool.lease(3 * MiB + 1);
      expect(small.byteLength).toBe(MiB);
      expect(big.byteLength).toBe(4 * MiB);
      pool.release(big);
      pool.release(small);
      expect(pool.idleBytes).toBe(5 * MiB);
      expect(pool.lease(MiB / 2), "the smallest that fits").toBe(small);
      expect(pool.lease(2 * MiB)).toBe(big);
      expect(pool.idleBytes).toBe(0);
      expect(pool.lease(MiB), "none idle: a new one").not.toBe(small);
    } finally {
      pool.close();
    }
  });

  it("slab pool: idle slabs are kept up to keepBytes; beyond that a release drops the slab", () => {
    const pool = new SlabPool({ keepBytes: 3 * MiB });
    try {
      const a = pool.lease(2 * MiB);
      const b = pool.lease(2 * MiB);
      pool.release(a);
      pool.release(b);
      expect(pool.idleBytes).toBe(2 * MiB);
      expect(pool.lease(2 * MiB)).toBe(a);
      expect(pool.lease(2 * MiB)).not.toBe(b);
    } finally {
      pool.close();
    }
  });

  it("slab pool: dropIdle frees the slabs idle for idleMs or more and keeps the rest", () => {
    let now = 0;
    const pool = new SlabPool({ idleMs: 1000, now: () => now });
    try {
      const old = pool.lease(MiB);
      const fresh = pool.lease(2 * MiB);
      pool.release(old);
      now = 600;
      pool.release(fresh);
      now = 1000;
      pool.dropIdle();
      expect(pool.idleBytes).toBe(2 * MiB);
      expect(pool.lease(MiB), "the old one is gone; the fresh one fits").toBe(fresh);
      pool.close();
      expect(pool.idleBytes).toBe(0);
    } finally {
      pool.close();
    }
  });
});
