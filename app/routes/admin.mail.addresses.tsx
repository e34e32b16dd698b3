// /admin/mail/addresses (settings.manage): the category of mail to any other address, the addresses
// mail arrives at, where each one's new tickets go (category, team), and optionally an IMAP mailbox
// to fetch it from. Each address is its own small form; a new one below. The mailbox password is
// never shown: only whether one is set.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Field, FormError } from "../components/Field.tsx";
import { useT } from "../i18n/i18n.ts";
import { localName } from "../i18n/config.ts";
import { flag, idOrNull, numberOrNull, text } from "../utils/admin-forms.ts";
import { formFailureBody, readForm } from "../utils/forms.server.ts";
import { pageTitle } from "../utils/meta.ts";
import { useTimeFormat } from "../utils/time.tsx";
import {
  createMailChannel,
  db,
  deleteMailChannel,
  DomainError,
  getMailDefaults,
  listMailChannels,
  mailChannelChoices,
  mailSettings,
  requirePermission,
  updateMailChannel,
  updateMailDefaults,
} from "../services.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "inbound.addresses.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "settings.manage");
  const [channels, choices, defaults] = await Promise.all([listMailChannels(db(), user), mailChannelChoices(db(), user), getMailDefaults(db(), user)]);
  const settings = mailSettings();
  return {
    support: settings.from,
    smtpPort: settings.inbound?.port ?? null,
    channels: channels.map((c) => ({
      id: c.id,
      address: c.address,
      categoryId: c.categoryId,
      teamId: c.teamId,
      enabled: c.enabled,
      imapHost: c.imapHost,
      imapPort: c.imapPort,
      imapSecure: c.imapSecure,
      imapUser: c.imapUser,
      imapFolder: c.imapFolder,
      imapPasswordSet: c.imapPasswordSet,
      lastPolledAt: c.lastPolledAt?.toISOString() ?? null,
      lastError: c.lastError,
    })),
    categories: choices.categories,
    teams: choices.teams,
    defaultCategoryId: defaults.categoryId,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, "settings.manage");
  const form = await readForm(request);
  const intent = form.get("intent");
  // The form a failure belongs to: an address's, the new one's (null) or the default category's.
  const id = intent === "defaults" ? "defaults" : text(form, "id") || null;
  const from = { ip: context.clientIp };
  try {
    if (intent === "defaults") {
      await updateMailDefaults(db(), user, { categoryId: idOrNull(form, "categoryId") }, from);
      return { ok: true as const, id, done: "saved" as const };
    }
    if (intent === "delete" && id) {
      await deleteMailChannel(db(), user, id, from);
      return { ok: true as const, id, done: "deleted" as const };
    }
    const imapHost = text(form, "imapHost") || null;
    const password = text(form, "imapPassword");
    const input = {
      address: text(form, "address"),
      categoryId: idOrNull(form, "categoryId"),
      teamId: idOrNull(form, "teamId"),
      enabled: flag(form, "enabled"),
      imapHost,
      imapPort: numberOrNull(form, "imapPort"),
      imapSecure: flag(form, "imapSecure"),
      imapUser: text(form, "imapUser") || null,
      imapFolder: text(form, "imapFolder") || "INBOX",
      // Left empty, a stored password stays; without a mailbox there is nothing to sign in to.
      ...(password ? { imapPassword: password } : imapHost ? {} : { imapPassword: null }),
    };
    if (id) await updateMailChannel(db(), user, id, input, from);
    else await createMailChannel(db(), user, input, from);
    return { ok: true as const, id, done: "saved" as const };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return data({ ...formFailureBody(error, form), id }, { status: error.status });
  }
}

type ChannelRow = ReturnType<typeof useLoaderData<typeof loader>>["channels"][number];

