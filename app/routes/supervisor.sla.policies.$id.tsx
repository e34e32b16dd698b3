// Setting up one SLA policy (or a new one, at /new): which tickets it applies
// to, its calendar and pauses, when a target counts as at risk, the targets
// per priority, and its escalation levels; with a preview of the due times a
// ticket filed at a given moment would get. Works without JavaScript.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import { CheckGroup, Field, FieldErrors, FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { localName, type Locale } from "../i18n/config.ts";
import { asResponse, formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { timeZoneFromRequest } from "../utils/format.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { ESCALATION_RECIPIENTS } from "../../server/sla/policy.ts";
import { errorsFor, NEW_LEVEL_ROWS, policyFromForm, PRIORITY_KEYS, TARGET_KEYS } from "../utils/sla-forms.ts";
import {
  ALWAYS_OPEN_CALENDAR_ID,
  createPolicy,
  db,
  deletePolicy,
  DomainError,
  getPolicy,
  previewDueTime,
  requirePermission,
  slaEditorOptions,
  updatePolicy,
} from "../services.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, data?.policy ? null : "slaSettings.newPolicy", data?.policy?.name);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "sla.manage");
  const [policy, options] = await Promise.all([
    params.id === "new" ? null : getPolicy(db(), user, z.uuid().catch("").parse(params.id)).catch(asResponse),
    slaEditorOptions(db(), user),
  ]);
  // The preview starts at this minute, on the supervisor's clock.
  const previewAt = Temporal.Now.zonedDateTimeISO(timeZoneFromRequest(request)).toPlainDateTime().toString({ smallestUnit: "minute" });
  return { policy, options, defaults: { calendarId: ALWAYS_OPEN_CALENDAR_ID, previewAt } };
}

/** The form's multi-valued fields (checkbox groups), to show them again as they were ticked. */
function listsOf(form: FormData): Record<string, string[]> {
  const names = new Set([...form.keys()].filter((k) => form.getAll(k).length > 1 || ["types", "priorities", "tiers", "channels", "categoryIds", "teamIds"].includes(k) || k.endsWith(".notify")));
  return Object.fromEntries([...names].map((k) => [k, form.getAll(k).map(String)]));
}

/** The moment a supervisor typed (local wall time in their time zone) as an instant. */
function instantFrom(local: string, timeZone: string): string | null {
  try {
    return Temporal.PlainDateTime.from(local).toZonedDateTime(timeZone).toInstant().toString();
  } catch {
    return null;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "sla.manage");
  const form = await readForm(request);
  const intent = form.get("intent");
  const id = params.id === "new" ? null : z.uuid().catch("").parse(params.id);
  try {
    if (intent === "delete" && id) {
      await deletePolicy(db(), user, id);
      return redirect("/supervisor/sla");
    }
    const policy = policyFromForm(form);
    if (intent === "preview") {
      // The due times of a ticket filed then, under what the form says now (saved or not).
      const start = instantFrom(String(form.get("previewAt") ?? ""), timeZoneFromRequest(request));
      if (!start) throw new DomainError("validation_failed", "errors.validation", { previewAt: ["validation.instant"] });
      const priority = z.enum(PRIORITY_KEYS).catch("normal").parse(form.get("previewPriority"));
      const due: { target: string; dueAt: string }[] = [];
      for (const target of TARGET_KEYS) {
        const spec = policy.targets[priority]?.[target];
        if (!spec || spec.minutes === undefined) continue;
        const calendar = spec.business ? policy.calendarId : ALWAYS_OPEN_CALENDAR_ID;
        const { dueAt } = await previewDueTime(db(), user, { calendar, start, minutes: spec.minutes }).catch((error) => {
          // A field error of the preview belongs to this target's minutes or to the calendar.
          if (error instanceof DomainError && error.details) {
            throw new DomainError("validation_failed", "errors.validation", { [`targets.${priority}.${target}.minutes`]: Object.values(error.details).flat() });
          }
          throw error;
        });
        due.push({ target, dueAt });
      }
      return { ok: true as const, preview: { priority, start, due }, values: Object.fromEntries(form) as Record<string, string>, lists: listsOf(form) };
    }
    if (id) await updatePolicy(db(), user, id, policy);
    else await createPolicy(db(), user, policy);
    return redirect("/supervisor/sla");
  } catch (error) {
    if (error instanceof DomainError && error.code === "not_found") throw asResponse(error);
    if (!(error instanceof DomainError)) throw error;
    return data({ ...formFailureBody(error, form), lists: listsOf(form) }, { status: error.status });
  }
}

