// Pages run under a Content-Security-Policy: only scripts carrying this
// response's nonce run, so an injected <script> would not. Every browser test
// fails on console errors (a CSP violation is one), and the golden path's live
// updates need the page's scripts: together they show the policy lets the
// app's own scripts run.
import { expect, test, signIn } from "./support.ts";

test("pages carry a CSP whose nonce is on every inline script, and are not cached or framed", async ({ page }) => {
  const response = await page.goto("/help");
  const headers = response!.headers();
  const nonce = /'nonce-([^']+)'/.exec(headers["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["cache-control"]).toBe("no-store");
  expect(headers["x-frame-options"]).toBe("DENY");

  const html = await response!.text();
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
});

test("a malformed address gets the app's own page, not a server error", async ({ page }) => {
  for (const path of ["/%", "/help/%ZZ"]) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(400);
    const html = await response.text();
    expect(html).toContain("That address is not valid");
    expect(html).toContain('class="brand"');
    expect(html).not.toMatch(/URIError|node_modules|at decodeURIComponent/);
  }
});

test("signing out ends the session: a copy of the cookie no longer signs anyone in", async ({ browser }) => {
  const page = await signIn(browser, "customer@demo.helpdesk");
  await expect(page).toHaveURL(/\/portal/);
  const copied = await page.context().cookies();
  await page.goto("/logout");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);

  const thief = await browser.newContext();
  await thief.addCookies(copied);
  const stolen = await thief.newPage();
  await stolen.goto("/portal");
  await expect(stolen).toHaveURL(/\/login/);
  await thief.close();
});

test("the session cookie is Secure when the browser came over HTTPS (here: through a proxy), and not on plain http", async ({ page, baseURL }) => {
  const signIn = (headers: Record<string, string>) =>
    page.request.post("/login", {
      form: { email: "customer@demo.helpdesk", password: "demo1234" },
      headers: { Origin: baseURL!, ...headers },
      maxRedirects: 0,
    });
  const cookieOf = async (response: Awaited<ReturnType<typeof signIn>>) =>
    response.headersArray().find((h) => h.name.toLowerCase() === "set-cookie" && h.value.startsWith("helpdesk_session="))?.value ?? "";
  const viaProxy = await cookieOf(await signIn({ "X-Forwarded-Proto": "https" }));
  expect(viaProxy).toMatch(/;\s*Secure/i);
  expect(viaProxy).toMatch(/;\s*HttpOnly/i);
  const plain = await cookieOf(await signIn({}));
  expect(plain).toContain("helpdesk_session=");
  expect(plain).not.toMatch(/;\s*Secure/i);
});
