// SLA settings for supervisors: the policies in the order they are tried
// (moved up and down, turned on and off), the business calendars, and the
// progress of recomputing open tickets after a change.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { localName, type Locale } from "../i18n/config.ts";
import { formFailure, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { useDuration } from "../components/Sla.tsx";
import { db, latestRecompute, listCalendars, listPolicies, reorderPolicies, requirePermission, slaEditorOptions, updatePolicy } from "../services.server.ts";
import { PRIORITY_KEYS, TARGET_KEYS, periodsToText } from "../utils/sla-forms.ts";
import { WEEKDAYS } from "../../server/sla/weekdays.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "slaSettings.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "sla.manage");
  const [policies, calendars, options, recompute] = await Promise.all([
    listPolicies(db(), user),
    listCalendars(db(), user, { limit: 100 }),
    slaEditorOptions(db(), user),
    latestRecompute(db(), user),
  ]);
  return { policies, calendars: calendars.items, options, recompute };
}

const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("move"), id: z.string(), to: z.coerce.number().int() }),
  z.object({ intent: z.literal("toggle"), id: z.string(), enabled: z.enum(["true", "false"]) }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const user = await requirePermission(request, "sla.manage");
  const form = await readForm(request);
  try {
    const input = Intent.safeParse(Object.fromEntries(form));
    if (!input.success) throw new Response("errors.validation", { status: 400 });
    if (input.data.intent === "toggle") {
      await updatePolicy(db(), user, input.data.id, { enabled: input.data.enabled === "true" });
    } else {
      const ids = (await listPolicies(db(), user)).map((p) => p.id);
      const from = ids.indexOf(input.data.id);
      if (from >= 0) {
        ids.splice(from, 1);
        ids.splice(Math.max(0, Math.min(ids.length, input.data.to)), 0, input.data.id);
        await reorderPolicies(db(), user, { ids });
      }
    }
    return { ok: true as const };
  } catch (error) {
    return formFailure(error, form);
  }
}

