// Routing rules as an admin who works in Chinese sets one up: a rule made in
// the editor routes the next matching ticket as it is filed, and the ticket's
// history names the rule.
import { expect, test, signIn, fileTicket, solveTickets } from "./support.ts";

test("an admin creates a rule in the Chinese admin center and a matching ticket is routed by it", async ({ browser, request }) => {
  const zh = await signIn(browser, "admin@demo.helpdesk", "zh-CN");
  await zh.goto("/admin/rules");
  await expect(zh.getByRole("heading", { name: "路由规则", exact: true })).toBeVisible();
  await zh.getByRole("link", { name: "新建规则" }).first().click();

  const name = `退款转账务 ${Date.now()}`;
  await zh.getByLabel("名称").fill(name);
  const condition = zh.getByRole("group", { name: "条件 1" });
  await condition.locator('select[name="conditions.0.field"]').selectOption("text");
  await condition.locator('input[name="conditions.0.values"]').fill("退款");
  const first = zh.getByRole("group", { name: "动作 1" });
  // Each row's parts are labelled by wrapping (the label's text includes the options): picked by name.
  await first.locator('select[name="actions.0.teamId"]').selectOption({ label: "Billing" });
  await zh.getByRole("button", { name: "添加动作" }).click();
  const second = zh.getByRole("group", { name: "动作 2" });
  await second.locator('select[name="actions.1.type"]').selectOption("set_priority");
  await second.locator('select[name="actions.1.priority"]').selectOption("urgent");
  await zh.getByRole("button", { name: "创建规则" }).click();

  await expect(zh).toHaveURL(/\/admin\/rules$/);
  const row = zh.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText("文字包含");
  await expect(row).toContainText("Billing");

  // Filed in "technical" (Technical Support's category): the rule hands it to Billing, urgent.
  const number = await fileTicket(request, {
    type: "inquiry",
    category: "technical",
    subject: "订单退款",
    description: "上个月的订单我申请了退款，至今没有到账。",
  });
  const plain = await fileTicket(request, { type: "inquiry", category: "technical", subject: "路由器断网", description: "每天晚上路由器都会断网一分钟。" });

  await zh.goto(`/agent/tickets/${number}`);
  await expect(zh.getByTestId("properties").getByLabel("优先级")).toHaveValue("urgent");
  // The history says which rule did what.
  await expect(zh.locator(".thread")).toContainText(`规则“${name}”将优先级从“普通”改为“紧急”，将工单从“Technical Support”转到“Billing”`);

  await zh.goto(`/agent/tickets/${plain}`);
  await expect(zh.getByTestId("properties").getByLabel("优先级")).toHaveValue("normal");
  await expect(zh.locator(".thread")).not.toContainText(`规则“${name}”`);

  // Tidy up: the demo's other tests file tickets with words this rule would route.
  await zh.goto("/admin/rules");
  await zh
    .getByRole("row", { name: new RegExp(name) })
    .getByRole("link", { name: "编辑" })
    .click();
  await zh.getByText("删除此规则…").click();
  await zh.getByRole("button", { name: "确定删除" }).click();
  await expect(zh).toHaveURL(/\/admin\/rules$/);
  await expect(zh.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
  await solveTickets(request, [number, plain]);
  await zh.context().close();
});
