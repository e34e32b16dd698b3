// Shared pieces of the browser tests: a `test` whose pages fail it on any
// browser error, and signing in as a demo account in a context of its own.
import fs from "node:fs";
import path from "node:path";
import { test as base, expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { simpleParser, type ParsedMail } from "mailparser";

export const DEMO_PASSWORD = "demo1234";

const errors: string[] = [];

/** Errors a page printed or threw: a person would not see them, but they mean something broke. */
export function watchErrors(page: Page) {
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    // A 4xx answer to a form with errors is intended; Chromium still logs it.
    // The sandboxed mail frame (admin mail page) runs no script, by design; Playwright's trace
    // recorder tries to in every frame, and Chromium reports the sandbox refusing it.
    // A form sent while a live reload is still reading its answer cancels that reload, as it should
    // (the send reloads the page's data anyway); Remix 2.17's single-fetch decoder logs the cancelled
    // read before the router drops it (@remix-run/react dist/single-fetch.js, fetchAndDecode).
    const intended =
      /Failed to load resource: the server responded with a status of 4\d\d/.test(message.text()) ||
      /^Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed/.test(message.text()) ||
      /^AbortError: signal is aborted without reason/.test(message.text());
    if (message.type() === "error" && !intended) errors.push(`${page.url()}: ${message.text()}`);
  });
}

export const test = base.extend<{ failOnBrowserErrors: void }>({
  // Runs around every test: watches its page, and fails the test if any page
  // it opened (signIn() pages included) reported an error.
  failOnBrowserErrors: [
    async ({ page }, use) => {
      errors.length = 0;
      watchErrors(page);
      await use();
      expect(errors.splice(0), "errors in the browser console").toEqual([]);
    },
    { auto: true },
  ],
});

/** Signs in through the form, in a browser context of its own (scripts off with `javaScript: false`). */
export async function signIn(
  browser: Browser,
  email: string,
  locale = "en-US",
  { javaScript = true }: { javaScript?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({ locale, javaScriptEnabled: javaScript });
  const page = await context.newPage();
  watchErrors(page);
  await page.goto("/login");
  await page.getByLabel(/email|邮箱/i).fill(email);
  await page.getByLabel(/password|密码/i).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: /sign in|登录/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  return page;
}

/**
 * Waits until the page's scripts have taken over (root.tsx marks it). Before that, a step that only
 * scripts handle (a toolbar button, a paste or drop, a select that saves itself) does nothing, or is
 * undone when React hydrates the field.
 */
export async function scriptsRunning(page: Page): Promise<void> {
  await expect(page.locator("html[data-hydrated]")).toHaveCount(1);
}

/**
 * Runs a step and waits until the route action it posts (e.g. "/availability") has answered.
 * Only the POST counts: the route's own script, fetched on first use, has the same name in its URL.
 */
export async function afterAction(page: Page, path: string, step: () => Promise<unknown>): Promise<void> {
  const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `${path}.data` && r.ok());
  await Promise.all([answered, step()]);
}

/** An API token for a demo account. */
export async function apiToken(request: APIRequestContext, email: string): Promise<string> {
  const res = await request.post("/api/v1/auth/token", { data: { email, password: DEMO_PASSWORD } });
  expect(res.status()).toBe(201);
  return (await res.json()).token;
}

/** Files a ticket as the demo customer through the API (a customer's own app would); its number. */
export async function fileTicket(
  request: APIRequestContext,
  data: { type: "inquiry" | "complaint"; category: string; subject: string; description: string },
): Promise<number> {
  const token = await apiToken(request, "customer@demo.helpdesk");
  const res = await request.post("/api/v1/tickets", { headers: { authorization: `Bearer ${token}` }, data });
  expect(res.status()).toBe(201);
  return (await res.json()).number;
}

/**
 * Solves tickets a spec filed and left unanswered (as the admin, through the API), so that a later spec's
 * SLA policy for API tickets does not find them at risk and warn about them.
 */
export async function solveTickets(request: APIRequestContext, numbers: readonly number[]): Promise<void> {
  const token = await apiToken(request, "admin@demo.helpdesk");
  for (const number of numbers) {
    const res = await request.patch(`/api/v1/tickets/${number}`, { headers: { authorization: `Bearer ${token}` }, data: { status: "solved" } });
    expect(res.status()).toBe(200);
  }
}

/** Where the server under test keeps the mail it sends (no SMTP server: the local sink, server/mail/transport.ts). */
const MAIL_SINK = path.join(process.env.E2E_DATA_DIR ?? ".data/e2e", "mail", "outbox");

function sinkFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sinkFiles(file) : entry.name.endsWith(".eml") ? [file] : [];
  });
}

/**
 * The newest mail the helpdesk sent to an address since `after` (read from the sink, parsed with
 * mailparser), waiting until it arrives: the send-mail job writes it a moment after the change.
 */
export async function mailTo(address: string, { after, timeout = 20_000 }: { after: Date; timeout?: number }): Promise<ParsedMail> {
  const deadline = Date.now() + timeout;
  const wanted = address.toLowerCase();
  for (;;) {
    const fresh = sinkFiles(MAIL_SINK)
      .map((file) => ({ file, at: fs.statSync(file).mtimeMs }))
      .filter((f) => f.at >= after.getTime() - 1_000)
      .sort((a, b) => b.at - a.at);
    for (const { file } of fresh) {
      const mail = await simpleParser(fs.readFileSync(file));
      const to = [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address?.toLowerCase()));
      if (to.includes(wanted)) return mail;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${address} in ${MAIL_SINK} after ${after.toISOString()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The path of the first link in a mail's text that goes to `prefix` (e.g. "/reset-password/"), to open in the browser. */
export function mailLink(mail: ParsedMail, prefix: string): string {
  const found = (mail.text ?? "").match(/https?:\/\/\S+/g)?.map((href) => new URL(href)).find((url) => url.pathname.startsWith(prefix));
  if (!found) throw new Error(`no ${prefix} link in the mail "${mail.subject}"`);
  return found.pathname + found.search;
}

/** Signs up a new customer the way a person does: the form, the mailed link, a password chosen there; ends signed in on /portal. */
export async function signUpByMail(page: Page, person: { name: string; email: string; password: string }): Promise<void> {
  const since = new Date();
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(person.name);
  await page.getByLabel("Email").fill(person.email);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your mail" })).toBeVisible();
  const mail = await mailTo(person.email, { after: since });
  await page.goto(mailLink(mail, "/verify/"));
  await page.getByLabel("Password", { exact: true }).fill(person.password);
  await page.getByLabel("Password again").fill(person.password);
  await page.getByRole("button", { name: "Confirm and sign in" }).click();
  await expect(page).toHaveURL(/\/portal$/);
}

export { expect };