export default function MailAddresses() {
  const { support, smtpPort, channels, categories, teams, defaultCategoryId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, language } = useT();
  const fmt = useTimeFormat();
  const busy = navigation.state === "submitting";
  const failedFor = (id: string | null) => (result && !result.ok && result.id === id ? result : undefined);

  const channelForm = (c: ChannelRow | null) => {
    const failed = failedFor(c?.id ?? null);
    const typed = failed?.values;
    const errors = failed?.fieldErrors ?? {};
    const key = c ? `${c.id}-${JSON.stringify(c)}` : `new-${channels.length}`;
    const fieldId = (name: string) => `${name}-${c?.id ?? "new"}`;
    const value = (name: keyof ChannelRow) => typed?.[name] ?? (c?.[name] === null || c?.[name] === undefined ? "" : String(c[name]));
    return (
      <Form method="post" className="card stack mail-address" key={key} data-testid={c ? `address-${c.address}` : "address-new"}>
        {c && <input type="hidden" name="id" value={c.id} />}
        {c ? <h3 className="break">{c.address}</h3> : <h3>{t("inbound.addresses.new")}</h3>}
        <FormError messageKey={failed?.formError} />
        <div className="form-row">
          <Field name={fieldId("address")} label={t("inbound.addresses.address")} errors={errors.address}>
            <input id={fieldId("address")} name="address" type="email" required maxLength={254} defaultValue={value("address")} autoComplete="off" />
          </Field>
          <Field name={fieldId("categoryId")} label={t("inbound.addresses.category")} errors={errors.categoryId}>
            <CategorySelect id={fieldId("categoryId")} defaultValue={value("categoryId")} categories={categories} language={language} none={t("inbound.addresses.defaultCategory")} />
          </Field>
          <Field name={fieldId("teamId")} label={t("inbound.addresses.team")} errors={errors.teamId}>
            <select id={fieldId("teamId")} name="teamId" defaultValue={value("teamId")}>
              <option value="">{t("inbound.addresses.categoryTeam")}</option>
              {teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <label className="check">
          <input type="checkbox" name="enabled" defaultChecked={typed ? typed.enabled === "on" : (c?.enabled ?? true)} /> {t("inbound.addresses.enabled")}
        </label>
        <details open={!!c?.imapHost || !!errors.imapHost || !!errors.imapPassword || !!errors.imapPort}>
          <summary>{t("inbound.addresses.imap")}</summary>
          <p className="muted small">{t("inbound.addresses.imapHint")}</p>
          <div className="form-row">
            <Field name={fieldId("imapHost")} label={t("inbound.addresses.imapHost")} errors={errors.imapHost}>
              <input id={fieldId("imapHost")} name="imapHost" maxLength={253} defaultValue={value("imapHost")} placeholder="imap.example.com" autoComplete="off" />
            </Field>
            <Field name={fieldId("imapPort")} label={t("inbound.addresses.imapPort")} errors={errors.imapPort}>
              <input id={fieldId("imapPort")} name="imapPort" inputMode="numeric" maxLength={5} defaultValue={value("imapPort")} placeholder="993" />
            </Field>
            <Field name={fieldId("imapFolder")} label={t("inbound.addresses.imapFolder")} errors={errors.imapFolder}>
              <input id={fieldId("imapFolder")} name="imapFolder" maxLength={200} defaultValue={value("imapFolder") || "INBOX"} />
            </Field>
          </div>
          <div className="form-row">
            <Field name={fieldId("imapUser")} label={t("inbound.addresses.imapUser")} errors={errors.imapUser}>
              <input
                id={fieldId("imapUser")}
                name="imapUser"
                maxLength={254}
                defaultValue={value("imapUser")}
                placeholder={t("inbound.addresses.imapUserHint")}
                autoComplete="off"
              />
            </Field>
            <Field name={fieldId("imapPassword")} label={t("inbound.addresses.imapPassword")} errors={errors.imapPassword}>
              <input
                id={fieldId("imapPassword")}
                name="imapPassword"
                type="password"
                maxLength={500}
                autoComplete="new-password"
                placeholder={c?.imapPasswordSet ? t("inbound.addresses.passwordSet") : ""}
              />
            </Field>
          </div>
          <label className="check">
            <input type="checkbox" name="imapSecure" defaultChecked={typed ? typed.imapSecure === "on" : (c?.imapSecure ?? true)} />{" "}
            {t("inbound.addresses.imapSecure")}
          </label>
          {c?.imapHost && (
            <p className="muted small" data-testid="poll-state">
              {c.lastPolledAt ? t("inbound.addresses.lastPolled", { time: fmt.dateTime(c.lastPolledAt) }) : t("inbound.addresses.notPolled")}
              {c.lastError && <span className="field-error"> {t("inbound.addresses.lastError", { error: c.lastError })}</span>}
            </p>
          )}
        </details>
        <div className="form-actions">
          <button type="submit" name="intent" value="save" className="btn" disabled={busy}>
            {c ? t("inbound.addresses.save") : t("inbound.addresses.add")}
          </button>
          {c && (
            <button type="submit" name="intent" value="delete" className="btn-link" formNoValidate disabled={busy}>
              {t("inbound.addresses.delete")}
            </button>
          )}
        </div>
      </Form>
    );
  };

  return (
    <>
      <h2>{t("inbound.addresses.title")}</h2>
      <p className="muted">{smtpPort ? t("inbound.addresses.leadSmtp", { support, port: smtpPort }) : t("inbound.addresses.lead", { support })}</p>
      {result?.ok && (
        <p role="status" className="notice success">
          {t(`inbound.addresses.done.${result.done}`)}
        </p>
      )}
      <Form method="post" className="card stack" data-testid="mail-defaults" key={`defaults-${defaultCategoryId ?? ""}`}>
        <FormError messageKey={failedFor("defaults")?.formError} />
        <Field name="defaults-categoryId" label={t("inbound.addresses.defaults.category")} errors={failedFor("defaults")?.fieldErrors?.categoryId}>
          <CategorySelect
            id="defaults-categoryId"
            defaultValue={defaultCategoryId ?? ""}
            categories={categories}
            language={language}
            none={t("inbound.addresses.defaults.firstCategory", { name: categories[0] ? localName(categories[0], language) : "—" })}
          />
        </Field>
        <p className="muted small">{t("inbound.addresses.defaults.hint", { support })}</p>
        <div className="form-actions">
          <button type="submit" name="intent" value="defaults" className="btn" disabled={busy}>
            {t("inbound.addresses.save")}
          </button>
        </div>
      </Form>
      {channels.length === 0 && <p className="muted">{t("inbound.addresses.none")}</p>}
      {channels.map((c) => channelForm(c))}
      {channelForm(null)}
    </>
  );
}

/** A category picker whose empty choice says what happens without one. */
function CategorySelect(props: { id: string; defaultValue: string; categories: (Parameters<typeof localName>[0] & { id: string })[]; language: Parameters<typeof localName>[1]; none: string }) {
  return (
    <select id={props.id} name="categoryId" defaultValue={props.defaultValue}>
      <option value="">{props.none}</option>
      {props.categories.map((cat) => (
        <option key={cat.id} value={cat.id}>
          {localName(cat, props.language)}
        </option>
      ))}
    </select>
  );
}
