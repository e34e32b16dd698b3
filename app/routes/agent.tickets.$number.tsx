import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { Form, Link, useActionData, useFetcher, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { Fragment, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { PRIORITIES, STATUSES, TICKET_TYPES } from "../../server/tickets/schemas.ts";
import { MacroPicker, useMacroEffects, useSlashMenu, withMacro } from "../components/Macros.tsx";
import { Field, FieldErrors, FormError } from "../components/Field.tsx";
import { HealthBadge, HealthReasons } from "../components/Health.tsx";
import { PresenceLine, usePresence } from "../components/Presence.tsx";
import { useShortcuts } from "../components/Shortcuts.tsx";
import { MarkdownField, useMentionMenu } from "../components/Composer.tsx";
import { withAvailability } from "../components/Availability.tsx";
import type { Availability } from "../../server/auth/availability.ts";
import { MessageThread, PriorityBadge, StatusBadge, type ThreadMessage } from "../components/Ticket.tsx";
import { SlaPanel, SlaTargets } from "../components/Sla.tsx";
import { slaTargetsView } from "../../server/tickets/present.ts";
import type { Locale } from "../i18n/config.ts";
import { localName } from "../i18n/config.ts";
import { data as respond, redirect } from "@remix-run/node";
import { asResponse, formFailure, formFailureBody } from "../utils/forms.server.ts";
import { readFormWithFiles, storeFormFiles } from "../utils/uploads.server.ts";
import { AttachmentPicker } from "../components/Attachments.tsx";
import { useLiveTicket } from "../utils/socket.tsx";
import { useNow, useTimeFormat } from "../utils/time.tsx";
import {
  db,
  requirePermission,
  addMessage,
  getTicket,
  fieldChoices,
  listMacros,
  previewMacro,
  applyMacro,
  can,
  DomainError,
  updateTicket,
  getCustomerOverview,
  mergeTicket,
  popularTags,
  StaleReplyError,
  StaleTicketError,
  messageHtml,
} from "../services.server.ts";
import { tagsFromText } from "../utils/view-forms.ts";
import { FieldInput, type FormField } from "../components/TicketFields.tsx";
import { FIELD_INPUT_PREFIX, fieldsFromForm } from "../utils/field-forms.ts";
import { displayValue, fieldLabel, storedValues } from "../../server/fields/values.ts";
import { pageTitle } from "../utils/meta.ts";
import { canChangeStatus } from "../../server/tickets/status.ts";
import { ticketNumberParam } from "../utils/params.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, null, data ? `#${data.ticket.number} ${data.ticket.subject}` : undefined);


export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, "workspace.use");
  const number = ticketNumberParam(params.number);
  const { ticket, messages, survey, timeline, slaHistory, links, followers } = await getTicket(db(), user, number).catch(asResponse);
  const macroId = new URL(request.url).searchParams.get("macro");
  const [overview, { agents: assignable, teams, ticketFields }, tags, macros, staged] = await Promise.all([
    getCustomerOverview(db(), user, ticket.requesterId),
    fieldChoices(db(), user),
    popularTags(db(), user),
    listMacros(db(), user),
    // A macro picked for the composer: its texts for this ticket, to edit before sending.
    macroId ? previewMacro(db(), user, number, macroId).catch((error) => (error instanceof DomainError && error.status === 404 ? null : Promise.reject(error))) : null,
  ]);
  // The current assignee stays in the list even when they can no longer take
  // tickets (deactivated, say): otherwise saving the form would unassign them.
  const agents: { id: string; name: string; availability?: Availability; former?: true }[] =
    ticket.assignee && !assignable.some((a) => a.id === ticket.assignee!.id)
      ? [...assignable, { ...ticket.assignee, former: true }]
      : assignable;
  return {
    viewerId: user.id,
    /** Colleagues a note can @mention (everyone who can be assigned: they read notes). */
    mentionable: assignable.filter((a) => a.id !== user.id).map(({ id, name, handle }) => ({ id, name, handle })),
    ticket: {
      ...ticket,
      createdAt: ticket.createdAt.toISOString(),
      updatedAt: ticket.updatedAt.toISOString(),
      firstRespondedAt: ticket.firstRespondedAt?.toISOString() ?? null,
      solvedAt: ticket.solvedAt?.toISOString() ?? null,
      slaDueAt: ticket.slaDueAt?.toISOString() ?? null,
      slaTargets: slaTargetsView(ticket.slaTargets),
    },
    slaHistory,
    followers,
    messages: messages.map((m) => ({ ...m, html: messageHtml(m), createdAt: m.createdAt.toISOString() })) as ThreadMessage[],
    timeline,
    survey,
    overview,
    agents,
    teams,
    /** The custom fields staff set (active ones, in their order); the ticket's values are ticket.fields. */
    ticketFields: ticketFields.map(({ key, labelEn, labelZh, type, options, required, customerVisible }) => ({
      key,
      labelEn,
      labelZh,
      type,
      options,
      required,
      customerVisible,
    })),
    macros: macros.map((m) => ({ id: m.id, name: m.name })),
    staged,
    /** Tags to suggest, most used first. */
    tagSuggestions: tags,
    links,
  };
}

