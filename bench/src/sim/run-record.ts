/**
 * What the simulated world takes and gives back: its options, and the record of one run
 * (every request's fate plus counts of what the core asked for). Plain data; metrics.ts
 * turns a record into figures.
 */

export interface WorldOptions {
  readonly seed: number;
  /** Each load and stop time varies by up to this fraction either way (0 = exact). */
  readonly jitter: number;
  /** Safety net: a run needing more core steps than this is cut off as not draining. */
  readonly maxSteps: number;
}

export const DEFAULT_WORLD_OPTIONS: WorldOptions = { seed: 1, jitter: 0.1, maxSteps: 1_000_000 };

/** What happened to one request. Times are simulated ms. */
export interface RequestOutcome {
  readonly id: string;
  readonly model: string;
  readonly arrivedAt: number;
  /** Position in arrival order (0 = first fed to the core). */
  readonly arrivalIndex: number;
  grantedAt?: number;
  /** Position in grant order (0 = first granted). */
  grantIndex?: number;
  finishedAt?: number;
  rejectedAt?: number;
  rejectCode?: string;
}

export interface RunRecord {
  /** In arrival order. */
  readonly requests: readonly RequestOutcome[];
  readonly starts: number;
  readonly stops: number;
  readonly steps: number;
  readonly effects: number;
  readonly queuePositions: number;
  /** Wall-clock time spent inside `step` (ms), for a sense of the core's cost per run. */
  readonly stepWallMs: number;
  readonly shutdownComplete: boolean;
  /** Breaches of the core's contract, in the order seen. Empty when the core behaved. */
  readonly anomalies: readonly string[];
}
