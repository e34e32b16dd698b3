const LOCAL_ORIGIN = "http://local.invalid";

/**
 * Only same-site paths: never send people off-site after a form. Browsers read
 * `/\evil.example` as `//evil.example` and drop tabs and newlines from URLs,
 * so backslashes and control characters are refused outright, and whatever is
 * left must still resolve to our own origin. The result is percent-encoded
 * (`/help/退款` → `/help/%E9%80%80%E6%AC%BE`): a Location header takes ASCII only.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback: string): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//")) return fallback;
  if (/[\\\u0000-\u001f\u007f-\u009f]/.test(to)) return fallback;
  try {
    const url = new URL(to, LOCAL_ORIGIN);
    if (url.origin !== LOCAL_ORIGIN) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
