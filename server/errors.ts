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

/**
 * Did the database give up on a transaction because of another one (a deadlock, a serialization
 * failure)? Nothing was written; the same work run again normally succeeds.
 */
export function isTransactionConflict(error: unknown): boolean {
  const CODES = ["40P01", "40001", "P2034"];
  // Prisma keeps PostgreSQL's code a few levels down (meta.driverAdapterError.cause.code).
  const queue: unknown[] = [error];
  for (let seen = 0; queue.length > 0 && seen < 10; seen++) {
    const e = queue.shift() as { code?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } } | null;
    if (!e || typeof e !== "object") continue;
    if ([e.code, e.originalCode].some((c) => typeof c === "string" && CODES.includes(c))) return true;
    if (typeof e.message === "string" && /deadlock detected|could not serialize access/i.test(e.message)) return true;
    queue.push(e.cause, e.meta?.driverAdapterError);
  }
  return false;
}

export const notFound = (what = "errors.notFound") => new DomainError("not_found", what);
export const forbidden = () => new DomainError("forbidden", "errors.forbidden");
