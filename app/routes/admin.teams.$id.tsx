// Setting up a team (or a new one, at /new): name and key, members, and how
// its tickets find an agent (manual, round-robin, least-loaded; by skills).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { CheckGroup, Field, FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { checked, flag, text } from "../utils/admin-forms.ts";
import { asResponse, formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { createTeam, db, deleteTeam, DomainError, getTeam, listUsers, requirePermission, updateTeam, can } from "../services.server.ts";
import { ASSIGNMENT_MODES } from "../../server/admin/assignment-modes.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, data?.team ? null : "adminTeams.new", data?.team?.name);

const idOf = (param: string | undefined) => (param === "new" ? null : z.uuid().catch("00000000-0000-0000-0000-000000000000").parse(param));

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "teams.manage");
  const id = idOf(params.id);
  const team = id ? await getTeam(db(), user, id).catch(asResponse) : null;
  // Everyone on the staff may be a member; listing them needs users.manage, else only the members are shown.
  const staff = can(user, "users.manage") ? (await listUsers(db(), user, { status: "active", limit: 100 })).items.map((u) => ({ id: u.id, name: u.name })) : [];
  const members = team?.members.map((m) => ({ id: m.id, name: m.name })) ?? [];
  const people = [...new Map([...staff, ...members].map((p) => [p.id, p])).values()].sort((a, b) => a.name.localeCompare(b.name));
  return { team, people };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "teams.manage");
  const form = await readForm(request);
  const id = idOf(params.id);
  const from = { ip: context.clientIp };
  try {
    if (form.get("intent") === "delete" && id) {
      await deleteTeam(db(), user, id, from);
      return redirect("/admin/teams");
    }
    const input = {
      name: text(form, "name"),
      key: text(form, "key"),
      assignmentMode: text(form, "assignmentMode"),
      assignBySkills: flag(form, "assignBySkills"),
      memberIds: checked(form, "memberIds"),
    };
    if (id) await updateTeam(db(), user, id, input, from);
    else await createTeam(db(), user, input, from);
    return redirect("/admin/teams");
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === "not_found") throw asResponse(error);
    return data({ ...formFailureBody(error, form), memberIds: checked(form, "memberIds") }, { status: error.status });
  }
}

export default function TeamEditor() {
  const { team, people } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();
  const typed = result?.values;
  const members = new Set(result?.memberIds ?? team?.members.map((m) => m.id) ?? []);
  const mode = typed?.assignmentMode ?? team?.assignmentMode ?? "manual";
  return (
    <>
      <p>
        <Link to="/admin/teams">← {t("adminTeams.title")}</Link>
      </p>
      <h1>{team ? team.name : t("adminTeams.new")}</h1>
      <FormError messageKey={result?.formError} />
      <Form method="post" className="stack">
        <section className="card">
          <div className="form-row">
            <Field name="name" label={t("adminTeams.name")} errors={result?.fieldErrors.name}>
              <input id="name" name="name" required maxLength={80} defaultValue={typed?.name ?? team?.name} />
            </Field>
            <Field name="key" label={t("adminTeams.key")} errors={result?.fieldErrors.key} hint={t("adminTeams.keyHint")}>
              <input id="key" name="key" required maxLength={40} defaultValue={typed?.key ?? team?.key} autoComplete="off" />
            </Field>
          </div>
        </section>
        <section className="card">
          <fieldset className="field">
            <legend>{t("adminTeams.assignment")}</legend>
            {ASSIGNMENT_MODES.map((m) => (
              <label key={m} className="check">
                <input type="radio" name="assignmentMode" value={m} defaultChecked={mode === m} /> <strong>{t(`adminTeams.modes.${m}`)}</strong>{" "}
                <span className="muted small">{t(`adminTeams.modeHints.${m}`)}</span>
              </label>
            ))}
          </fieldset>
          <label className="check">
            <input type="checkbox" name="assignBySkills" defaultChecked={typed ? typed.assignBySkills === "on" : team?.assignBySkills} /> {t("adminTeams.bySkillsLong")}
          </label>
          <p className="muted small">{t("adminTeams.assignmentHint")}</p>
        </section>
        <section className="card">
          <CheckGroup name="memberIds" legend={t("adminTeams.members")} choices={people} isChecked={(id) => members.has(id)} errors={result?.fieldErrors.memberIds} />
        </section>
        <div className="form-actions">
          <button type="submit" name="intent" value="save" className="btn" disabled={navigation.state === "submitting"}>
            {team ? t("adminTeams.save") : t("adminTeams.create")}
          </button>
          {team && (
            <button type="submit" name="intent" value="delete" className="btn-link" formNoValidate>
              {t("adminTeams.delete")}
            </button>
          )}
        </div>
      </Form>
    </>
  );
}
