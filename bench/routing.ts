// The cost of routing, measured on the running helpdesk (part of `npm run
// bench`, beside "POST /api/v1/tickets (customer)"): the same filing with 50
// enabled on-create routing rules and round-robin assignment on for the team
// the tickets go to. Everything is set up through the real API as the demo
// admin (a sign-in token carries the "*" scope, so "admin" too:
// server/auth/scopes.ts), except the agents' availability, which only the
// agents themselves set (from the header), so it is set by SQL here. Undone
// afterwards, so the scenarios after it (and the SLA engine's 10,000 filings)
// run as before: rules removed, the team back to its mode, capacities and
// availability as they were. The tickets filed keep what the rules and the
// assignment did to them.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { ACTIVE_STATUSES } from "../server/tickets/status.ts";
import { LISTENER_STATUS_SQL } from "../server/events/monitor.ts";
import { interrupt, percentile, round, sleep, type HttpClient } from "./lib.ts";

/** Rules set up, all enabled and run on filing. */
export const ROUTING_RULES = 50;
/** How long the run waits for the assignment listener to hand out every waiting ticket of the team. */
export const ASSIGNMENT_TIMEOUT_MS = 60_000;
const POLL_MS = 50;
const ACTIVE_SQL = ACTIVE_STATUSES.map((s) => `'${s}'`).join(", ");

interface Ids {
  category: (key: string) => string;
  team: (key: string) => string;
  /** The office-hours calendar set up for the business-hours conditions. */
  officeHours: string;
}

interface RuleDef {
  name: string;
  match?: "all" | "any";
  conditions: unknown[];
  actions: unknown[];
  /** Holds for the benchmark's tickets (an inquiry in "technical" filed through the API by a key account). */
  matches?: true;
}

const note = (body: string) => ({ type: "add_note", body });
const tags = (...list: string[]) => ({ type: "add_tags", tags: list });
const priority = (p: string) => ({ type: "set_priority", priority: p });
const team = (teamId: string | null) => ({ type: "set_team", teamId });
const words = (...values: string[]) => ({ field: "text", op: "contains_any", values });
const isIn = (field: string, ...values: string[]) => ({ field, op: "in", values });
const notIn = (field: string, ...values: string[]) => ({ field, op: "not_in", values });

/**
 * A desk's rules, in the order they run: words in English and Chinese, tier,
 * channel, category, priority, type, language, company, tags, health,
 * business hours. The benchmark's tickets ("Bench ticket N" / "Created by the
 * benchmark run.", an inquiry in "technical" through the API by Emma Clarke of
 * Northwind Trading, a key account) match the four marked `matches` and no
 * other: two add a tag each, one raises the priority from normal to high, one
 * adds an internal note. The business-hours conditions come first in rules
 * whose other conditions never hold for them, so they are evaluated every
 * time but the match does not depend on the time of day.
 */
