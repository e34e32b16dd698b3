// The rows of the routing-rule editor (app/routes/admin.rules.$id.tsx): one
// condition or one action each, whose inputs follow what the row is about
// (boxes to tick for lists of values, a comma-separated text for tags, words
// and company names, an input matching a custom field's type). Inputs are
// named by their path in the rule ("conditions.2.values"), as the service
// names its errors and app/utils/rule-form.ts reads them back.
import { useEffect, useRef, useState } from "react";
import { LOCALES, localName } from "../i18n/config.ts";
import { useT } from "../i18n/i18n.ts";
import { fieldLabel, optionLabel, type FieldDefinition } from "../../server/fields/values.ts";
import {
  CHANNELS,
  CONDITION_FIELDS,
  ACTION_TYPES,
  HEALTH_BANDS,
  LANGUAGES,
  MAX_ACTIONS,
  MAX_CONDITIONS,
  NONE,
  TIERS,
  type ActionType,
  type ConditionField,
} from "../../server/rules/schemas.ts";
import { AUTOMATION_ACTION_TYPES, SET_STATUSES, type AutomationActionType } from "../../server/automations/schemas.ts";
import { MAX_MACRO_TEXT } from "../../server/macros/macros.ts";
import { PRIORITIES, STATUSES, TICKET_TYPES } from "../../server/tickets/schemas.ts";
import { blankAction, blankCondition, customOperators, listText, OPERATORS, VALUELESS, type ActionDraft, type ConditionDraft, type ReplyTexts } from "../utils/rule-form.ts";
import { errorsFor } from "../utils/sla-forms.ts";
import { FieldErrors } from "./Field.tsx";

/** What the editor offers to choose from (server/rules/service.ts ruleChoices). */
export interface RuleChoices {
  categories: { id: string; key: string; nameEn: string; nameZh: string }[];
  teams: { id: string; name: string }[];
  agents: { id: string; name: string }[];
  people: { id: string; name: string; deactivated: boolean }[];
  calendars: { id: string; name: string; timezone: string; builtIn: boolean }[];
  fields: Pick<FieldDefinition, "key" | "labelEn" | "labelZh" | "type" | "options" | "active">[];
}

type Choice = { id: string; name: string };
const R = "admin.rules";

/** A row's add / remove buttons: in the page with scripts, a form submission (intent) without. */
export interface RowButtons {
  scripted: boolean;
  onRemove: () => void;
}

function RemoveButton({ scripted, onRemove, intent, label }: RowButtons & { intent: string; label: string }) {
  const { t } = useT();
  return (
    <button
      type={scripted ? "button" : "submit"}
      name={scripted ? undefined : "intent"}
      value={scripted ? undefined : intent}
      formNoValidate
      className="btn-link danger rule-remove"
      aria-label={label}
      title={label}
      onClick={scripted ? onRemove : undefined}
    >
      {t(`${R}.remove`)}
    </button>
  );
}

/** Choices kept for values a rule names that are gone from the list (so they show, and the service can say so). */
function withSelected(choices: Choice[], selected: readonly string[], name: (id: string) => string): Choice[] {
  const known = new Set(choices.map((c) => c.id));
  return [...choices, ...selected.filter((id) => id !== "" && !known.has(id)).map((id) => ({ id, name: name(id) }))];
}

/** Staff to pick from: active ones, and deactivated ones only where already chosen. */
function peopleChoices(people: RuleChoices["people"], selected: readonly string[], t: (key: string, options?: Record<string, unknown>) => string): Choice[] {
  return people
    .filter((p) => !p.deactivated || selected.includes(p.id))
    .map((p) => ({ id: p.id, name: p.deactivated ? t(`${R}.deactivated`, { name: p.name }) : p.name }));
}

