/** Only same-site paths: never send people off-site after a form. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback: string): string {
  return typeof to === "string" && to.startsWith("/") && !to.startsWith("//") ? to : fallback;
}
