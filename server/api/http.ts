// JSON error format of the API: { error: { code, message, details? } }, with
// messages in the caller's language (Accept-Language).
import type { NextFunction, Request, Response } from "express";
import { localeFromAcceptLanguage, DEFAULT_LOCALE } from "../../app/i18n/config.ts";
import { translator } from "../../app/i18n/i18n.ts";
import { DomainError, isDatabaseUnavailable } from "../errors.ts";

export function apiLocale(req: Request) {
  return localeFromAcceptLanguage(req.get("Accept-Language")) ?? DEFAULT_LOCALE;
}

export function sendError(req: Request, res: Response, error: DomainError) {
  const t = translator(apiLocale(req));
  const details = error.details
    ? Object.fromEntries(Object.entries(error.details).map(([field, keys]) => [field, keys.map((k) => t(k))]))
    : undefined;
  res
    .status(error.status)
    .json({ error: { code: error.code, message: t(error.messageKey, error.values ?? {}), ...(details ? { details } : {}), ...error.extra } });
}

/** Express error handler: domain errors keep their status; anything else is a 500 without internals. */
export function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction) {
  // A download that broke halfway (the client left, storage failed): nothing more can be said on it.
  if (res.headersSent) return void res.destroy();
  if (error instanceof DomainError) return sendError(req, res, error);
  // body-parser's own errors (bad JSON, too large, wrong charset) carry a 4xx status.
  const status = (error as { status?: number; statusCode?: number })?.status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    const t = translator(apiLocale(req));
    const code = status === 413 ? "payload_too_large" : status === 415 ? "unsupported_media_type" : "validation_failed";
    return res.status(status).json({ error: { code, message: t("errors.badRequestBody") } });
  }
  if (isDatabaseUnavailable(error)) {
    // Nothing was written (the transaction could not commit): say so, and that a retry may work.
    console.warn("[api] database unavailable:", (error as Error).message);
    res.set("Retry-After", "5");
    return sendError(req, res, new DomainError("unavailable", "errors.databaseUnavailable"));
  }
  console.error("[api]", error);
  const t = translator(apiLocale(req));
  res.status(500).json({ error: { code: "internal", message: t("errors.generic") } });
}



