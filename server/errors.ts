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
  | "rate_limited";

const statusFor: Record<ErrorCode, number> = {
  not_found: 404,
  forbidden: 403,
  unauthorized: 401,
  validation_failed: 400,
  conflict: 409,
  gone: 410,
  unavailable: 503,
  rate_limited: 429,
};

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly messageKey: string,
    readonly details?: Record<string, string[]>,
    /** More for the caller to act on (e.g. the current ticket after a stale update), sent as is. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(messageKey);
    this.status = statusFor[code];
  }
}

export const notFound = (what = "errors.notFound") => new DomainError("not_found", what);
export const forbidden = () => new DomainError("forbidden", "errors.forbidden");
