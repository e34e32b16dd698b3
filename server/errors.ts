// Errors the domain raises on purpose. `messageKey` is an i18n key, so the
// portal, the workspace and the API can each say it in the user's language.

export type ErrorCode =
  | "not_found"
  | "forbidden"
  | "unauthorized"
  | "validation_failed"
  | "conflict"
  | "gone"
  | "unavailable"
  | "rate_limited"
  | "unprocessable";

const statusFor: Record<ErrorCode, number> = {
  not_found: 404,
  forbidden: 403,
  unauthorized: 401,
  validation_failed: 400,
  conflict: 409,
  gone: 410,
  unavailable: 503,
  rate_limited: 429,
  unprocessable: 422,
};

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly messageKey: string,
    readonly details?: Record<string, string[]>,
    /** More for the caller to act on (e.g. the current ticket after a stale update), sent as is. */
    readonly extra?: Record<string, unknown>,
    /** Values for the message's {{placeholders}} (e.g. the scope a token lacks). */
    readonly values?: Record<string, string>,
  ) {
    super(messageKey);
    this.status = statusFor[code];
  }
}

/**
 * Is this the database being unreachable (down, restarting, out of
 * connections) rather than a bug? Then the request may simply be retried.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const UNAVAILABLE_CODES = ["P1001", "P1002", "P1008", "P1017", "P2024", "ECONNREFUSED", "ECONNRESET", "57P01", "57P03"];
  const UNAVAILABLE_TEXT =
    /ECONNREFUSED|ECONNRESET|connect ENOENT \S*\.s\.PGSQL|Connection terminated|terminating connection|database system is (starting up|shutting down)|Can't reach database|Timed out fetching a new connection|connection timeout/i;
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && UNAVAILABLE_CODES.includes(code)) return true;
    if (typeof message === "string" && UNAVAILABLE_TEXT.test(message)) return true;
  }
  return false;
}

export const notFound = (what = "errors.notFound") => new DomainError("not_found", what);
export const forbidden = () => new DomainError("forbidden", "errors.forbidden");