/** Boxes to tick sharing one name; a long list scrolls in its own box. */
function Checks({ name, legend, choices, checked }: { name: string; legend: string; choices: Choice[]; checked: readonly string[] }) {
  return (
    <fieldset className="rule-values">
      <legend className="visually-hidden">{legend}</legend>
      <div className={`rule-checks${choices.length > 8 ? " scroll" : ""}`}>
        {choices.map((choice) => (
          <label key={choice.id} className="check-inline">
            <input type="checkbox" name={name} value={choice.id} defaultChecked={checked.includes(choice.id)} /> {choice.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A labelled part of a row (the label above its input). */
function Part({ label, children, wide }: { label: string; children: React.ReactNode; wide?: boolean }) {
  return (
    <label className={`rule-part${wide ? " wide" : ""}`}>
      <span className="rule-part-label">{label}</span>
      {children}
    </label>
  );
}

/** The custom fields to choose from: active ones, and the one chosen if it is archived or gone. */
function FieldKeySelect({ name, value, fields, onChange }: { name: string; value: string; fields: RuleChoices["fields"]; onChange: (key: string) => void }) {
  const { t, language } = useT();
  const chosen = fields.find((f) => f.key === value);
  return (
    <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t(`${R}.chooseField`)}</option>
      {fields
        .filter((f) => f.active)
        .map((f) => (
          <option key={f.key} value={f.key}>
            {fieldLabel(f, language)}
          </option>
        ))}
      {chosen && !chosen.active && <option value={chosen.key}>{t(`${R}.archived`, { label: fieldLabel(chosen, language) })}</option>}
      {value !== "" && !chosen && (
        <option value={value}>
          {value} {t(`${R}.gone`)}
        </option>
      )}
    </select>
  );
}

/** A value for a custom field, as its type takes it. `clearable`: an empty value clears the field (actions). */
function FieldValueInput({
  name,
  field,
  value,
  clearable,
  label,
}: {
  name: string;
  field: RuleChoices["fields"][number] | undefined;
  value: string | number | boolean | null | undefined;
  clearable: boolean;
  label: string;
}) {
  const { t, language } = useT();
  const text = value === null || value === undefined ? "" : String(value);
  switch (field?.type) {
    case "dropdown":
      return (
        <select name={name} defaultValue={text} aria-label={label}>
          <option value="">{clearable ? t(`${R}.clearOption`) : t(`${R}.choose`)}</option>
          {field.options.map((o) => (
            <option key={o.value} value={o.value}>
              {optionLabel(field, o.value, language)}
            </option>
          ))}
          {text !== "" && !field.options.some((o) => o.value === text) && <option value={text}>{text}</option>}
        </select>
      );
    case "checkbox":
      return (
        <select name={name} defaultValue={text === "" ? "true" : text} aria-label={label}>
          <option value="true">{t("ticketFields.yes")}</option>
          <option value="false">{t("ticketFields.no")}</option>
        </select>
      );
    case "date":
      return <input type="date" name={name} defaultValue={text} aria-label={label} />;
    case "number":
      return <input name={name} inputMode="decimal" defaultValue={text} aria-label={label} autoComplete="off" />;
    default:
      return <input name={name} defaultValue={text} maxLength={500} aria-label={label} autoComplete="off" />;
  }
}

/** The values a list condition offers, in the reader's language. */
function conditionChoices(field: string, choices: RuleChoices, selected: readonly string[], t: (key: string, options?: Record<string, unknown>) => string, language: string): Choice[] {
  const words = (list: readonly string[], prefix: string) => list.map((id) => ({ id, name: t(`${prefix}.${id}`) }));
  const gone = () => t(`${R}.gone`);
  switch (field) {
    case "category":
      return withSelected(
        choices.categories.map((c) => ({ id: c.id, name: localName(c, language) })),
        selected,
        gone,
      );
    case "type":
      return words(TICKET_TYPES, "ticket.type");
    case "priority":
      return words(PRIORITIES, "ticket.priority");
    case "status":
      return words(STATUSES, "ticket.statusStaff");
    case "channel":
      return words(CHANNELS, "ticket.channel");
    case "language":
      return words(LANGUAGES, "languages");
    case "tier":
      return words(TIERS, "ticket.tier");
    case "health":
      return words(HEALTH_BANDS, "health.band");
    case "team":
      return withSelected([{ id: NONE, name: t(`${R}.noTeam`) }, ...choices.teams], selected, gone);
    case "assignee":
      return withSelected([{ id: NONE, name: t(`${R}.nobody`) }, ...peopleChoices(choices.people, selected, t)], selected, gone);
    default:
      return [];
  }
}

export function ConditionRow({
  index,
  draft,
  choices,
  fieldErrors,
  onChange,
  ...buttons
}: RowButtons & {
  index: number;
  draft: ConditionDraft;
  choices: RuleChoices;
  fieldErrors?: Record<string, string[]>;
  onChange: (draft: ConditionDraft) => void;
}) {
  const { t, language } = useT();
  const name = (part: string) => `conditions.${index}.${part}`;
  const errors = errorsFor(fieldErrors, `conditions.${index}`);
  const known = (CONDITION_FIELDS as string[]).includes(draft.field);
  const customField = draft.field === "custom" ? choices.fields.find((f) => f.key === draft.key) : undefined;
  const operators = draft.field === "custom" ? customOperators(customField?.type) : known ? OPERATORS[draft.field as ConditionField] : [];
  // A custom-field comparison the row holds that the field's type leaves out stays offered (the service says
  // it does not apply); one of another kind of condition (a field changed without scripts) gives way to the first.
  const ops = draft.field === "custom" && draft.op && OPERATORS.custom.includes(draft.op) && !operators.includes(draft.op) ? [...operators, draft.op] : operators;
  const op = draft.op && ops.includes(draft.op) ? draft.op : ops[0];
  const opLabel = (o: string) => (customField?.type === "date" && (o === "gt" || o === "lt") ? t(`${R}.ops.${o === "gt" ? "after" : "before"}`) : t(`${R}.ops.${o}`));
  const values = draft.values ?? [];
  const label = t(`${R}.condition`, { n: index + 1 });
  // Value inputs keep what was typed until the row changes what it is about.
  const shape = `${draft.field}:${draft.key ?? ""}`;

  return (
    <fieldset className={`rule-row${errors ? " has-error" : ""}`} data-testid="condition-row" data-field={draft.field}>
      <legend>{label}</legend>
      <div className="rule-row-line">
        <Part label={t(`${R}.field`)}>
          <select name={name("field")} value={draft.field} onChange={(e) => onChange(blankCondition(e.target.value as ConditionField))}>
            {!known && <option value={draft.field}>{draft.field || t(`${R}.choose`)}</option>}
            {CONDITION_FIELDS.map((f) => (
              <option key={f} value={f}>
                {t(`${R}.fields.${f}`)}
              </option>
            ))}
          </select>
        </Part>
        {draft.field === "custom" && (
          <Part label={t(`${R}.customField`)}>
            <FieldKeySelect
              name={name("key")}
              value={draft.key ?? ""}
              fields={choices.fields}
              onChange={(key) => {
                const allowed = customOperators(choices.fields.find((f) => f.key === key)?.type);
                onChange({ field: "custom", key, op: draft.op && allowed.includes(draft.op) ? draft.op : allowed[0], value: "" });
              }}
            />
          </Part>
        )}
        {ops.length > 0 && (
          <Part label={t(`${R}.operator`)}>
            <select name={name("op")} value={op} onChange={(e) => onChange({ ...draft, op: e.target.value })}>
              {ops.map((o) => (
                <option key={o} value={o}>
                  {opLabel(o)}
                </option>
              ))}
            </select>
          </Part>
        )}
        {draft.field === "business_hours" && (
          <Part label={t(`${R}.calendar`)}>
            <select key={shape} name={name("calendarId")} defaultValue={draft.calendarId ?? ""}>
              <option value="">{t(`${R}.choose`)}</option>
              {choices.calendars
                .filter((c) => !c.builtIn || c.id === draft.calendarId)
                .map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.timezone})
                  </option>
                ))}
              {draft.calendarId && !choices.calendars.some((c) => c.id === draft.calendarId) && <option value={draft.calendarId}>{t(`${R}.gone`)}</option>}
            </select>
          </Part>
        )}
        {draft.field === "custom" && !VALUELESS.includes(op ?? "") && (
          <Part label={t(`${R}.value`)}>
            <FieldValueInput key={shape} name={name("value")} field={customField} value={draft.value} clearable={false} label={`${label} · ${t(`${R}.value`)}`} />
          </Part>
        )}
        {(draft.field === "company" || draft.field === "tags" || draft.field === "text") && (
          <Part label={t(`${R}.values`)} wide>
            <input key={shape} name={name("values")} defaultValue={listText(values)} autoComplete="off" spellCheck={draft.field === "text"} />
          </Part>
        )}
      </div>
      {conditionChoices(draft.field, choices, values, t, language).length > 0 && (
        <Checks key={shape} name={name("values")} legend={`${label} · ${t(`${R}.values`)}`} choices={conditionChoices(draft.field, choices, values, t, language)} checked={values} />
      )}
      {["company", "tags", "text", "health", "business_hours"].includes(draft.field) && <p className="hint">{t(`${R}.hints.${draft.field}`)}</p>}
      {draft.field === "business_hours" && !choices.calendars.some((c) => !c.builtIn) && <p className="hint">{t(`${R}.noCalendars`)}</p>}
      <div className="rule-row-foot">
        <div>
          <FieldErrors keys={errors} />
        </div>
        <RemoveButton {...buttons} intent={`remove-condition:${index}`} label={t(`${R}.removeCondition`, { n: index + 1 })} />
      </div>
    </fieldset>
  );
}

/** An action type's name: the rules' own, or an automation's (set status, reply). */
export const actionTypeLabel = (type: string, t: (key: string) => string) =>
  (AUTOMATION_ONLY as string[]).includes(type) ? t(`admin.automations.actionTypes.${type}`) : t(`${R}.actionTypes.${type}`);

/** The actions only automations take (server/automations/schemas.ts). */
const AUTOMATION_ONLY = AUTOMATION_ACTION_TYPES.filter((type) => !(ACTION_TYPES as string[]).includes(type));

/** The placeholders a reply may hold (the macros'; {{agent.name}} is the assignee, or the helpdesk's name). */
const REPLY_PLACEHOLDERS = ["customer.name", "ticket.number", "ticket.subject", "agent.name"] as const;

/** One action. `types`: the kinds of action offered (a rule's by default; an automation's add "set status" and "reply"). */
export function ActionRow({
  index,
  draft,
  choices,
  fieldErrors,
  onChange,
  types = ACTION_TYPES,
  ...buttons
}: RowButtons & {
  index: number;
  draft: ActionDraft;
  choices: RuleChoices;
  fieldErrors?: Record<string, string[]>;
  onChange: (draft: ActionDraft) => void;
  types?: readonly string[];
}) {
  const { t } = useT();
  const name = (part: string) => `actions.${index}.${part}`;
  const errors = errorsFor(fieldErrors, `actions.${index}`);
  const known = types.includes(draft.type);
  const label = t(`${R}.action`, { n: index + 1 });
  const shape = `${draft.type}:${draft.key ?? ""}`;
  const gone = () => t(`${R}.gone`);
  const select = (part: string, value: string, options: Choice[]) => (
    <select key={shape} name={name(part)} defaultValue={value}>
      <option value="">{t(`${R}.choose`)}</option>
      {withSelected(options, [value], gone).map((o) => (
        <option key={o.id} value={o.id}>
          {o.name}
        </option>
      ))}
    </select>
  );
  const orNone = (value: string | null | undefined) => (value === null ? NONE : (value ?? ""));

  let inputs: React.ReactNode = null;
  switch (draft.type) {
    case "set_team":
      inputs = (
        <Part label={t("ticket.team")}>
          {select("teamId", orNone(draft.teamId), [...choices.teams, { id: NONE, name: t(`${R}.teamNone`) }])}
        </Part>
      );
      break;
    case "set_priority":
      inputs = (
        <Part label={t(`${R}.fields.priority`)}>
          {select(
            "priority",
            draft.priority ?? "",
            PRIORITIES.map((p) => ({ id: p, name: t(`ticket.priority.${p}`) })),
          )}
        </Part>
      );
      break;
    case "set_type":
      inputs = (
        <Part label={t(`${R}.fields.type`)}>
          {select(
            "ticketType",
            draft.ticketType ?? "",
            TICKET_TYPES.map((p) => ({ id: p, name: t(`ticket.type.${p}`) })),
          )}
        </Part>
      );
      break;
    case "add_tags":
    case "remove_tags":
      inputs = (
        <Part label={t(`${R}.fields.tags`)} wide>
          <input key={shape} name={name("tags")} defaultValue={listText(draft.tags)} autoComplete="off" spellCheck={false} />
        </Part>
      );
      break;
    case "set_field": {
      const field = choices.fields.find((f) => f.key === draft.key);
      inputs = (
        <>
          <Part label={t(`${R}.customField`)}>
            <FieldKeySelect name={name("key")} value={draft.key ?? ""} fields={choices.fields} onChange={(key) => onChange({ type: "set_field", key, value: null })} />
          </Part>
          <Part label={t(`${R}.value`)}>
            <FieldValueInput key={shape} name={name("value")} field={field} value={draft.value} clearable label={`${label} · ${t(`${R}.value`)}`} />
          </Part>
        </>
      );
      break;
    }
    case "assign": {
      const value = orNone(draft.userId);
      // Someone no longer assignable still shows by name, for the service to refuse.
      const person = choices.people.find((p) => p.id === value);
      const agents = [...choices.agents, ...(person && !choices.agents.some((a) => a.id === value) ? [{ id: person.id, name: t(`${R}.deactivated`, { name: person.name }) }] : [])];
      inputs = <Part label={t("ticket.assignee")}>{select("userId", value, [...agents, { id: NONE, name: t(`${R}.unassign`) }])}</Part>;
      break;
    }
    case "add_note":
      inputs = (
        <Part label={t(`${R}.note`)} wide>
          <textarea key={shape} name={name("body")} rows={3} maxLength={5000} defaultValue={typeof draft.body === "string" ? draft.body : ""} />
        </Part>
      );
      break;
    case "set_status":
      inputs = (
        <Part label={t(`${R}.fields.status`)}>
          {select(
            "status",
            draft.status ?? "",
            SET_STATUSES.map((s) => ({ id: s, name: t(`ticket.statusStaff.${s}`) })),
          )}
        </Part>
      );
      break;
  }
  const texts: ReplyTexts = typeof draft.body === "object" && draft.body !== null ? draft.body : {};
  const to = draft.to ?? [];

  return (
    <fieldset className={`rule-row${errors ? " has-error" : ""}`} data-testid="action-row" data-type={draft.type}>
      <legend>{label}</legend>
      <div className="rule-row-line">
        <Part label={t(`${R}.actionType`)}>
          <select name={name("type")} value={draft.type} onChange={(e) => onChange(blankAction(e.target.value as ActionType | AutomationActionType))}>
            {!known && <option value={draft.type}>{draft.type || t(`${R}.choose`)}</option>}
            {types.map((type) => (
              <option key={type} value={type}>
                {actionTypeLabel(type, t)}
              </option>
            ))}
          </select>
        </Part>
        {inputs}
      </div>
      {draft.type === "set_field" && <p className="hint">{t(`${R}.clearHint`)}</p>}
      {draft.type === "add_tags" || draft.type === "remove_tags" ? <p className="hint">{t(`${R}.hints.tags`)}</p> : null}
      {draft.type === "add_note" && <p className="hint">{t(`${R}.noteHint`)}</p>}
      {draft.type === "reply" && (
        <>
          <div className="rule-row-line reply-texts">
            {LOCALES.map((locale) => (
              <Part key={locale} label={t(`admin.automations.replyIn.${locale}`)} wide>
                <textarea
                  key={shape}
                  name={name(`body.${locale}`)}
                  rows={4}
                  maxLength={MAX_MACRO_TEXT}
                  lang={locale}
                  defaultValue={texts[locale] ?? ""}
                  aria-invalid={errorsFor(fieldErrors, `actions.${index}.body.${locale}`) ? true : undefined}
                />
              </Part>
            ))}
          </div>
          <p className="hint">{t("admin.automations.replyHint")}</p>
          <p className="hint reply-placeholders">
            {t("admin.automations.placeholders")}{" "}
            {REPLY_PLACEHOLDERS.map((p, i) => (
              <span key={p}>
                {i > 0 && t("admin.rules.summary.comma")}
                <code>{`{{${p}}}`}</code> {t(`admin.automations.placeholder.${p}`)}
              </span>
            ))}
          </p>
        </>
      )}
      {draft.type === "notify" && (
        <>
          <Checks
            key={`${shape}:who`}
            name={name("to")}
            legend={label}
            choices={[
              { id: "assignee", name: t(`${R}.notifyAssignee`) },
              { id: "team", name: t(`${R}.notifyTeam`) },
            ]}
            checked={to}
          />
          <p className="rule-part-label">{t(`${R}.notifyPeople`)}</p>
          <Checks
            key={`${shape}:people`}
            name={name("to")}
            legend={`${label} · ${t(`${R}.notifyPeople`)}`}
            choices={withSelected(
              peopleChoices(choices.people, to, t),
              to.filter((x) => x !== "assignee" && x !== "team"),
              gone,
            )}
            checked={to}
          />
          <p className="hint">{t(`${R}.notifyHint`)}</p>
        </>
      )}
      <div className="rule-row-foot">
        <div>
          <FieldErrors keys={errors} />
        </div>
        <RemoveButton {...buttons} intent={`remove-action:${index}`} label={t(`${R}.removeAction`, { n: index + 1 })} />
      </div>
    </fieldset>
  );
}

/**
 * The editor's two cards shared by rules and automations: which conditions must hold (all or any),
 * the condition rows and the action rows, with their add buttons. With scripts, rows are added and
 * removed in the page; without, those buttons send the form (intents "add-condition",
 * "remove-action:2"… for app/utils/rule-form.ts editDraft) and the page comes back with the row.
 */
export function ConditionsAndActions({
  initial,
  choices,
  fieldErrors,
  actionTypes = ACTION_TYPES,
  blank = blankAction,
  noConditions,
  actionsLead,
}: {
  initial: { match: string; conditions: ConditionDraft[]; actions: ActionDraft[] };
  choices: RuleChoices;
  fieldErrors?: Record<string, string[]>;
  /** The kinds of action offered (a rule's by default). */
  actionTypes?: readonly string[];
  /** A new action row. */
  blank?: () => ActionDraft;
  noConditions: string;
  actionsLead: string;
}) {
  const { t } = useT();
  const [scripted, setScripted] = useState(false);
  useEffect(() => setScripted(true), []);
  const ids = useRef(0);
  const withIds = <T,>(rows: T[]) => rows.map((row) => ({ uid: ++ids.current, row }));
  const [conditions, setConditions] = useState(() => withIds(initial.conditions));
  const [actions, setActions] = useState(() => withIds(initial.actions));
  const [match, setMatch] = useState(initial.match === "any" ? "any" : "all");
  const addButton = (intent: string, label: string, onAdd: () => void, disabled: boolean) => (
    <button
      type={scripted ? "button" : "submit"}
      name={scripted ? undefined : "intent"}
      value={scripted ? undefined : intent}
      formNoValidate
      className="btn btn-secondary"
      disabled={disabled}
      onClick={scripted ? onAdd : undefined}
    >
      + {label}
    </button>
  );
  const refresh = !scripted && (
    <button type="submit" name="intent" value="refresh" className="btn-link without-scripts" formNoValidate>
      {t(`${R}.refresh`)}
    </button>
  );

  return (
    <>
      <section className="card" data-testid="conditions">
        <h2>{t(`${R}.conditions`)}</h2>
        {conditions.length > 1 ? (
          <fieldset className="field inline-checks rule-match">
            <legend>{t(`${R}.match`)}</legend>
            {(["all", "any"] as const).map((m) => (
              <label key={m} className="check-inline">
                <input type="radio" name="match" value={m} checked={match === m} onChange={() => setMatch(m)} /> {t(m === "all" ? `${R}.matchAll` : `${R}.matchAny`)}
              </label>
            ))}
            <FieldErrors keys={fieldErrors?.match} />
          </fieldset>
        ) : (
          <input type="hidden" name="match" value={match} />
        )}
        {conditions.length === 0 && <p className="muted">{noConditions}</p>}
        {conditions.map(({ uid, row }, i) => (
          <ConditionRow
            key={uid}
            index={i}
            draft={row}
            choices={choices}
            fieldErrors={fieldErrors}
            scripted={scripted}
            onChange={(next) => setConditions((rows) => rows.map((r) => (r.uid === uid ? { uid, row: next } : r)))}
            onRemove={() => setConditions((rows) => rows.filter((r) => r.uid !== uid))}
          />
        ))}
        <FieldErrors keys={fieldErrors?.conditions} />
        <div className="rule-add">
          {addButton(
            "add-condition",
            t(`${R}.addCondition`),
            () => setConditions((rows) => [...rows, { uid: ++ids.current, row: blankCondition() }]),
            conditions.length >= MAX_CONDITIONS,
          )}
          {refresh}
        </div>
      </section>

      <section className="card" data-testid="actions">
        <h2>{t(`${R}.actions`)}</h2>
        <p className="muted small">{actionsLead}</p>
        {actions.map(({ uid, row }, i) => (
          <ActionRow
            key={uid}
            index={i}
            draft={row}
            choices={choices}
            types={actionTypes}
            fieldErrors={fieldErrors}
            scripted={scripted}
            onChange={(next) => setActions((rows) => rows.map((r) => (r.uid === uid ? { uid, row: next } : r)))}
            onRemove={() => setActions((rows) => rows.filter((r) => r.uid !== uid))}
          />
        ))}
        <FieldErrors keys={fieldErrors?.actions} />
        <div className="rule-add">
          {addButton("add-action", t(`${R}.addAction`), () => setActions((rows) => [...rows, { uid: ++ids.current, row: blank() }]), actions.length >= MAX_ACTIONS)}
          {refresh}
        </div>
      </section>
    </>
  );
}

/**
 * A refused save in an editor: the first error is scrolled into view, wherever it is on a long form
 * (a phone shows little of it), and the form's own message is shown unless a field already says it
 * ("another rule has this name").
 */
export function useRefusal(formError: string | undefined, fieldErrors: Record<string, string[]> | undefined) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!formError) return;
    const form = formRef.current;
    (form?.querySelector(".has-error, .field-error") ?? form?.querySelector(".form-error"))?.scrollIntoView({ block: "center" });
  }, [formError]);
  const shownFormError = formError && !Object.values(fieldErrors ?? {}).flat().includes(formError) ? formError : undefined;
  return { formRef, shownFormError };
}