// After a stale save (409) the form must show the ticket as it is now, with
// its new version; Remix skips reloading after an action error by default.
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionStatus, defaultShouldRevalidate }) =>
  actionStatus === 409 || defaultShouldRevalidate;

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, "workspace.use");
  const number = ticketNumberParam(params.number);
  const upload = await readFormWithFiles(request);
  const { form } = upload;
  const intent = form.get("intent");
  try {
    if (intent === "reply" || intent === "note") {
      await addMessage(db(), user, number, {
        body: form.get("body"),
        attachments: await storeFormFiles(user, upload),
        kind: intent === "note" ? "internal" : "public",
        // The version the agent started writing on: the stale-reply guard.
        seenVersion: form.get("version") || undefined,
      });
      return { ok: true as const, intent };
    }
    if (intent === "macro") {
      // The texts as the agent left them in the composer; a box they emptied sends nothing.
      const text = (name: string) => (form.has(name) ? String(form.get(name) ?? "") : undefined);
      const applied = await applyMacro(db(), user, number, String(form.get("macroId") ?? ""), {
        reply: text("reply"),
        note: text("note"),
        // The files chosen in the composer go with the macro's reply (else its note), as with any message.
        attachments: await storeFormFiles(user, upload),
        // The version the macro was picked on: its reply or note is refused, as any message is, if others moved the ticket on since.
        version: form.get("version") ?? undefined,
        macroUpdatedAt: form.get("macroUpdatedAt") ?? undefined,
      });
      const search = withMacro(new URL(request.url).search, null);
      // A macro may hand the ticket to another team or person: then back to the list.
      return redirect(can(user, "tickets.view", applied) ? `/agent/tickets/${number}${search}` : `/agent${search}`);
    }
    if (intent === "update") {
      // The whole form goes to the domain with the version it was rendered
      // from; the domain works out what this agent changed and whether
      // someone else changed the same thing meanwhile (tickets/changes.ts).
      const assigneeId = form.get("assigneeId");
      const fields = {
        status: form.get("status") ?? undefined,
        priority: form.get("priority") ?? undefined,
        type: form.get("type") ?? undefined,
        assigneeId: assigneeId === null ? undefined : assigneeId === "" ? null : assigneeId,
        // Custom fields, all of them as the form shows them (a value sent back unchanged is no change).
        fields: fieldsFromForm(form),
        version: form.get("version") ?? undefined,
      };
      await updateTicket(db(), user, number, fields, new Date(), "form");
      return { ok: true as const, intent };
    }
    if (intent === "merge") {
      const target = await mergeTicket(db(), user, number, { into: form.get("into") });
      return redirect(`/agent/tickets/${target.number}${new URL(request.url).search}`);
    }
    if (intent === "tags") {
      // Added and removed against the tags the ticket has now: a colleague's tag never conflicts.
      const addTags = tagsFromText(String(form.get("addTags") ?? ""));
      const removeTags = form.getAll("removeTags").map(String);
      await updateTicket(db(), user, number, { addTags, removeTags }, new Date());
      return { ok: true as const, intent };
    }
    throw new Response("errors.validation", { status: 400 });
  } catch (error) {
    if (error instanceof StaleReplyError || error instanceof StaleTicketError) {
      const conflicts: Conflict[] = error.changes.map((c) => ({ field: c.field, from: conflictText(c.from), to: conflictText(c.to), actorId: c.actorId }));
      const written =
        error instanceof StaleReplyError
          ? { written: error.messages.map((m) => ({ id: m.id, kind: m.kind, author: m.author?.name ?? null, excerpt: excerpt(m.body) })) }
          : {};
      // The version the warning shows the ticket at: sending again (a message or a staged macro) goes on from it.
      return respond({ ...formFailureBody(error, form), conflicts, ...written, version: error.ticket.version }, { status: 409 });
    }
    return formFailure(error, form);
  } finally {
    await upload.discard();
  }
}

