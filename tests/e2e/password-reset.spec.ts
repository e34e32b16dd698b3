// A customer who forgot their password: "Forgot password?" on the sign-in page, the same answer
// whatever the address, the link read from the mail the helpdesk sent, a new password chosen
// there (and signed in), the old one refused, and the used link refused the second time. Without
// scripts, in Chinese, the forms work too.
import { DEMO_PASSWORD, expect, mailLink, mailTo, test } from "./support.ts";

test("a customer resets their password from the mailed link", async ({ page, browser }) => {
  // A seeded customer no other spec signs in as (a sign-up would count against the network's sign-ups).
  const email = "samuel.osei@blueharbor.example.com";
  await page.goto("/login");
  await page.getByRole("link", { name: "Forgot password?" }).click();
  await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
  const since = new Date();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Mail me a link" }).click();
  await expect(page.getByText("If an account exists for that address, we have sent a link")).toBeVisible();

  const mail = await mailTo(email, { after: since });
  expect(mail.subject).toBe("Reset your password for Helpdesk");
  expect(mail.headers.get("auto-submitted")).toBe("auto-generated");
  const link = mailLink(mail, "/reset-password/");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await page.getByLabel("New password").fill("new-password-2");
  await page.getByLabel("Password again").fill("new-password-2");
  await page.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole("link", { name: "Samuel Osei" })).toBeVisible();
  // Their requests are there: the address was confirmed already, and is again by the link.
  await expect(page.locator(".ticket-list li").first()).toBeVisible();

  // The link worked once.
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Ask for a new link" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That email and password do not match.")).toBeVisible();
  await page.getByLabel("Password").fill("new-password-2");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/portal$/);

  // Without scripts, in Chinese: an unknown address gets the same answer; a real one its link.
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "zh-CN" });
  const plain = await context.newPage();
  await plain.goto("/forgot-password");
  await plain.getByLabel("邮箱").fill(`nobody.${Date.now().toString(36)}@example.com`);
  await plain.getByRole("button", { name: "发送链接" }).click();
  await expect(plain.getByText("如果该地址有账户，我们已发送设置新密码的链接")).toBeVisible();
  const again = new Date();
  await plain.goto("/forgot-password");
  await plain.getByLabel("邮箱").fill(email);
  await plain.getByRole("button", { name: "发送链接" }).click();
  await expect(plain.getByText("如果该地址有账户，我们已发送设置新密码的链接")).toBeVisible();
  await plain.goto(mailLink(await mailTo(email, { after: again }), "/reset-password/"));
  await plain.getByLabel("新密码").fill("third-password-3");
  await plain.getByLabel("再次输入密码").fill("third-password-x");
  await plain.getByRole("button", { name: "设置密码并登录" }).click();
  await expect(plain.getByText("两次输入的密码不一致。")).toBeVisible();
  await context.close();
});
