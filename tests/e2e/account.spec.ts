// Someone changes their password from the account page: a wrong current
// password is refused, the change keeps them signed in here, and afterwards
// only the new password signs in. The form works without scripts too.
import { expect, signUpByMail, test } from "./support.ts";

test("a customer changes their password, signs out and signs in with the new one", async ({ page, browser }) => {
  const email = `changer.${Date.now().toString(36)}@example.com`;
  await signUpByMail(page, { name: "Lin Changer", email, password: "first-password-1" });

  await page.getByRole("link", { name: "Lin Changer" }).click();
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await page.getByLabel("Current password").fill("not-my-password");
  await page.getByLabel("New password", { exact: true }).fill("second-password-2");
  await page.getByLabel("New password again").fill("second-password-2");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your current password is not correct.")).toBeVisible();

  await page.getByLabel("Current password").fill("first-password-1");
  await page.getByLabel("New password", { exact: true }).fill("second-password-2");
  await page.getByLabel("New password again").fill("second-password-2");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your password has been changed." })).toBeVisible();
  // Still signed in here, on a fresh session.
  await page.getByRole("link", { name: "My requests" }).first().click();
  await expect(page.getByText("You have no requests yet.")).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  // Signed out once the header offers signing in (going on earlier races the sign-out).
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("first-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That email and password do not match.")).toBeVisible();
  await page.getByLabel("Password").fill("second-password-2");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/portal$/);

  // Without scripts the form answers from the server, in the reader's language.
  const context = await browser.newContext({ javaScriptEnabled: false, locale: "zh-CN" });
  const plain = await context.newPage();
  await plain.goto("/login");
  await plain.getByLabel("邮箱").fill(email);
  await plain.getByLabel("密码").fill("second-password-2");
  await plain.getByRole("button", { name: "登录" }).click();
  await plain.goto("/account");
  await plain.getByLabel("当前密码").fill("second-password-2");
  await plain.getByLabel("新密码", { exact: true }).fill("third-password-3");
  await plain.getByLabel("再次输入新密码").fill("third-password-x");
  await plain.getByRole("button", { name: "修改密码" }).click();
  await expect(plain.getByText("两次输入的新密码不一致。")).toBeVisible();
  await context.close();
});
