/**
 * Failures the proxy answers with, as HTTP errors with an OpenAI-style body:
 * `{"error":{"message","type","code"}}`. Code switches on `code` (stable), never on class.
 */
import type { RejectError } from "@hotswap/core";

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "rate_limit_error"
  | "server_error"
  | "not_found_error";

/** Base class: a status, a stable `code` and an OpenAI error `type`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: ErrorType;
  constructor(status: number, code: string, type: ErrorType, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.type = type;
  }

  /** The response body, as OpenAI clients expect it. */
  body(): { error: { message: string; type: ErrorType; code: string } } {
    return { error: { message: this.message, type: this.type, code: this.code } };
  }
}

/** No model or alias with the requested id is configured. */
export class UnknownModelError extends HttpError {
  constructor(model: string) {
    super(404, "model_not_found", "invalid_request_error", `model "${model}" not found`);
  }
}

/** The request body is not valid JSON. */
export class MalformedJsonError extends HttpError {
  constructor(detail: string) {
    super(400, "invalid_json", "invalid_request_error", `request body is not valid JSON: ${detail}`);
  }
}

/** The request names no model (JSON `model`, form field `model` or `?model=`). */
export class MissingModelError extends HttpError {
  constructor() {
    super(400, "missing_model", "invalid_request_error", "request names no model");
  }
}

/** The request body exceeds the proxy's limit. */
export class BodyTooLargeError extends HttpError {
  constructor(limit: number) {
    super(413, "body_too_large", "invalid_request_error", `request body exceeds ${limit} bytes`);
  }
}

/** The model serves its `concurrencyLimit` requests already. */
export class ConcurrencyLimitError extends HttpError {
  constructor(message: string) {
    super(429, "concurrency_limit", "rate_limit_error", message);
  }
}

/** The queue holds its maximum number of waiting requests. */
export class QueueFullError extends HttpError {
  constructor(message: string) {
    super(429, "queue_full", "rate_limit_error", message);
  }
}

/** The model's process failed to start or missed its health timeout. */
export class StartFailedError extends HttpError {
  constructor(message: string) {
    super(502, "start_failed", "server_error", message);
  }
}

/** The model was unloaded while the request waited for it. */
export class ModelUnloadedError extends HttpError {
  constructor(message: string) {
    super(503, "model_unloaded", "server_error", message);
  }
}

/** The model can never be loaded under the current configuration. */
export class NeverFitsError extends HttpError {
  constructor(message: string) {
    super(422, "never_fits", "invalid_request_error", message);
  }
}

/** The request id was reused while its first request was unanswered (a proxy bug). */
export class DuplicateRequestError extends HttpError {
  constructor(message: string) {
    super(500, "duplicate_request", "server_error", message);
  }
}

/** The proxy is shutting down. */
export class ShuttingDownError extends HttpError {
  constructor(message = "hotswap is shutting down") {
    super(503, "shutting_down", "server_error", message);
  }
}

/** An API key is configured and the request carries none that matches. */
export class UnauthorizedError extends HttpError {
  constructor() {
    super(401, "unauthorized", "authentication_error", "missing or invalid API key");
  }
}

/** The upstream server could not be reached or broke the connection. */
export class UpstreamUnreachableError extends HttpError {
  constructor(model: string, detail: string) {
    super(502, "upstream_unreachable", "server_error", `upstream for "${model}" unreachable: ${detail}`);
  }
}

/** The client disconnected before it was answered (nginx's 499); never sent, only logged. */
export class ClientClosedError extends HttpError {
  constructor() {
    super(499, "client_closed", "invalid_request_error", "the client closed the connection");
  }
}

/** No route matches the path. */
export class RouteNotFoundError extends HttpError {
  constructor(path: string) {
    super(404, "not_found", "not_found_error", `no route for ${path}`);
  }
}

/**
 * Maps a core `reject` to its HTTP error. `logTail` (the model's last log lines) is appended
 * to start failures so the client sees why the server did not come up.
 */
export function fromReject(error: RejectError, logTail: readonly string[] = []): HttpError {
  switch (error.code) {
    case "UNKNOWN_MODEL":
      return new HttpError(404, "model_not_found", "invalid_request_error", error.message);
    case "START_FAILED": {
      const tail = logTail.length > 0 ? `\nlast log lines:\n${logTail.join("\n")}` : "";
      return new StartFailedError(`${error.message}${tail}`);
    }
    case "MODEL_UNLOADED":
      return new ModelUnloadedError(error.message);
    case "SHUTTING_DOWN":
      return new ShuttingDownError(error.message);
    case "QUEUE_FULL":
      return new QueueFullError(error.message);
    case "CONCURRENCY_LIMIT":
      return new ConcurrencyLimitError(error.message);
    case "NEVER_FITS":
      return new NeverFitsError(error.message);
    case "DUPLICATE_REQUEST":
      return new DuplicateRequestError(error.message);
  }
}