export default function AgentTicket() {
  const data = useLoaderData<typeof loader>();
  const { ticket, overview, agents, survey } = data;
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : undefined;
  const composerFailure = failure && ["reply", "note", "macro"].includes(String(failure.values?.intent)) ? failure : undefined;
  // With scripts, properties and tags save at once through this fetcher; without, through the page's form.
  const properties = useFetcher<typeof action>();
  const ofProperties = (r: typeof result) => !!r && ["update", "tags"].includes(String(r.ok ? r.intent : r.values?.intent));
  const propertiesResult = properties.data ?? (ofProperties(result) ? result : undefined);
  const propertiesFailure = propertiesResult && !propertiesResult.ok ? propertiesResult : undefined;
  // Remix's serialized union loses the field's type; the action sets it only on a stale save.
  const conflicts = (propertiesFailure as { conflicts?: Conflict[] } | undefined)?.conflicts;
  const composerConflicts = (composerFailure as { conflicts?: Conflict[] } | undefined)?.conflicts;
  const writtenMeanwhile = (composerFailure as { written?: Written[] } | undefined)?.written;
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const navigation = useNavigation();
  const location = useLocation();
  const messages = useLiveTicket(ticket, data.messages);
  const presence = usePresence(ticket, data.viewerId);
  // Keys in a reply or note box, not a click on the reply/note switch.
  // r / n: write a reply or a note; s: solve; Ctrl/⌘+Enter: send from the composer.
  const propertiesForm = useRef<HTMLFormElement>(null);
  const write = (as: "reply" | "note") => {
    if (!data.staged) setMode(as);
    // After the switch has rendered: the box to write in.
    requestAnimationFrame(() => document.querySelector<HTMLTextAreaElement>(data.staged ? `textarea#${as}` : "textarea#body")?.focus());
  };
  useShortcuts({
    r: () => write("reply"),
    n: () => write("note"),
    s: () => {
      const form = propertiesForm.current;
      const status = form?.elements.namedItem("status");
      if (!form || !(status instanceof HTMLSelectElement) || ticket.status === "solved" || !canChangeStatus(ticket.status, "solved")) return;
      status.value = "solved";
      properties.submit(form);
    },
    "mod+Enter": (event) => {
      const form = event.target instanceof HTMLElement ? event.target.closest<HTMLFormElement>("form.composer") : null;
      if (!form) return;
      event.preventDefault();
      form.requestSubmit();
    },
  });
  const typedIn = (event: React.FormEvent) => {
    if ((event.target as HTMLElement).tagName !== "TEXTAREA") return;
    presence.typed();
    setWritingSince((since) => since ?? ticket.version);
  };
  // After a failed note (or a page reload without scripts) keep writing a note, never a reply.
  const [mode, setMode] = useState<"reply" | "note">(failure?.values?.intent === "note" ? "note" : "reply");
  const composer = useRef<HTMLFormElement>(null);
  const now = useNow(30_000);
  const fmt = useTimeFormat();
  const slash = useSlashMenu(data.macros);
  const mention = useMentionMenu(data.mentionable, mode === "note");
  const effects = useMacroEffects({ agents, teams: data.teams });

  // The version the agent started writing on: sending warns if the ticket
  // moved on since (the page itself follows changes live, so its own
  // version would always be current). Sent, or warned, it starts over.
  // A staged macro's texts were filled in on the ticket as it was when the
  // macro was picked: from then on it counts as written, and after a warning
  // from the ticket as the warning showed it.
  const [writingSince, setWritingSince] = useState<number | null>(null);
  const stagedId = data.staged?.id ?? null;
  // A macro sent and not refused leaves the page: the files it carried must not wait for the next message.
  const macroSent = useRef(false);
  useEffect(() => {
    if (!stagedId && macroSent.current) composer.current?.reset();
    macroSent.current = false;
    setWritingSince(stagedId ? ticket.version : null);
    // The version when the macro was picked, not each later one.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stagedId]);
  useEffect(() => {
    if (result?.ok && (result.intent === "reply" || result.intent === "note")) composer.current?.reset();
    if (result && !result.ok) macroSent.current = false;
    // The answer's version: the page's own may not be reloaded yet when the answer is shown.
    const warnedAt = (composerFailure as { version?: number } | undefined)?.version;
    if (!stagedId) setWritingSince(null);
    else if (warnedAt !== undefined) setWritingSince(warnedAt);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [result]);


  const busy = navigation.state === "submitting";
  const { customer, health } = overview;
  const others = overview.recentTickets.filter((r) => r.number !== ticket.number);

  return (
    <div className="page wide ticket-layout">
      <section className="ticket-main">
        <p className="back-to-list">
          <Link to={`/agent${location.search}`}>← {t("agent.queueTitle")}</Link>
        </p>
        <div className="page-head">
          <h1>
            <span className="muted">#{ticket.number}</span> {ticket.subject}
          </h1>
          <div className="badges">
            <StatusBadge status={ticket.status} staff />
            <PriorityBadge priority={ticket.priority} />
            <SlaTargets state={ticket.slaState} targets={ticket.slaTargets} now={now} />
          </div>
        </div>
        <p className="muted small">
          {t(`ticket.type.${ticket.type}`)} · {t(`ticket.channel.${ticket.channel}`)} ·{" "}
          {localName(ticket.category, locale)}
          {ticket.team ? ` · ${ticket.team.name}` : ""} · {t("ticket.created")} {fmt.dateTime(ticket.createdAt)}
        </p>
        {data.followers.length > 0 && (
          <p className="muted small break" data-testid="ticket-followers">
            {t("ticket.copied")}: {data.followers.map((f) => (f.name && f.name !== f.email && f.name !== f.email.split("@")[0] ? `${f.name} <${f.email}>` : f.email)).join(", ")}
          </p>
        )}

        <section className="card">
          <h2 className="visually-hidden">{t("ticket.conversation")}</h2>
          <MessageThread messages={messages} viewerId={data.viewerId} timeline={data.timeline} />
        </section>

        <PresenceLine others={presence.others} />
        <MacroPicker macros={data.macros} current={data.staged?.id ?? null} />
        {/* One form for a reply, a note or a staged macro: files chosen before or while a macro is staged stay in its file input and go with what is sent. */}
        <Form
          method="post"
          encType="multipart/form-data"
          className={`card form composer ${data.staged ? "composer-macro" : `composer-${mode}`}`}
          ref={composer}
          noValidate
          data-testid={data.staged ? "macro-composer" : undefined}
          onInput={typedIn}
          onSubmit={() => {
            presence.stopped();
            macroSent.current = data.staged !== null;
          }}
        >
          {data.staged ? (
            <Fragment key="macro">
              <input type="hidden" name="intent" value="macro" />
              <input type="hidden" name="macroId" value={data.staged.id} />
              {/* The version the macro was picked on (or the agent started writing on): the stale-reply guard, as for any message. */}
              <input type="hidden" name="version" value={writingSince ?? ticket.version} />
              {/* The macro as shown: if someone changes it meanwhile, applying it is refused rather than sending what the agent never saw. */}
              <input type="hidden" name="macroUpdatedAt" value={data.staged.updatedAt} />
              {/* A text the macro does not have is sent empty: nothing the agent did not see goes out. */}
              {data.staged.reply === null && <input type="hidden" name="reply" value="" />}
              {data.staged.note === null && <input type="hidden" name="note" value="" />}
              <p className="macro-staged">
                <strong>{t("macros.staged", { name: data.staged.name })}</strong>{" "}
                <Link to={withMacro(location.search, null)} replace preventScrollReset className="small">
                  {t("macros.cancel")}
                </Link>
              </p>
              {composerFailure && (
                <FormError messageKey={composerFailure.fieldErrors?.reply || composerFailure.fieldErrors?.note ? undefined : composerFailure.formError} />
              )}
              {/* A change the macro could not make (its assignee left, its team was removed): said here, as the properties are not its fields. */}
              <FieldErrors
                keys={Object.entries(composerFailure?.fieldErrors ?? {})
                  .filter(([k]) => k !== "reply" && k !== "note" && k !== "attachments")
                  .flatMap(([, v]) => v)}
              />
              {writtenMeanwhile && writtenMeanwhile.length > 0 && <WrittenMeanwhile written={writtenMeanwhile} />}
              {composerConflicts && <ConflictList conflicts={composerConflicts} agents={agents} teams={data.teams} fields={data.ticketFields} />}
              {data.staged.reply !== null && (
                <Field name="reply" label={t("agent.reply")} errors={composerFailure?.fieldErrors?.reply}>
                  <textarea id="reply" name="reply" rows={6} defaultValue={composerFailure?.values?.reply ?? data.staged.reply} />
                </Field>
              )}
              {data.staged.note !== null && (
                <Field name="note" label={t("agent.note")} errors={composerFailure?.fieldErrors?.note} hint={t("ticket.internalNoteHint")}>
                  <textarea id="note" name="note" rows={3} defaultValue={composerFailure?.values?.note ?? data.staged.note} />
                </Field>
              )}
              {effects(data.staged.actions).length > 0 && (
                <p className="macro-effects small" data-testid="macro-effects">
                  {t("macros.onSend")} {effects(data.staged.actions).join(" · ")}
                </p>
              )}
              {data.staged.reply !== null && data.staged.note !== null && <p className="muted small">{t("macros.filesGo")}</p>}
            </Fragment>
          ) : (
            <Fragment key="write">
              {/* Radio buttons styled as tabs: the choice travels with the form, so it works without JavaScript. */}
              <fieldset className="tabs mode-switch">
                <legend className="visually-hidden">{t("agent.composeAs")}</legend>
                {(["reply", "note"] as const).map((m) => (
                  <label key={m} className={mode === m ? "tab active" : "tab"}>
                    <input type="radio" name="intent" value={m} checked={mode === m} onChange={() => setMode(m)} />
                    {m === "reply" ? t("agent.reply") : t("agent.note")}
                  </label>
                ))}
              </fieldset>
              <input type="hidden" name="version" value={writingSince ?? ticket.version} />
              {composerFailure && (
                <FormError messageKey={composerFailure.fieldErrors?.body ? undefined : composerFailure.formError} />
              )}
              {writtenMeanwhile && writtenMeanwhile.length > 0 && <WrittenMeanwhile written={writtenMeanwhile} />}
              {composerConflicts && <ConflictList conflicts={composerConflicts} agents={agents} teams={data.teams} fields={data.ticketFields} />}
              <Field
                name="body"
                label={mode === "reply" ? t("agent.reply") : t("agent.note")}
                errors={composerFailure?.fieldErrors?.body}
                hint={[mode === "note" ? `${t("ticket.internalNoteHint")} ${t("agent.mentionHint")}` : data.macros.length > 0 ? t("macros.slashHint") : "", t("composer.markdownHint")].filter(Boolean).join(" ")}
              >
                <MarkdownField textareaId="body">
                  <textarea
                    id="body"
                    name="body"
                    rows={5}
                    {...slash.textareaProps}
                    {...mention.aria}
                    // The "@" menu (notes) goes first; other keys are the "/" menu's.
                    onChange={(event) => {
                      slash.textareaProps.onChange(event);
                      mention.onChange(event);
                    }}
                    onKeyDown={(event) => {
                      if (!mention.onKeyDown(event)) slash.textareaProps.onKeyDown(event);
                    }}
                    onBlur={() => {
                      slash.textareaProps.onBlur();
                      mention.onBlur();
                    }}
                    placeholder={mode === "reply" ? t("agent.replyPlaceholder") : t("agent.notePlaceholder")}
                    defaultValue={composerFailure?.values?.body}
                  />
                </MarkdownField>
              </Field>
              {slash.menu}
              {mention.menu}
            </Fragment>
          )}
          {/* In the same place whatever the form holds, so React keeps the input (and the files in it) when a macro is staged or cancelled. */}
          <AttachmentPicker key="files" id="files" errors={composerFailure?.fieldErrors?.attachments} file={composerFailure?.file} />
          <button type="submit" className="btn" disabled={busy}>
            {data.staged ? (data.staged.reply !== null ? t("macros.applySend") : t("macros.applyOnly")) : mode === "reply" ? t("agent.send") : t("agent.addNote")}
          </button>
        </Form>
      </section>

      <aside className="ticket-side">
        <div className="card" data-testid="properties">
        <h2>{t("agent.properties")}</h2>
        {propertiesFailure && <FormError messageKey={propertiesFailure.formError} />}
        {conflicts && <ConflictList conflicts={conflicts} agents={agents} teams={data.teams} fields={data.ticketFields} />}
        {/* Remount (and so reset) only when a property itself changed, not on every reply. Each change
            saves at once with the version it was made on; without scripts, the Save button does. */}
        <properties.Form
          ref={propertiesForm}
          method="post"
          className="form properties-form"
          key={`${ticket.status}|${ticket.priority}|${ticket.type}|${ticket.assigneeId ?? ""}|${JSON.stringify(ticket.fields)}`}
          onChange={(event) => {
            // Typed values (text, numbers) save when left or on Enter (FieldInput), not on every key.
            const target = event.target as HTMLInputElement;
            if (target.tagName === "INPUT" && target.type === "text") return;
            if (target.type === "date" && target.value !== "" && !/^[12]\d{3}-\d\d-\d\d$/.test(target.value)) return;
            properties.submit(event.currentTarget);
          }}
        >
          <input type="hidden" name="intent" value="update" />
          <input type="hidden" name="version" value={ticket.version} />
          <Field name="status" label={t("agent.columns.status")}>
            <select id="status" name="status" defaultValue={ticket.status}>
              {STATUSES.map((s) => (
                <option key={s} value={s} disabled={!canChangeStatus(ticket.status, s)}>
                  {t(`ticket.statusStaff.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="priority" label={t("agent.columns.priority")}>
            <select id="priority" name="priority" defaultValue={ticket.priority}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`ticket.priority.${p}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="type" label={t("views.type")}>
            <select id="type" name="type" defaultValue={ticket.type}>
              {TICKET_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`ticket.type.${type}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field name="assigneeId" label={t("ticket.assignee")}>
            <select id="assigneeId" name="assigneeId" defaultValue={ticket.assigneeId ?? ""}>
              <option value="">{t("ticket.unassigned")}</option>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.former ? t("agent.formerAssignee", { name: a.name }) : withAvailability(a, t)}
                </option>
              ))}
            </select>
          </Field>
          {data.ticketFields.map((field) => (
            <FieldInput
              key={field.key}
              field={field}
              value={storedValues(ticket.fields)[field.key]}
              errors={propertiesFailure?.fieldErrors?.[`${FIELD_INPUT_PREFIX}${field.key}`]}
              showAudience
              onCommit={(form) => properties.submit(form)}
            />
          ))}
          <noscript>
            <button type="submit" className="btn">
              {t("agent.save")}
            </button>
          </noscript>
          <span className="muted small save-state" role="status" data-testid="save-state">
            {properties.state !== "idle" ? t("agent.saving") : propertiesResult?.ok ? t("agent.saved") : ""}
          </span>
        </properties.Form>
        <TagEditor
          tags={ticket.tags}
          suggestions={data.tagSuggestions}
          fetcher={properties}
          errors={propertiesFailure?.fieldErrors ? Object.entries(propertiesFailure.fieldErrors).filter(([k]) => k.startsWith("addTags") || k.startsWith("removeTags")).flatMap(([, v]) => v) : undefined}
        />
        </div>

        <LinkedTickets links={data.links} search={location.search} />
        {ticket.status !== "closed" && (
          <MergeForm errors={failure?.values?.intent === "merge" ? failure : undefined} busy={busy} />
        )}

        <div className="card">
          <h2>{t("agent.sla")}</h2>
          <SlaPanel targets={ticket.slaTargets} history={data.slaHistory} now={now} />
          <dl className="facts">
            {survey?.rating && (
              <>
                <dt>{t("agent.csat")}</dt>
                <dd>
                  {survey.rating} / 5{survey.comment ? ` · “${survey.comment}”` : ""}
                </dd>
              </>
            )}
          </dl>
        </div>

        <div className="card" data-testid="customer-card">
          <h2>{t("agent.customer")}</h2>
          <p>
            <strong>{customer.name}</strong>
            <br />
            <span className="muted small">{customer.email}</span>
            {customer.company && (
              <>
                <br />
                <span className="small">{customer.company.name}</span>
              </>
            )}
          </p>
          <p>
            <span className={`badge tier-${customer.tier}`}>{t(`ticket.tier.${customer.tier}`)}</span>{" "}
            {health ? <HealthBadge score={health.score} band={health.band} /> : <span className="muted">{t("health.none")}</span>}
          </p>
          {health && <HealthReasons health={health} />}
          <h3>{t("agent.customerHistory")}</h3>
          {others.length === 0 ? (
            <p className="muted small">{t("agent.noHistory")}</p>
          ) : (
            <ul className="history" data-testid="customer-history">
              {others.map((r) => (
                <li key={r.number}>
                  <Link to={`/agent/tickets/${r.number}`}>
                    #{r.number} {r.subject}
                  </Link>{" "}
                  <StatusBadge status={r.status} staff />
                </li>
              ))}
            </ul>
          )}
          {overview.visibleCount > overview.recentTickets.length && (
            <p className="small">
              <Link to={`/agent/search?q=${encodeURIComponent(`requester:${customer.email}`)}`}>
                {t("agent.allRequests", { count: overview.visibleCount })}
              </Link>
            </p>
          )}
          {overview.hiddenCount > 0 && <p className="muted small">{t("agent.hiddenRequests", { count: overview.hiddenCount })}</p>}
        </div>
      </aside>
    </div>
  );
}

/** A changed value as the conflict list shows it: properties are strings, custom field values also numbers and booleans. */
const conflictText = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : null);

/** The start of a message, for the stale-reply warning. */
const excerpt = (body: string) => (body.length > 160 ? `${body.slice(0, 160)}…` : body);

interface Conflict {
  field: string;
  from: string | null;
  to: string | null;
  actorId: string | null;
}

/** What someone else changed meanwhile, after a stale save (the form already shows the current values). */
interface Written {
  id: string;
  kind: string;
  author: string | null;
  excerpt: string;
}

/** What colleagues or the customer wrote while the agent was writing. */
function WrittenMeanwhile({ written }: { written: Written[] }) {
  const { t } = useTranslation();
  return (
    <ul className="conflicts" data-testid="written-meanwhile">
      {written.map((w) => (
        <li key={w.id}>
          {t(w.kind === "internal" ? "agent.notedMeanwhile" : "agent.repliedMeanwhile", { name: w.author ?? t("timeline.systemActor") })}{" "}
          <span className="quote">“{w.excerpt}”</span>
        </li>
      ))}
    </ul>
  );
}

function ConflictList({
  conflicts,
  agents,
  teams,
  fields,
}: {
  conflicts: Conflict[];
  agents: { id: string; name: string }[];
  teams: { id: string; name: string }[];
  fields: FormField[];
}) {
  const { t, i18n } = useTranslation();
  // A custom field ("fields.<key>"): its label and values in the reader's language.
  const custom = (field: string) => fields.find((f) => `${FIELD_INPUT_PREFIX}${f.key}` === field);
  const customValue = (f: FormField, v: string | null) =>
    v === null ? t("ticketFields.none") : displayValue(f, f.type === "checkbox" ? v === "true" : v, i18n.language, { yes: t("ticketFields.yes"), no: t("ticketFields.no") });
  const name = (id: string | null) => (id ? (agents.find((a) => a.id === id)?.name ?? t("timeline.unknownPerson")) : t("ticket.unassigned"));
  const team = (id: string | null) => (id ? (teams.find((x) => x.id === id)?.name ?? "?") : t("views.noTeam"));
  const value = (field: string, v: string | null) =>
    custom(field)
      ? customValue(custom(field)!, v)
      : field === "status"
      ? t(`ticket.statusStaff.${v}`)
      : field === "priority"
        ? t(`ticket.priority.${v}`)
        : field === "type"
          ? t(`ticket.type.${v}`)
          : field === "teamId"
            ? team(v)
            : name(v);
  const label = (field: string) =>
    (custom(field) ? fieldLabel(custom(field)!, i18n.language) : undefined) ??
    ({ status: t("agent.columns.status"), priority: t("agent.columns.priority"), type: t("views.type"), teamId: t("views.team") })[field] ??
    t("ticket.assignee");
  return (
    <ul className="conflicts" data-testid="conflicts">
      {conflicts.map((c, i) => (
        <li key={i}>
          {c.actorId ? name(c.actorId) : t("timeline.systemActor")}: {label(c.field)} {value(c.field, c.from)} → {value(c.field, c.to)}
        </li>
      ))}
    </ul>
  );
}

/** The ticket's tags: each removed with its ×, new ones added with suggestions from tags in use. Works without scripts. */
function TagEditor({
  tags,
  suggestions,
  fetcher,
  errors,
}: {
  tags: string[];
  suggestions: string[];
  fetcher: ReturnType<typeof useFetcher>;
  errors?: string[];
}) {
  const { t } = useTranslation();
  return (
    <div className="tag-editor" data-testid="tags">
      <h3>{t("agent.tags")}</h3>
      {tags.length === 0 ? (
        <p className="muted small">{t("agent.noTags")}</p>
      ) : (
        <ul className="tag-chips">
          {tags.map((tag) => (
            <li key={tag}>
              <fetcher.Form method="post">
                <input type="hidden" name="intent" value="tags" />
                <input type="hidden" name="removeTags" value={tag} />
                <span className="tag">{tag}</span>
                <button type="submit" className="tag-remove" aria-label={t("agent.removeTag", { tag })} title={t("agent.removeTag", { tag })}>
                  ×
                </button>
              </fetcher.Form>
            </li>
          ))}
        </ul>
      )}
      {/* A new form per tag list: the field empties once the tag is on. */}
      <fetcher.Form method="post" className="tag-add" key={tags.join(",")}>
        <input type="hidden" name="intent" value="tags" />
        <label className="visually-hidden" htmlFor="addTags">
          {t("agent.addTag")}
        </label>
        <input id="addTags" name="addTags" list="tag-suggestions" placeholder={t("agent.addTagPlaceholder")} autoComplete="off" aria-invalid={errors ? true : undefined} />
        <datalist id="tag-suggestions">
          {suggestions
            .filter((s) => !tags.includes(s))
            .map((s) => (
              <option key={s} value={s} />
            ))}
        </datalist>
        <button type="submit" className="btn btn-small">
          {t("agent.addTag")}
        </button>
      </fetcher.Form>
      <FieldErrors keys={errors} />
    </div>
  );
}

type Links = { mergedInto: LinkedTicket | null; mergedFrom: LinkedTicket[] };
type LinkedTicket = { number: number; subject: string; status: string };

/** Tickets merged into this one, and the one this was merged into. */
function LinkedTickets({ links, search }: { links: Links; search: string }) {
  const { t } = useTranslation();
  if (!links.mergedInto && links.mergedFrom.length === 0) return null;
  const item = (linked: LinkedTicket) => (
    <li key={linked.number}>
      <Link to={`/agent/tickets/${linked.number}${search}`}>
        #{linked.number} {linked.subject}
      </Link>{" "}
      <StatusBadge status={linked.status} staff />
    </li>
  );
  return (
    <div className="card" data-testid="linked-tickets">
      <h2>{t("agent.linked")}</h2>
      {links.mergedInto && (
        <>
          <h3>{t("agent.mergedInto", { number: links.mergedInto.number })}</h3>
          <ul className="history">{item(links.mergedInto)}</ul>
        </>
      )}
      {links.mergedFrom.length > 0 && (
        <>
          <h3>{t("agent.mergedFrom")}</h3>
          <ul className="history">{links.mergedFrom.map(item)}</ul>
        </>
      )}
    </div>
  );
}

/** Merging this ticket into the one that carries on (a duplicate of the same requester). */
function MergeForm({ errors, busy }: { errors?: { formError: string; fieldErrors: Record<string, string[]>; values: Record<string, string> }; busy: boolean }) {
  const { t } = useTranslation();
  return (
    <details className="card merge-card" open={errors ? true : undefined}>
      <summary>{t("agent.merge")}</summary>
      <Form method="post" className="form" noValidate>
        <input type="hidden" name="intent" value="merge" />
        {errors && !errors.fieldErrors.into && <FormError messageKey={errors.formError} />}
        <Field name="into" label={t("agent.mergeInto")} errors={errors?.fieldErrors.into} hint={t("agent.mergeHint")}>
          <input id="into" name="into" inputMode="numeric" placeholder="#123" defaultValue={errors?.values.into} autoComplete="off" />
        </Field>
        <button type="submit" className="btn" disabled={busy}>
          {t("agent.mergeButton")}
        </button>
      </Form>
    </details>
  );
}