function desk(ids: Ids): RuleDef[] {
  const { category: c, team: t, officeHours } = ids;
  return [
    { name: "Refunds to Billing", match: "any", conditions: [words("refund*", "money back", "chargeback", "退款", "退钱"), isIn("category", c("refund"))], actions: [team(t("billing")), tags("refund")] },
    { name: "Invoices and receipts", conditions: [words("invoice*", "receipt*", "vat", "发票", "收据")], actions: [team(t("billing")), tags("invoice")] },
    { name: "Key accounts: tag", conditions: [isIn("tier", "key")], actions: [tags("key-account")], matches: true },
    { name: "Sign-in trouble", conditions: [words("password*", "log in", "login", "sign in", "2fa", "密码", "登录", "验证码")], actions: [tags("sign-in")] },
    {
      name: "Outages are urgent",
      conditions: [words("outage", "down", "not loading", "500 error", "宕机", "无法访问", "打不开")],
      actions: [priority("urgent"), tags("outage"), note("Possible outage: check the status page and #incidents before replying.")],
    },
    {
      name: "Key account complaints",
      conditions: [isIn("type", "complaint"), isIn("tier", "key")],
      actions: [priority("high"), note("Key account complaint: loop in the account manager."), { type: "notify", to: ["team"] }],
    },
    { name: "Chinese speakers to Care", conditions: [isIn("language", "zh-CN"), isIn("category", c("delivery"), c("product"), c("other"))], actions: [team(t("care")), tags("zh")] },
    { name: "Delivery problems", conditions: [words("deliver*", "shipping", "parcel", "tracking number", "快递", "物流", "配送")], actions: [team(t("care")), tags("delivery")] },
    { name: "Damaged goods", conditions: [words("damaged", "broken", "cracked", "损坏", "破损")], actions: [tags("damaged"), priority("high")] },
    {
      name: "Cancellation wording",
      conditions: [words("cancel*", "unsubscribe", "close my account", "terminate", "取消", "退订")],
      actions: [tags("churn-risk"), note("Cancellation wording: offer a call with the account manager.")],
    },
    { name: "Legal and privacy", conditions: [words("gdpr", "lawyer", "legal action", "data deletion", "privacy", "律师", "隐私")], actions: [tags("legal"), priority("high")] },
    { name: "Filed through the API", conditions: [isIn("channel", "api")], actions: [tags("via-api")], matches: true },
    { name: "Standard tier email: low", conditions: [isIn("channel", "email"), isIn("tier", "standard"), isIn("type", "inquiry")], actions: [priority("low")] },
    { name: "Growth tier: tag", conditions: [isIn("tier", "growth")], actions: [tags("growth")] },
    { name: "Standard tier complaints to Care", conditions: [isIn("tier", "standard"), isIn("type", "complaint")], actions: [team(t("care")), tags("complaint")] },
    {
      name: "Urgent after hours: on-call",
      conditions: [{ field: "business_hours", op: "outside", calendarId: officeHours }, isIn("priority", "urgent")],
      actions: [tags("after-hours"), note("Filed outside office hours: page the on-call engineer.")],
    },
    { name: "After-hours email", conditions: [{ field: "business_hours", op: "outside", calendarId: officeHours }, isIn("channel", "email")], actions: [tags("after-hours")] },
    {
      name: "Portal questions in office hours",
      conditions: [{ field: "business_hours", op: "within", calendarId: officeHours }, isIn("channel", "portal"), isIn("type", "inquiry")],
      actions: [tags("portal")],
    },
    { name: "Billing category to Billing", conditions: [isIn("category", c("billing")), notIn("team", t("billing"))], actions: [team(t("billing"))] },
    { name: "Account and sign-in: tag", conditions: [isIn("category", c("account"))], actions: [tags("account")] },
    { name: "Product feedback to Care", conditions: [isIn("category", c("product"))], actions: [team(t("care")), tags("feedback")] },
    {
      name: "Feature requests",
      conditions: [words("feature request", "would be nice", "please add", "suggestion", "建议", "希望增加")],
      actions: [tags("feature-request"), priority("low")],
    },
    {
      name: "Security reports",
      conditions: [words("security", "vulnerab*", "phishing", "hacked", "安全漏洞", "被盗")],
      actions: [
        tags("security"),
        priority("urgent"),
        team(t("technical")),
        note("Security report: follow the security runbook; share no details until it is triaged."),
      ],
    },
    {
      name: "Payment failures",
      conditions: [words("payment failed", "card declined", "declined", "charged twice", "double charge*", "支付失败", "扣款")],
      actions: [team(t("billing")), tags("payment"), priority("high")],
    },
    {
      name: "Key account technical issues: high",
      conditions: [isIn("category", c("technical"), c("account")), isIn("tier", "key"), isIn("priority", "low", "normal")],
      actions: [priority("high")],
      matches: true,
    },
    { name: "API and integrations", conditions: [words("api", "webhook*", "integration", "sdk", "接口")], actions: [tags("api")] },
    { name: "Mobile app", conditions: [words("ios", "android", "mobile app", "iphone", "手机", "app 闪退")], actions: [tags("mobile")] },
    { name: "Crashes", conditions: [words("crash*", "freez*", "闪退", "崩溃", "卡死")], actions: [tags("crash"), priority("high")] },
    { name: "Slow performance", conditions: [words("slow", "timeout", "timed out", "lagging", "很慢", "超时")], actions: [tags("performance")] },
    { name: "Data export", conditions: [words("export", "csv", "download my data", "导出")], actions: [tags("export")] },
    { name: "Returns and exchanges", conditions: [words("return*", "exchange", "退货", "换货")], actions: [team(t("care")), tags("return")] },
    { name: "Wrong item", conditions: [words("wrong item", "wrong size", "missing item", "发错", "少发")], actions: [team(t("care")), tags("wrong-item")] },
    { name: "Upset customers", conditions: [words("unacceptable", "terrible", "worst", "disappointed", "太差", "投诉", "失望")], actions: [tags("upset"), priority("high")] },
    { name: "Compliments", conditions: [words("thank you so much", "great service", "amazing", "谢谢", "太棒了")], actions: [tags("praise")] },
    {
      name: "Urgent and unassigned",
      conditions: [isIn("priority", "urgent"), isIn("assignee", "none")],
      actions: [{ type: "notify", to: ["team"] }, note("Urgent and unassigned: take it or hand it on within 15 minutes.")],
    },
    {
      name: "Critical health complaints",
      conditions: [isIn("health", "critical"), isIn("type", "complaint")],
      actions: [priority("urgent"), note("Customer health is critical: read the last three tickets before replying.")],
    },
    { name: "At-risk customers' complaints", conditions: [isIn("health", "at_risk"), isIn("type", "complaint")], actions: [tags("at-risk")] },
    { name: "Partner companies", conditions: [isIn("company", "Contoso Retail", "Fabrikam Studios")], actions: [tags("partner")] },
    {
      name: "Logistics partner billing",
      conditions: [isIn("company", "Huaxin Logistics (华信物流)", "Jincheng Travel (锦程旅行)"), isIn("category", c("billing"), c("refund"))],
      actions: [team(t("billing")), note("Partner account: invoices go through the partner portal.")],
    },
    {
      name: "Key account technical: note",
      conditions: [isIn("tier", "key"), isIn("category", c("technical")), isIn("type", "inquiry")],
      actions: [note("Key account: the contract promises a first response within 2 hours; mention the account manager in the reply.")],
      matches: true,
    },
    { name: "Chinese greetings to Care", conditions: [words("您好", "你好", "请问", "麻烦")], actions: [tags("zh"), team(t("care"))] },
    { name: "Spam", conditions: [words("viagra", "casino", "crypto giveaway", "seo services", "加微信")], actions: [tags("spam"), priority("low")] },
    { name: "Auto-replies", conditions: [words("out of office", "automatic reply", "auto-reply", "自动回复")], actions: [tags("auto-reply"), priority("low")] },
    { name: "Chinese email to Care", conditions: [isIn("channel", "email"), isIn("language", "zh-CN")], actions: [team(t("care"))] },
    { name: "Phone tickets", conditions: [isIn("channel", "agent")], actions: [tags("phone")] },
    {
      name: "Key account outage",
      conditions: [{ field: "tags", op: "has_all", values: ["key-account", "outage"] }],
      actions: [priority("urgent"), { type: "notify", to: ["team"] }],
    },
    {
      name: "Refund tag outside Billing",
      conditions: [{ field: "tags", op: "has_any", values: ["refund", "payment"] }, notIn("category", c("refund"), c("billing"))],
      actions: [team(t("billing"))],
    },
    { name: "Security tag: tell the team", conditions: [{ field: "tags", op: "has_any", values: ["security"] }], actions: [{ type: "notify", to: ["team"] }] },
    { name: "Low priority in Care", conditions: [isIn("priority", "low"), isIn("team", t("care"))], actions: [tags("backlog")] },
    {
      name: "No team: Customer Care triages",
      conditions: [isIn("team", "none")],
      actions: [team(t("care")), note("No team from the category: sent to Customer Care for triage.")],
    },
  ];
}