const CONDITIONS = {
  types: ["complaint", "inquiry"],
  priorities: ["low", "normal", "high", "urgent"],
  tiers: ["key", "growth", "standard"],
  channels: ["portal", "email", "api", "agent"],
} as const;
const CONDITION_LABEL = { types: "ticket.type", priorities: "ticket.priority", tiers: "ticket.tier", channels: "ticket.channel" } as const;

/** A condition as boxes to tick (none ticked: any value). */
/** A choice that may be left empty ("—"). */
function OptionalSelect({ label, name, value, choices }: { label: string; name: string; value: string; choices: { id: string; name: string }[] }) {
  return (
    <label>
      {label}{" "}
      <select name={name} defaultValue={value}>
        <option value="">—</option>
        {choices.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.name}
          </option>
        ))}
      </select>
    </label>
  );
}

export default function PolicyEditor() {
  const { policy, options, defaults } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, language } = useT();
  const fmt = useTimeFormat();
  const locale = language as Locale;
  const errors = result && !result.ok ? result.fieldErrors : undefined;
  // After a refused save or a preview, the form shows what was typed; otherwise the stored policy.
  const typed = result && "values" in result ? result.values : undefined;
  const typedLists = result && "lists" in result ? result.lists : undefined;
  const value = (name: string, stored: string | number | null | undefined) => (typed ? (typed[name] ?? "") : (stored ?? "")).toString();
  const checked = (name: string, on: boolean) => (typed ? typed[name] === "on" : on);
  const listed = (name: string, stored: readonly string[], item: string) => (typed ? !!typedLists?.[name]?.includes(item) : stored.includes(item));
  const levels = [...(policy?.escalations ?? []), ...Array.from({ length: NEW_LEVEL_ROWS }, () => null)];
  const busy = navigation.state === "submitting";
  const preview = result && result.ok && "preview" in result ? result.preview : null;
  const atRiskMode = value("atRiskMode", policy?.atRiskMinutesBefore == null ? "share" : "before");

  return (
    <div className="page">
      <p>
        <Link to="/supervisor/sla">← {t("slaSettings.title")}</Link>
      </p>
      <h1>{policy ? policy.name : t("slaSettings.newPolicy")}</h1>
      {errors && <FormError messageKey={result && !result.ok ? result.formError : undefined} />}
      <Form method="post" className="stack policy-form" noValidate>
        <section className="card">
          <Field name="name" label={t("slaSettings.name")} errors={errorsFor(errors, "name")}>
            <input id="name" name="name" defaultValue={value("name", policy?.name)} maxLength={80} required />
          </Field>
          <label className="check">
            <input type="checkbox" name="enabled" defaultChecked={checked("enabled", policy?.enabled ?? true)} /> {t("slaSettings.enabled")}
          </label>
        </section>

        <section className="card">
          <h2>{t("slaSettings.appliesTo")}</h2>
          <p className="muted small">{t("slaSettings.appliesToLead")}</p>
          {(Object.keys(CONDITIONS) as (keyof typeof CONDITIONS)[]).map((field) => (
            <CheckGroup
              key={field}
              name={field}
              legend={t(`slaSettings.conditions.${field}`)}
              choices={CONDITIONS[field].map((item) => ({ id: item, name: t(`${CONDITION_LABEL[field]}.${item}`) }))}
              isChecked={(item) => listed(field, policy?.[field] ?? [], item)}
              errors={errorsFor(errors, field)}
            />
          ))}
          <CheckGroup
            name="categoryIds"
            legend={t("slaSettings.conditions.categoryIds")}
            choices={options.categories.map((c) => ({ id: c.id, name: localName(c, locale) }))}
            isChecked={(id) => listed("categoryIds", policy?.categoryIds ?? [], id)}
            errors={errorsFor(errors, "categoryIds")}
          />
          <CheckGroup
            name="teamIds"
            legend={t("slaSettings.conditions.teamIds")}
            choices={options.teams}
            isChecked={(id) => listed("teamIds", policy?.teamIds ?? [], id)}
            errors={errorsFor(errors, "teamIds")}
          />
        </section>

        <section className="card">
          <h2>{t("slaSettings.clock")}</h2>
          <Field name="calendarId" label={t("slaSettings.calendar")} errors={errorsFor(errors, "calendarId")} hint={t("slaSettings.calendarHint")}>
            <select id="calendarId" name="calendarId" defaultValue={value("calendarId", policy?.calendarId ?? defaults.calendarId)}>
              {options.calendars.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.timezone})
                </option>
              ))}
            </select>
          </Field>
          <label className="check">
            <input type="checkbox" name="pauseOnHold" defaultChecked={checked("pauseOnHold", policy?.pauseOnHold ?? false)} /> {t("slaSettings.pauseOnHold")}
          </label>
          <fieldset className="field">
            <legend>{t("slaSettings.atRisk")}</legend>
            <label className="check">
              <input type="radio" name="atRiskMode" value="share" defaultChecked={atRiskMode === "share"} />{" "}
              {t("slaSettings.atRiskShare")}{" "}
              <input
                className="narrow"
                name="atRiskPercent"
                inputMode="numeric"
                aria-label={t("slaSettings.atRiskPercent")}
                defaultValue={value("atRiskPercent", Math.round((policy?.atRiskShare ?? 0.75) * 100))}
              />{" "}
              %
            </label>
            <label className="check">
              <input type="radio" name="atRiskMode" value="before" defaultChecked={atRiskMode === "before"} />{" "}
              {t("slaSettings.atRiskBefore")}{" "}
              <input
                className="narrow"
                name="atRiskMinutesBefore"
                inputMode="numeric"
                aria-label={t("slaSettings.atRiskMinutes")}
                defaultValue={value("atRiskMinutesBefore", policy?.atRiskMinutesBefore ?? "")}
              />{" "}
              {t("slaSettings.minutesBeforeDue")}
            </label>
            <FieldErrors keys={[...(errorsFor(errors, "atRiskShare") ?? []), ...(errorsFor(errors, "atRiskMinutesBefore") ?? [])]} />
          </fieldset>
        </section>

        <section className="card">
          <h2>{t("slaSettings.targets")}</h2>
          <p className="muted small">{t("slaSettings.targetsLead")}</p>
          <div className="table-scroll">
            <table className="compact targets-grid">
              <thead>
                <tr>
                  <th>{t("agent.columns.priority")}</th>
                  {TARGET_KEYS.map((target) => (
                    <th key={target}>{t(`sla.target.${target}`)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {PRIORITY_KEYS.map((priority) => (
                  <tr key={priority}>
                    <th scope="row">{t(`ticket.priority.${priority}`)}</th>
                    {TARGET_KEYS.map((target) => {
                      const name = `targets.${priority}.${target}`;
                      const spec = policy?.targets[priority]?.[target];
                      const fieldErrors = errorsFor(errors, name);
                      return (
                        <td key={target} className={fieldErrors ? "has-error" : undefined}>
                          <input
                            name={`${name}.minutes`}
                            inputMode="numeric"
                            className="narrow"
                            aria-label={`${t(`ticket.priority.${priority}`)} · ${t(`sla.target.${target}`)} (${t("slaSettings.minutes")})`}
                            defaultValue={value(`${name}.minutes`, spec?.minutes)}
                            placeholder="—"
                          />{" "}
                          <span className="muted small">{t("slaSettings.min")}</span>
                          <label className="check-inline small">
                            <input type="checkbox" name={`${name}.business`} defaultChecked={checked(`${name}.business`, spec?.business ?? false)} /> {t("slaSettings.business")}
                          </label>
                          <FieldErrors keys={fieldErrors} />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>

        <section className="card">
          <h2>{t("slaSettings.escalations")}</h2>
          <p className="muted small">{t("slaSettings.escalationsLead")}</p>
          {levels.map((level, i) => {
            const name = (field: string) => `escalations.${i}.${field}`;
            const on = value(name("on"), level?.on ?? "");
            return (
              <fieldset key={i} className="level" data-level={i}>
                <legend>{level ? t("slaSettings.level", { n: i + 1 }) : t("slaSettings.newLevel")}</legend>
                <div className="level-row">
                  <label>
                    {t("slaSettings.when")}{" "}
                    <select name={name("on")} defaultValue={on}>
                      <option value="">{level ? t("slaSettings.removeLevel") : t("slaSettings.noLevel")}</option>
                      <option value="at_risk">{t("slaSettings.onAtRisk")}</option>
                      <option value="breached">{t("slaSettings.onBreached")}</option>
                    </select>
                  </label>
                  <label>
                    {t("slaSettings.afterMinutes")}{" "}
                    <input name={name("afterMinutes")} className="narrow" inputMode="numeric" defaultValue={value(name("afterMinutes"), level?.afterMinutes ?? 0)} />
                  </label>
                </div>
                <div className="level-row">
                  <span>{t("slaSettings.notify")}</span>
                  {ESCALATION_RECIPIENTS.map((who) => (
                    <label key={who} className="check-inline">
                      <input type="checkbox" name={name("notify")} value={who} defaultChecked={listed(name("notify"), level?.notify ?? [], who)} /> {t(`slaSettings.notifyWho.${who}`)}
                    </label>
                  ))}
                </div>
                <div className="level-row">
                  <OptionalSelect
                    label={t("slaSettings.raisePriorityTo")}
                    name={name("raisePriorityTo")}
                    value={value(name("raisePriorityTo"), level?.raisePriorityTo ?? "")}
                    choices={PRIORITY_KEYS.map((p) => ({ id: p, name: t(`ticket.priority.${p}`) }))}
                  />
                  <OptionalSelect
                    label={t("slaSettings.assignTeam")}
                    name={name("assignTeamId")}
                    value={value(name("assignTeamId"), level?.assignTeamId ?? "")}
                    choices={options.teams}
                  />
                  <OptionalSelect
                    label={t("slaSettings.assignAgent")}
                    name={name("assignAgentId")}
                    value={value(name("assignAgentId"), level?.assignAgentId ?? "")}
                    choices={options.agents}
                  />
                  <label>
                    {t("slaSettings.addTags")}{" "}
                    <input name={name("addTags")} defaultValue={value(name("addTags"), level?.addTags.join(", "))} />
                  </label>
                </div>
                <FieldErrors keys={errorsFor(errors, `escalations.${i}`)} />
              </fieldset>
            );
          })}
        </section>

        <section className="card" data-testid="policy-preview">
          <h2>{t("slaSettings.preview")}</h2>
          <div className="level-row">
            <label>
              {t("slaSettings.previewPriority")}{" "}
              <select name="previewPriority" defaultValue={value("previewPriority", "normal")}>
                {PRIORITY_KEYS.map((p) => (
                  <option key={p} value={p}>
                    {t(`ticket.priority.${p}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("slaSettings.previewAt")} <input type="datetime-local" name="previewAt" defaultValue={value("previewAt", defaults.previewAt)} />
            </label>
            <button type="submit" name="intent" value="preview" className="btn btn-secondary" disabled={busy}>
              {t("slaSettings.showDue")}
            </button>
          </div>
          <FieldErrors keys={errorsFor(errors, "previewAt")} />
          {preview && (
            <ul className="preview-list" role="status">
              {preview.due.length === 0 && <li>{t("slaSettings.noTargetsFor", { priority: t(`ticket.priority.${preview.priority}`) })}</li>}
              {preview.due.map((d) => (
                <li key={d.target} data-target={d.target}>
                  {t(`sla.target.${d.target}`)}: <strong>{fmt.dateTime(d.dueAt)}</strong>
                </li>
              ))}
            </ul>
          )}
        </section>

        <div className="form-actions">
          <button type="submit" name="intent" value="save" className="btn" disabled={busy}>
            {policy ? t("slaSettings.save") : t("slaSettings.create")}
          </button>
          {policy && (
            <button type="submit" name="intent" value="delete" className="btn-link" formNoValidate>
              {t("slaSettings.delete")}
            </button>
          )}
        </div>
      </Form>
    </div>
  );
}
