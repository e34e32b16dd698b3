// Shared pieces of the browser tests: a `test` whose pages fail it on any
// browser error, and signing in as a demo account in a context of its own.
import { test as base, expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "demo1234";

const errors: string[] = [];

/** Errors a page printed or threw: a person would not see them, but they mean something broke. */
export function watchErrors(page: Page) {
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  page.on("console", (message) => {
    // A 4xx answer to a form with errors is intended; Chromium still logs it.
    const intended = /Failed to load resource: the server responded with a status of 4\d\d/.test(message.text());
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

export { expect };
