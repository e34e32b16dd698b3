// Small, explicit fixtures for integration tests: a team, categories, SLA
// policies, an agent, a supervisor and customers, created with the real services.
import type { Db } from "../../server/db/client.ts";
import { hashPassword } from "../../server/auth/password.ts";
import { loadAuthUser } from "../../server/auth/users.ts";
import type { AuthUser } from "../../server/auth/policy.ts";
import { samePerPriority } from "../../server/sla/policy.ts";
import { ALWAYS_OPEN_CALENDAR_ID } from "../../server/sla/stored.ts";

export const PASSWORD = "correct-horse-battery";

export async function createFixtures(db: Db) {
  const passwordHash = await hashPassword(PASSWORD);
  const support = await db.team.create({ data: { key: "support", name: "Support" } });
  const billingTeam = await db.team.create({ data: { key: "billing", name: "Billing" } });
  await db.category.createMany({
    data: [
      { key: "technical", nameEn: "Technical problem", nameZh: "技术问题", teamId: support.id },
      { key: "billing", nameEn: "Billing", nameZh: "账单", teamId: billingTeam.id },
    ],
  });
  const targets = (firstResponse: number, resolution: number) =>
    samePerPriority({ first_response: { minutes: firstResponse, business: false }, resolution: { minutes: resolution, business: false } });
  await db.slaPolicy.createMany({
    data: [
      { name: "Key-account complaints", position: 10, types: ["complaint"], tiers: ["key"], targets: targets(60, 480), calendarId: ALWAYS_OPEN_CALENDAR_ID },
      { name: "Complaints", position: 40, types: ["complaint"], targets: targets(240, 2880), calendarId: ALWAYS_OPEN_CALENDAR_ID },
      { name: "Default", position: 100, targets: targets(480, 4320), calendarId: ALWAYS_OPEN_CALENDAR_ID },
    ],
  });

  const staff = async (email: string, name: string, role: "agent" | "supervisor" | "admin", teamIds: string[]) =>
    db.user.create({
      data: { email, name, role, passwordHash, emailVerifiedAt: new Date(), memberships: { create: teamIds.map((teamId) => ({ teamId })) } },
    });
  const agent = await staff("li@test.example", "Li Wei", "agent", [support.id]);
  const billingAgent = await staff("bo@test.example", "Bo Billing", "agent", [billingTeam.id]);
  const supervisor = await staff("sup@test.example", "Sam Supervisor", "supervisor", []);
  const admin = await staff("admin@test.example", "Ari Admin", "admin", []);

  // Customers who signed up and confirmed their address (server/auth/recovery.ts): they see their requests.
  const customer = async (email: string, name: string, tier: "key" | "growth" | "standard") => {
    const user = await db.user.create({ data: { email, name, role: "customer", passwordHash, emailVerifiedAt: new Date() } });
    await db.customer.create({ data: { email, name, tier, userId: user.id } });
    return user;
  };
  const keyCustomer = await customer("ada@key.example", "Ada Key", "key");
  const otherCustomer = await customer("otto@std.example", "Otto Other", "standard");

  const auth = async (id: string) => (await loadAuthUser(db, id)) as AuthUser;
  return {
    teams: { support, billing: billingTeam },
    agent: await auth(agent.id),
    billingAgent: await auth(billingAgent.id),
    supervisor: await auth(supervisor.id),
    admin: await auth(admin.id),
    keyCustomer: await auth(keyCustomer.id),
    otherCustomer: await auth(otherCustomer.id),
  };
}
