// @mentions in internal notes: a colleague is named by the part of their
// email before the @ ("@maria.santos"), which is unique enough in a team and
// survives names with spaces or in Chinese. Plain rules, no I/O.

/** Handles a text mentions, lower case, each once: "@maria.santos" gives "maria.santos". An email address is not a mention. */
export function mentionedHandles(text: string): string[] {
  const handles = new Set<string>();
  for (const match of text.matchAll(/(^|[^\w@.+-])@([a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?)/gi)) handles.add(match[2].toLowerCase());
  return [...handles];
}

/** The handle people type to mention someone. */
export const handleOf = (email: string) => email.slice(0, email.indexOf("@")).toLowerCase();
