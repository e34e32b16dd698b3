// HTTP hardening shared by every response: a Content-Security-Policy whose
// nonce lets only our own inline scripts run (Remix's hydration data), no
// framing, no MIME sniffing, no full-URL referrers (survey tokens are in
// paths), and no caching of anything private. Static assets override the
// cache header with their own long max-age, attachments with a private one.
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from "../attachments/limits.ts";
import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";
import { DEFAULT_LOCALE, localeFromAcceptLanguage } from "../../app/i18n/config.ts";
import { translator } from "../../app/i18n/i18n.ts";

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    // Width bars on the boards and health cards are inline style attributes.
    "style-src-attr 'unsafe-inline'",
    // blob: previews of files picked for sending (app/components/Attachments.tsx), made in the page itself.
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // The live channel: Socket.IO over WebSocket (or long-polling) to this origin.
    // blob: Chromium reads a picked file kept by the attachment picker through its blob URL when a
    // form is sent again after a refusal; blob URLs are this page's own objects.
    "connect-src 'self' ws: wss: blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.set({
      "Content-Security-Policy": contentSecurityPolicy(nonce),
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "Cache-Control": "no-store",
    });
    next();
  };
}

/**
 * A page's own private Cache-Control (an attachment's: server/attachments/http.ts)
 * replaces the no-store set above. Remix adds a page's headers to those
 * already set, and "no-store, private, max-age=…" would still be no-store.
 * Only private (or no-store) values replace it: a page that asked for a
 * shared cache by mistake stays no-store. Pages that say nothing keep no-store.
 */
export function pagesSetTheirOwnCaching(): RequestHandler {
  return (_req, res, next) => {
    const append = res.append.bind(res);
    res.append = (field: string, value?: string | string[]) =>
      field.toLowerCase() === "cache-control" && typeof value === "string" && /^\s*(private|no-store)\b/i.test(value)
        ? res.set(field, value)
        : append(field, value);
    next();
  };
}

/** Form posts are text fields: far below this. Larger bodies are refused before they are read. */
export const MAX_FORM_BYTES = 1_000_000;
/** A form with files (a message with attachments): the files at their limits, and the text. */
export const MAX_FORM_WITH_FILES_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + MAX_FORM_BYTES;

/**
 * Requests the app must not try to handle: a URL that cannot be decoded goes
 * to the app's own "not valid" page (Express would answer with its bare
 * error page), and a form body announced as too large gets 413 unread.
 */
export function hostileRequests(): RequestHandler {
  return (req, res, next) => {
    try {
      decodeURIComponent(req.path);
    } catch {
      req.url = req.originalUrl = "/malformed-url";
      req.method = "GET";
      return next();
    }
    const limit = req.is("multipart/form-data") ? MAX_FORM_WITH_FILES_BYTES : MAX_FORM_BYTES;
    if (Number(req.get("Content-Length") ?? 0) > limit && !req.path.startsWith("/api/")) {
      const t = translator(localeFromAcceptLanguage(req.get("Accept-Language")) ?? DEFAULT_LOCALE);
      res.status(413).type("text/plain; charset=utf-8").send(t("errors.formTooLarge"));
      return;
    }
    next();
  };
}

/**
 * The one origin rule for state-changing requests and the live socket: a
 * browser always says where a request comes from (Origin); another site's
 * page may not act here. Requests without Origin (curl, API clients, our
 * tests) are not from a browser page and pass.
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
