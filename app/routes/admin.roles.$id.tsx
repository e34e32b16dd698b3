// Building a custom role (or a new one, at /new): a name, a description and
// the permissions it grants, grouped as the product names them; the built-in
// roles can be copied as a starting point.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Field, FieldErrors, FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { checked, text } from "../utils/admin-forms.ts";
import { asResponse, formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { createRole, db, deleteRole, DomainError, getRole, permissionCatalog, requirePermission, updateRole } from "../services.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, data?.role ? null : "adminRoles.new", data?.role?.name);

const idOf = (param: string | undefined) => (param === "new" ? null : z.uuid().catch("00000000-0000-0000-0000-000000000000").parse(param));

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "users.manage");
  const id = idOf(params.id);
  const role = id ? await getRole(db(), user, id).catch(asResponse) : null;
  return { role, catalog: permissionCatalog() };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "users.manage");
  const form = await readForm(request);
  const id = idOf(params.id);
  const from = { ip: context.clientIp };
  try {
    if (form.get("intent") === "delete" && id) {
      await deleteRole(db(), user, id, from);
      return redirect("/admin/roles");
    }
    const input = { name: text(form, "name"), description: text(form, "description") ?? "", permissions: checked(form, "permissions") };
    if (id) await updateRole(db(), user, id, input, from);
    else await createRole(db(), user, input, from);
    return redirect("/admin/roles");
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === "not_found") throw asResponse(error);
    return data({ ...formFailureBody(error, form), permissions: checked(form, "permissions") }, { status: error.status });
  }
}

/** Permissions grouped by what they are about (the part before the dot). */
function groups(permissions: readonly string[]) {
  const out = new Map<string, string[]>();
  for (const p of permissions) {
    const area = p.split(".")[0];
    out.set(area, [...(out.get(area) ?? []), p]);
  }
  return [...out.entries()];
}

export default function RoleEditor() {
  const { role, catalog } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [search] = useSearchParams();
  const { t } = useT();
  const typed = result?.values;
  // A new role may start from a built-in one (?from=agent).
  const start = search.get("from") as keyof typeof catalog.builtIn | null;
  const chosen = new Set<string>(result?.permissions ?? role?.permissions ?? (start && catalog.builtIn[start] ? catalog.builtIn[start] : []));
  return (
    <>
      <p>
        <Link to="/admin/roles">← {t("adminRoles.title")}</Link>
      </p>
      <h1>{role ? role.name : t("adminRoles.new")}</h1>
      {!role && (
        <p className="admin-actions">
          {t("adminRoles.startFrom")}{" "}
          {(["agent", "supervisor", "admin"] as const).map((r) => (
            <Link key={r} to={`?from=${r}`} className="btn btn-secondary" reloadDocument>
              {t(`roles.${r}`)}
            </Link>
          ))}
        </p>
      )}
      <FormError messageKey={result?.formError} />
      <Form method="post" className="stack" key={search.toString()}>
        <section className="card">
          <Field name="name" label={t("adminRoles.name")} errors={result?.fieldErrors.name}>
            <input id="name" name="name" required maxLength={80} defaultValue={typed?.name ?? role?.name} />
          </Field>
          <Field name="description" label={t("adminRoles.description")} errors={result?.fieldErrors.description}>
            <input id="description" name="description" maxLength={500} defaultValue={typed?.description ?? role?.description} />
          </Field>
        </section>
        <section className="card">
          <h2>{t("adminRoles.permissions")}</h2>
          <FieldErrors keys={result?.fieldErrors.permissions} />
          <div className="permission-grid">
            {groups(catalog.permissions).map(([area, list]) => (
              <fieldset key={area} className="field">
                <legend>{t(`adminRoles.areas.${area}`)}</legend>
                {list.map((p) => (
                  <label key={p} className="check-inline">
                    <input type="checkbox" name="permissions" value={p} defaultChecked={chosen.has(p)} /> {t(`admin.permissions.${p}`)}
                  </label>
                ))}
              </fieldset>
            ))}
          </div>
        </section>
        <div className="form-actions">
          <button type="submit" name="intent" value="save" className="btn" disabled={navigation.state === "submitting"}>
            {role ? t("adminRoles.save") : t("adminRoles.create")}
          </button>
          {role && (
            <button type="submit" name="intent" value="delete" className="btn-link" formNoValidate>
              {t("adminRoles.delete")}
            </button>
          )}
        </div>
      </Form>
    </>
  );
}