/** Monday to Friday, 9:00 to 18:00 in Shanghai, with the national holidays of the year. */
const OFFICE_HOURS = {
  name: "Bench: Shanghai office hours",
  timezone: "Asia/Shanghai",
  hours: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((day) => [day, [["09:00", "18:00"]]])),
  holidays: ["--01-01", "--05-01", "--10-01", "--10-02", "--10-03"],
};

async function api(http: HttpClient, method: string, path: string, token: string, body?: unknown) {
  const res = await http.request(method, path, {
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    keepBody: true,
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body || "null");
}

interface Member {
  id: string;
  name: string;
  availability: string;
  capacity: number | null;
}

export interface Routing {
  teamId: string;
  teamName: string;
  /** The rules' names that hold for the benchmark's tickets, in order. */
  matching: string[];
  members: Member[];
  /** Waiting tickets of the team when round-robin was switched on, and how long handing them out took. */
  switchOn: { assigned: number; seconds: number };
  /** The highest ticket number before the scenario: its tickets are the ones after it. */
  mark(): Promise<number>;
  /** Waits until the team has no waiting ticket left; the tickets after `mark`: what the rules and the assignment did. */
  untilAssigned(mark: number, scenarioEnded: number): Promise<RoutingResult>;
  /** Rules removed, the team, capacities and availability as they were. */
  undo(): Promise<void>;
}

export interface RoutingResult {
  rules: number;
  /** The machine's 1-minute load average as each of the two filing scenarios started (set by bench/run.ts). */
  loadAverage1m?: { without: number; with: number };
  /** Rules that hold for the benchmark's tickets, by design. */
  matchingRules: string[];
  /** The rules that ran on the scenario's tickets (its `ticket.rule_applied` events), with how many tickets each. */
  applied: { rule: string; tickets: number }[];
  /** The scenario's tickets (warm-up included), and how many of them show each rule's change. */
  tickets: number;
  changed: { highPriority: number; tagged: number; withNote: number };
  team: string;
  /** The team's members who took tickets, with how many each. */
  perAgent: { name: string; tickets: number }[];
  switchOn: { assigned: number; seconds: number };
  assignment: {
    assigned: number;
    /** Tickets of the team still waiting when the scenario ended. */
    waitingAtEnd: number;
    /** From the scenario's last response until no ticket of the team was waiting. */
    catchUpS: number;
    caughtUp: boolean;
    /** Still waiting at the timeout (0 when caught up). */
    waitingLeft: number;
    /** From filing (Ticket.createdAt) to the round-robin assignment (its event's time), over the scenario's tickets. */
    filingToAssignedP50Ms: number;
    filingToAssignedP95Ms: number;
    filingToAssignedMaxMs: number;
  };
}

async function waitingIn(db: pg.Client, teamId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "Ticket" WHERE "teamId" = $1 AND "assigneeId" IS NULL AND "status" IN (${ACTIVE_SQL})`,
    [teamId],
  );
  return rows[0].n;
}

/** Polls until the team has no waiting ticket or the timeout passes; the seconds from `since` and what is left. */
async function untilNoneWaiting(db: pg.Client, teamId: string, since: number): Promise<{ seconds: number; left: number }> {
  for (;;) {
    if (interrupt.aborted) throw new Error("interrupted");
    const left = await waitingIn(db, teamId);
    const seconds = (performance.now() - since) / 1000;
    if (left === 0 || seconds * 1000 > ASSIGNMENT_TIMEOUT_MS) return { seconds: round(seconds, 2), left };
    await sleep(POLL_MS);
  }
}

/**
 * Waits (up to `maxMs`) until the durable listeners have handled what was
 * written before: each one's backlog is 0, or has stayed the same for 6 s (a
 * listener that skips most events saves its position only every 5 s). Returns
 * the backlogs left, by listener, when some are not 0.
 */
export async function untilListenersIdle(databaseUrl: string, maxMs = 60_000): Promise<Record<string, number>> {
  const db = new pg.Client({ connectionString: databaseUrl, application_name: "bench-monitor" });
  await db.connect();
  try {
    const deadline = performance.now() + maxMs;
    const since = new Map<string, { backlog: number; at: number }>();
    for (;;) {
      if (interrupt.aborted) throw new Error("interrupted");
      const { rows } = await db.query<{ name: string; backlog: number }>(LISTENER_STATUS_SQL);
      const now = performance.now();
      const busy = rows.filter((r) => {
        const seen = since.get(r.name);
        if (!seen || seen.backlog !== r.backlog) since.set(r.name, { backlog: r.backlog, at: now });
        return r.backlog > 0 && now - (since.get(r.name)?.at ?? now) < 6_000;
      });
      if (busy.length === 0 || now > deadline) return Object.fromEntries(rows.filter((r) => r.backlog > 0).map((r) => [r.name, r.backlog]));
      await sleep(250);
    }
  } finally {
    await db.end();
  }
}

/**
 * Sets up the rules and round-robin for the team of category "technical"
 * (the benchmark's tickets), and waits until the team's waiting tickets (the
 * demo's and those of the scenario before) have been handed out, so the
 * scenario starts with nothing left to assign.
 */
export async function setUpRouting(http: HttpClient, adminToken: string, databaseUrl: string, log: (line: string) => void): Promise<Routing> {
  const db = new pg.Client({ connectionString: databaseUrl, application_name: "bench-routing" });
  // Held open across the scenario: a dropped connection fails its next query, not the whole process.
  db.on("error", (error) => log(`  routing monitor connection: ${error.message}`));
  await db.connect();
  const undo: (() => Promise<unknown>)[] = [];
  const undoAll = async () => {
    // In reverse, each step even when one before it failed.
    let first: unknown;
    for (const step of undo.reverse()) await step().catch((error) => (first ??= error));
    undo.length = 0;
    await db.end().catch(() => {});
    if (first) throw first;
  };
  try {
    const categories = (await api(http, "GET", "/api/v1/admin/categories", adminToken)).data as { id: string; key: string; teamId: string | null }[];
    const teams = (await api(http, "GET", "/api/v1/admin/teams", adminToken)).data as {
      id: string;
      key: string;
      name: string;
      assignmentMode: string;
      members: { id: string; name: string; availability: string }[];
    }[];
    const byKey = <T extends { key: string; id: string }>(list: T[], what: string) => (key: string) => {
      const found = list.find((x) => x.key === key);
      if (!found) throw new Error(`no ${what} "${key}" in the demo data`);
      return found.id;
    };
    const technical = categories.find((c) => c.key === "technical");
    const target = teams.find((t) => t.id === technical?.teamId);
    if (!target) throw new Error(`category "technical" routes to no team`);

    const calendar = await api(http, "POST", "/api/v1/sla/calendars", adminToken, OFFICE_HOURS);
    undo.push(() => api(http, "DELETE", `/api/v1/sla/calendars/${calendar.id}`, adminToken));
    const rules = desk({ category: byKey(categories, "category"), team: byKey(teams, "team"), officeHours: calendar.id });
    if (rules.length !== ROUTING_RULES) throw new Error(`${rules.length} rules defined, not ${ROUTING_RULES}`);
    for (const rule of rules) {
      const created = await api(http, "POST", "/api/v1/admin/rules", adminToken, {
        name: rule.name,
        enabled: true,
        onCreate: true,
        onUpdate: false,
        match: rule.match ?? "all",
        conditions: rule.conditions,
        actions: rule.actions,
      });
      undo.push(() => api(http, "DELETE", `/api/v1/admin/rules/${created.id}`, adminToken));
    }
    const matching = rules.filter((r) => r.matches).map((r) => r.name);
    log(`  ${rules.length} routing rules set up (${matching.length} hold for the benchmark's tickets: ${matching.join("; ")})`);

    // The team's agents: no capacity limit (through the API), online (by SQL: only an agent sets their own availability).
    const members: Member[] = [];
    for (const m of target.members) {
      const account = (await api(http, "GET", `/api/v1/admin/users/${m.id}`, adminToken)) as { capacity: number | null; role: string };
      members.push({ id: m.id, name: m.name, availability: m.availability, capacity: account.capacity });
      if (account.capacity !== null) {
        await api(http, "PATCH", `/api/v1/admin/users/${m.id}`, adminToken, { capacity: null });
        undo.push(() => api(http, "PATCH", `/api/v1/admin/users/${m.id}`, adminToken, { capacity: account.capacity }));
      }
    }
    await db.query(`UPDATE "User" SET "availability" = 'online' WHERE "id" = ANY($1::text[])`, [members.map((m) => m.id)]);
    undo.push(() =>
      db.query(
        `UPDATE "User" u SET "availability" = x."availability"::"Availability"
           FROM jsonb_to_recordset($1::jsonb) AS x("id" text, "availability" text) WHERE u."id" = x."id"`,
        [JSON.stringify(members.map((m) => ({ id: m.id, availability: m.availability })))],
      ),
    );

    const waiting = await waitingIn(db, target.id);
    const switched = performance.now();
    await api(http, "PATCH", `/api/v1/admin/teams/${target.id}`, adminToken, { assignmentMode: "round_robin" });
    undo.push(() => api(http, "PATCH", `/api/v1/admin/teams/${target.id}`, adminToken, { assignmentMode: target.assignmentMode }));
    const handedOut = await untilNoneWaiting(db, target.id, switched);
    if (handedOut.left > 0) throw new Error(`round-robin on: ${handedOut.left} of ${waiting} waiting tickets of ${target.name} still unassigned after ${handedOut.seconds} s`);
    log(`  round-robin on for ${target.name} (${members.map((m) => m.name).join(", ")}; online, no capacity limit): its ${waiting} waiting tickets assigned in ${handedOut.seconds} s`);

    return {
      teamId: target.id,
      teamName: target.name,
      matching,
      members,
      switchOn: { assigned: waiting, seconds: handedOut.seconds },
      async mark() {
        const { rows } = await db.query<{ n: number }>(`SELECT coalesce(max("number"), 0)::int AS n FROM "Ticket"`);
        return rows[0].n;
      },
      async untilAssigned(mark, scenarioEnded) {
        const waitingAtEnd = await waitingIn(db, target.id);
        const caught = await untilNoneWaiting(db, target.id, scenarioEnded);
        const scenario = `FROM "Ticket" t WHERE t."number" > $1`;
        const { rows: [counts] } = await db.query<{ tickets: number; assigned: number; high: number; tagged: number; noted: number }>(
          `SELECT count(*)::int AS tickets,
                  count(*) FILTER (WHERE t."assigneeId" IS NOT NULL)::int AS assigned,
                  count(*) FILTER (WHERE t."priority" = 'high')::int AS high,
                  count(*) FILTER (WHERE t."tags" @> ARRAY['key-account', 'via-api'])::int AS tagged,
                  count(*) FILTER (WHERE EXISTS (SELECT 1 FROM "Message" m WHERE m."ticketId" = t."id" AND m."kind" = 'internal'))::int AS noted
             ${scenario}`,
          [mark],
        );
        const { rows: applied } = await db.query<{ rule: string; tickets: number }>(
          `SELECT e."data"->>'name' AS rule, count(DISTINCT e."ticketId")::int AS tickets
             FROM "DomainEvent" e JOIN "Ticket" t ON t."id" = e."ticketId"
            WHERE t."number" > $1 AND e."type" = 'ticket.rule_applied'
            GROUP BY 1 ORDER BY 2 DESC, 1`,
          [mark],
        );
        const { rows: perAgent } = await db.query<{ name: string; tickets: number }>(
          `SELECT u."name", count(*)::int AS tickets FROM "Ticket" t JOIN "User" u ON u."id" = t."assigneeId"
            WHERE t."number" > $1 GROUP BY u."name" ORDER BY u."name"`,
          [mark],
        );
        const { rows: delays } = await db.query<{ ms: number }>(
          `SELECT extract(epoch FROM (e."at" - t."createdAt")) * 1000 AS ms
             FROM "Ticket" t JOIN "DomainEvent" e ON e."ticketId" = t."id"
            WHERE t."number" > $1 AND e."type" = 'ticket.assignee_changed' AND e."data"->'cause'->>'mode' = 'round_robin'`,
          [mark],
        );
        const ms = delays.map((d) => Number(d.ms)).sort((a, b) => a - b);
        return {
          rules: ROUTING_RULES,
          matchingRules: matching,
          applied,
          tickets: counts.tickets,
          changed: { highPriority: counts.high, tagged: counts.tagged, withNote: counts.noted },
          team: target.name,
          perAgent,
          switchOn: { assigned: waiting, seconds: handedOut.seconds },
          assignment: {
            assigned: counts.assigned,
            waitingAtEnd,
            catchUpS: caught.seconds,
            caughtUp: caught.left === 0,
            waitingLeft: caught.left,
            filingToAssignedP50Ms: round(percentile(ms, 50)),
            filingToAssignedP95Ms: round(percentile(ms, 95)),
            filingToAssignedMaxMs: round(ms[ms.length - 1] ?? NaN),
          },
        };
      },
      undo: undoAll,
    };
  } catch (error) {
    await undoAll().catch(() => {});
    throw error;
  }
}
