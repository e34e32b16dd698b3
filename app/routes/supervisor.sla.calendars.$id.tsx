// Setting up a business calendar (or a new one, at /new): time zone, open
// periods per weekday (several a day, "24:00" for the end of the day, a
// period past midnight belongs to the day it starts), holidays (a date, or
// "--MM-DD" every year); with a preview of when N business minutes from a
// given moment run out. Works without JavaScript.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import { Field, FieldErrors, FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { asResponse, formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useTimeFormat } from "../utils/time.tsx";
import { calendarFromForm, errorsFor, periodsToText } from "../utils/sla-forms.ts";
import { WEEKDAYS } from "../../server/sla/weekdays.ts";
import { createCalendar, db, deleteCalendar, DomainError, getCalendar, previewDueTime, requirePermission, updateCalendar } from "../services.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, data?.calendar ? null : "slaSettings.newCalendar", data?.calendar?.name);

/** Zones the runtime knows, for the time zone field's suggestions. */
const ZONES = Intl.supportedValuesOf("timeZone");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "sla.manage");
  const calendar = params.id === "new" ? null : await getCalendar(db(), user, z.uuid().catch("").parse(params.id)).catch(asResponse);
  if (calendar?.builtIn) throw redirect("/supervisor/sla");
  const zone = calendar?.timezone ?? "UTC";
  return {
    calendar,
    zones: ZONES,
    previewAt: Temporal.Now.zonedDateTimeISO(zone).toPlainDateTime().toString({ smallestUnit: "minute" }),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "sla.manage");
  const form = await readForm(request);
  const intent = form.get("intent");
  const id = params.id === "new" ? null : z.uuid().catch("").parse(params.id);
  try {
    if (intent === "delete" && id) {
      await deleteCalendar(db(), user, id);
      return redirect("/supervisor/sla");
    }
    const { name, ...calendar } = calendarFromForm(form);
    if (intent === "preview") {
      // The moment is a wall time in the calendar's own zone.
      let start: string;
      try {
        start = Temporal.PlainDateTime.from(String(form.get("previewAt"))).toZonedDateTime(calendar.timezone).toString({ timeZoneName: "never" });
      } catch {
        throw new DomainError("validation_failed", "errors.validation", { previewAt: ["validation.instant"] });
      }
      const minutes = Number(form.get("previewMinutes"));
      const { dueAt } = await previewDueTime(db(), user, { calendar, start, minutes }).catch((error) => {
        // The preview names the calendar's fields inside "calendar."; the form names them plainly.
        if (error instanceof DomainError && error.details) {
          const details = Object.fromEntries(Object.entries(error.details).map(([k, v]) => [k === "minutes" ? "previewMinutes" : k === "start" ? "previewAt" : k.replace(/^calendar\.?/, "") || "hours", v]));
          throw new DomainError("validation_failed", "errors.validation", details);
        }
        throw error;
      });
      return { ok: true as const, preview: { start, dueAt }, values: Object.fromEntries(form) as Record<string, string> };
    }
    if (id) await updateCalendar(db(), user, id, { name, ...calendar });
    else await createCalendar(db(), user, { name, ...calendar });
    return redirect("/supervisor/sla");
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === "not_found") throw asResponse(error);
    return data(formFailureBody(error, form), { status: error.status });
  }
}

export default function CalendarEditor() {
  const { calendar, zones, previewAt } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();
  const fmt = useTimeFormat();
  const errors = result && !result.ok ? result.fieldErrors : undefined;
  const typed = result && "values" in result ? result.values : undefined;
  const value = (name: string, stored: string | undefined) => (typed ? (typed[name] ?? "") : (stored ?? ""));
  const busy = navigation.state === "submitting";
  const preview = result && result.ok ? result.preview : null;

  return (
    <div className="page">
      <p>
        <Link to="/supervisor/sla">← {t("slaSettings.title")}</Link>
      </p>
      <h1>{calendar ? calendar.name : t("slaSettings.newCalendar")}</h1>
      {errors && <FormError messageKey={result && !result.ok ? result.formError : undefined} />}
      <Form method="post" className="stack" noValidate>
        <section className="card">
          <Field name="name" label={t("slaSettings.name")} errors={errorsFor(errors, "name")}>
            <input id="name" name="name" defaultValue={value("name", calendar?.name)} maxLength={80} required />
          </Field>
          <Field name="timezone" label={t("slaSettings.timezone")} errors={errorsFor(errors, "timezone")} hint={t("slaSettings.timezoneHint")}>
            <input id="timezone" name="timezone" list="zones" defaultValue={value("timezone", calendar?.timezone ?? "Asia/Shanghai")} autoComplete="off" />
          </Field>
          <datalist id="zones">
            {zones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </section>

        <section className="card">
          <h2>{t("slaSettings.openHours")}</h2>
          <p className="muted small">{t("slaSettings.openHoursLead")}</p>
          {/* An error of the week as a whole (no open hours at all); a day's own errors show at the day. */}
          {!WEEKDAYS.some((day) => errorsFor(errors, `hours.${day}`)) && <FieldErrors keys={errorsFor(errors, "hours")} />}
          <div className="hours-grid">
            {WEEKDAYS.map((day) => (
              <Field key={day} name={`hours.${day}`} label={t(`weekdays.${day}`)} errors={errorsFor(errors, `hours.${day}`)}>
                <input
                  id={`hours.${day}`}
                  name={`hours.${day}`}
                  defaultValue={value(`hours.${day}`, calendar ? periodsToText(calendar.hours[day]) : ["sat", "sun"].includes(day) ? "" : "09:00-18:00")}
                  placeholder={t("slaSettings.closed")}
                />
              </Field>
            ))}
          </div>
        </section>

        <section className="card">
          <Field name="holidays" label={t("slaSettings.holidays")} errors={errorsFor(errors, "holidays")} hint={t("slaSettings.holidaysHint")}>
            <textarea id="holidays" name="holidays" rows={4} defaultValue={value("holidays", calendar?.holidays.join("\n"))} />
          </Field>
        </section>

        <section className="card" data-testid="calendar-preview">
          <h2>{t("slaSettings.preview")}</h2>
          <div className="level-row">
            <label>
              {t("slaSettings.previewAtLocal")} <input type="datetime-local" name="previewAt" defaultValue={value("previewAt", previewAt)} />
            </label>
            <label>
              {t("slaSettings.plus")} <input name="previewMinutes" className="narrow" inputMode="numeric" defaultValue={value("previewMinutes", "240")} />{" "}
              {t("slaSettings.businessMinutes")}
            </label>
            <button type="submit" name="intent" value="preview" className="btn btn-secondary" disabled={busy}>
              {t("slaSettings.showDue")}
            </button>
          </div>
          <FieldErrors keys={[...(errorsFor(errors, "previewAt") ?? []), ...(errorsFor(errors, "previewMinutes") ?? [])]} />
          {preview && (
            <p role="status" data-testid="calendar-due">
              {t("slaSettings.dueAtLocal", { time: preview.dueAt.replace("T", " ").slice(0, 16), zone: preview.dueAt.slice(19) || "Z" })}{" "}
              <span className="muted">({fmt.dateTime(preview.dueAt)})</span>
            </p>
          )}
        </section>

        <div className="form-actions">
          <button type="submit" name="intent" value="save" className="btn" disabled={busy}>
            {calendar ? t("slaSettings.save") : t("slaSettings.create")}
          </button>
          {calendar && (
            <button type="submit" name="intent" value="delete" className="btn-link">
              {t("slaSettings.delete")}
            </button>
          )}
        </div>
      </Form>
    </div>
  );
}
