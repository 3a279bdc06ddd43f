/**
 * Failures a property run reports. Match on `code`. Each message carries the readable
 * counterexample (config and numbered event list), so fast-check's report is enough to
 * reproduce a failure by hand.
 */

/** Base class of every failure a run reports. */
export class PropertyTestError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = "PropertyTestError";
    this.code = code;
  }
}

/** An invariant family judged a step (or the end of a run) wrong. */
export class InvariantViolationError extends PropertyTestError {
  /** Family id, e.g. "stop-while-serving". */
  readonly family: string;
  readonly problems: readonly string[];
  /** 1-based step of the event list; 0 for the end of the run. */
  readonly step: number;
  constructor(family: string, step: number, problems: readonly string[], run: string) {
    const where = step === 0 ? "at the end of the run" : `at step ${step}`;
    super("INVARIANT_VIOLATED", `invariant ${family} violated ${where}:\n- ${problems.join("\n- ")}\n${run}`);
    this.name = "InvariantViolationError";
    this.family = family;
    this.problems = problems;
    this.step = step;
  }
}

/** The machine's step (or init) threw; the core throws only on a broken invariant. */
export class StepThrewError extends PropertyTestError {
  readonly step: number;
  constructor(step: number, cause: unknown, run: string) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super("STEP_THREW", `step ${step} threw ${detail}\n${run}`);
    this.name = "StepThrewError";
    this.step = step;
  }
}