export default function SlaSettings() {
  const { policies, calendars, options, recompute } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t, language } = useT();
  const fmt = useTimeFormat();
  const duration = useDuration();
  const locale = language as Locale;
  const calendarName = (id: string) => options.calendars.find((c) => c.id === id)?.name ?? "—";
  const names = {
    categories: new Map(options.categories.map((c) => [c.id, localName(c, locale)])),
    teams: new Map(options.teams.map((x) => [x.id, x.name])),
  };
  const conditions = (p: (typeof policies)[number]) => {
    const parts = [
      ...(p.types.length ? [p.types.map((x) => t(`ticket.type.${x}`)).join(" / ")] : []),
      ...(p.priorities.length ? [p.priorities.map((x) => t(`ticket.priority.${x}`)).join(" / ")] : []),
      ...(p.tiers.length ? [p.tiers.map((x) => t(`ticket.tier.${x}`)).join(" / ")] : []),
      ...(p.channels.length ? [p.channels.map((x) => t(`ticket.channel.${x}`)).join(" / ")] : []),
      ...(p.categoryIds.length ? [p.categoryIds.map((x) => names.categories.get(x) ?? "?").join(" / ")] : []),
      ...(p.teamIds.length ? [p.teamIds.map((x) => names.teams.get(x) ?? "?").join(" / ")] : []),
    ];
    return parts.length ? parts.join(" · ") : t("slaSettings.everyTicket");
  };
  const targetSummary = (p: (typeof policies)[number]) => {
    const of = (priority: (typeof PRIORITY_KEYS)[number]) =>
      TARGET_KEYS.filter((x) => p.targets[priority]?.[x])
        .map((x) => {
          const spec = p.targets[priority]![x]!;
          return `${t(`sla.short.${x}`)} ${duration(spec.minutes)}${spec.business ? ` ${t("slaSettings.businessShort")}` : ""}`;
        })
        .join(", ");
    const set = PRIORITY_KEYS.filter((priority) => of(priority));
    if (set.length === 0) return t("slaSettings.noTargets");
    // The same targets for every priority read once.
    if (set.length === PRIORITY_KEYS.length && set.every((priority) => of(priority) === of("low"))) return `${t("slaSettings.allPriorities")}: ${of("low")}`;
    return set.map((priority) => `${t(`ticket.priority.${priority}`)}: ${of(priority)}`).join(" · ");
  };

  return (
    <div className="page wide">
      <div className="page-head">
        <div>
          <h1>{t("slaSettings.title")}</h1>
          <p className="lead">{t("slaSettings.lead")}</p>
        </div>
        <Link to="/supervisor/sla/policies/new" className="btn">
          {t("slaSettings.newPolicy")}
        </Link>
      </div>
      {result && !result.ok && <FormError messageKey={result.formError} />}
      {recompute && (
        <p className="notice" role="status" data-testid="recompute">
          {recompute.finishedAt
            ? t("slaSettings.recomputed", { count: recompute.changed, time: fmt.dateTime(recompute.finishedAt) })
            : t("slaSettings.recomputing", { done: Math.min(recompute.done, recompute.total), total: recompute.total })}
        </p>
      )}

      <section className="card">
        <h2>{t("slaSettings.policies")}</h2>
        <p className="muted small">{t("slaSettings.policiesLead")}</p>
        <ol className="policy-list" data-testid="policies">
          {policies.map((p, i) => (
            <li key={p.id} className={p.enabled ? undefined : "disabled"} data-policy={p.name}>
              <div className="policy-main">
                <Link to={`/supervisor/sla/policies/${p.id}`} className="ticket-link">
                  {p.name}
                </Link>
                {!p.enabled && <span className="badge">{t("slaSettings.off")}</span>}
                <div className="muted small">
                  {conditions(p)} · {calendarName(p.calendarId)}
                  {p.escalations.length > 0 && ` · ${t("slaSettings.levels", { count: p.escalations.length })}`}
                </div>
                <div className="small">{targetSummary(p)}</div>
              </div>
              <div className="policy-actions">
                <Form method="post">
                  <input type="hidden" name="id" value={p.id} />
                  <input type="hidden" name="enabled" value={String(!p.enabled)} />
                  <button type="submit" name="intent" value="toggle" className="btn-link small">
                    {p.enabled ? t("slaSettings.turnOff") : t("slaSettings.turnOn")}
                  </button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="id" value={p.id} />
                  <input type="hidden" name="to" value={i - 1} />
                  <button type="submit" name="intent" value="move" className="btn-link" disabled={i === 0} aria-label={t("slaSettings.moveUp", { name: p.name })}>
                    ↑
                  </button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="id" value={p.id} />
                  <input type="hidden" name="to" value={i + 1} />
                  <button
                    type="submit"
                    name="intent"
                    value="move"
                    className="btn-link"
                    disabled={i === policies.length - 1}
                    aria-label={t("slaSettings.moveDown", { name: p.name })}
                  >
                    ↓
                  </button>
                </Form>
              </div>
            </li>
          ))}
        </ol>
      </section>

      <section className="card">
        <div className="page-head">
          <h2>{t("slaSettings.calendars")}</h2>
          <Link to="/supervisor/sla/calendars/new" className="btn btn-small">
            {t("slaSettings.newCalendar")}
          </Link>
        </div>
        <ul className="policy-list" data-testid="calendars">
          {calendars.map((c) => (
            <li key={c.id}>
              <div className="policy-main">
                {c.builtIn ? (
                  <strong>{c.name}</strong>
                ) : (
                  <Link to={`/supervisor/sla/calendars/${c.id}`} className="ticket-link">
                    {c.name}
                  </Link>
                )}
                <div className="muted small">
                  {c.builtIn
                    ? t("slaSettings.alwaysOpen")
                    : `${c.timezone} · ${WEEKDAYS.filter((d) => c.hours[d]?.length)
                        .map((d) => `${t(`weekdays.${d}`)} ${periodsToText(c.hours[d])}`)
                        .join("; ")}`}
                  {c.holidays.length > 0 && ` · ${t("slaSettings.holidayCount", { count: c.holidays.length })}`}
                </div>
              </div>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
