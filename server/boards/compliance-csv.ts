// SLA compliance as CSV, for a spreadsheet: one row per day, team, agent,
// policy and target with how many fell due and how many were met on time.
// A download of data: it needs "data.export" and is recorded in the audit log.
import type { Tx } from "../db/client.ts";
import { assertCan, type AuthUser } from "../auth/policy.ts";
import { recordExport } from "../audit/service.ts";
import { csvLines } from "../csv.ts";
import { slaCompliance } from "./service.ts";

export async function slaComplianceCsv(db: Tx, user: AuthUser, raw: unknown, from: { ip: string | null }, now = new Date()) {
  assertCan(user, "data.export");
  const report = await slaCompliance(db, user, raw, now);
  const csv = csvLines(
    report.rows.map((r) => ({ ...r, onTime: r.due ? (r.met / r.due).toFixed(4) : "" })),
    [
      { key: "day", header: "day" },
      { key: "team", header: "team" },
      { key: "agent", header: "agent" },
      { key: "policy", header: "policy" },
      { key: "target", header: "target" },
      { key: "due", header: "due" },
      { key: "met", header: "met_on_time" },
      { key: "onTime", header: "share_on_time" },
    ],
  );
  await recordExport(
    db,
    user,
    { name: "sla-compliance", filter: { from: report.from, to: report.to, timeZone: report.timeZone }, rows: report.rows.length },
    from,
  );
  return { filename: `sla-compliance-${report.from}-${report.to}.csv`, csv };
}
