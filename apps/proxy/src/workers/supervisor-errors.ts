/**
 * Errors the supervisor client throws. Match on `code`, not the class: errors crossing the
 * worker boundary arrive as plain `Error`s, and the client re-wraps them here.
 */
export class SupervisorError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** `start` after `close`. */
export class SupervisorClosedError extends SupervisorError {
  constructor() {
    super("SUPERVISOR_CLOSED", "supervisor is closed");
  }
}

/** `start` of a model + instance that is still running (instances are never reused). */
export class InstanceAlreadyStartedError extends SupervisorError {
  constructor(model: string, instance: number) {
    super("INSTANCE_ALREADY_STARTED", `${model}#${instance} is already started`);
  }
}

/** The worker could not initialise (e.g. the record file is unusable); no process can run. */
export class SupervisorInitError extends SupervisorError {
  constructor(message: string) {
    super("SUPERVISOR_INIT_FAILED", message);
  }
}
