// What a time-based automation does to one ticket whose time has come, as
// plain functions (no I/O). Its conditions and the actions it shares with the
// routing rules are the rules' own (server/rules/evaluate.ts: an automation
// runs as a rule run once); its own actions set the status and write a public
// reply in the requester's language, with the macros' placeholders.
import { DEFAULT_LOCALE, isLocale, type Locale } from "../../app/i18n/config.ts";
import { fillPlaceholders, textIn, type MacroTexts } from "../macros/macros.ts";
import type { Rule, RuleFacts } from "../rules/evaluate.ts";
import type { RuleCondition } from "../rules/schemas.ts";
import { canChangeStatus, type Status } from "../tickets/status.ts";
import { MAX_MESSAGE } from "../tickets/schemas.ts";
import { isRuleAction, type AutomationAction, TRIGGER_STATUSES } from "./schemas.ts";

export interface Automation {
  id: string;
  name: string;
  position: number;
  enabled: boolean;
  /** The status a ticket has stayed in… */
  status: (typeof TRIGGER_STATUSES)[number];
  /** …for this long. */
  afterMinutes: number;
  match: "all" | "any";
  conditions: RuleCondition[];
  actions: AutomationAction[];
}

/** The automation's conditions and rule actions as a routing rule that runs once (as on filing: when its conditions hold). */
export function asRule(automation: Automation): Rule {
  return {
    id: automation.id,
    name: automation.name,
    position: 0,
    enabled: true,
    onCreate: true,
    onUpdate: false,
    match: automation.match,
    conditions: automation.conditions,
    actions: automation.actions.filter(isRuleAction),
  };
}

/** When a ticket that entered the automation's status at `statusChangedAt` falls due. */
export function dueAt(automation: Pick<Automation, "afterMinutes">, statusChangedAt: Date): Date {
  return new Date(statusChangedAt.getTime() + automation.afterMinutes * 60_000);
}

/** Tickets that entered the status at or before this moment are due at `now`. */
export function dueThrough(automation: Pick<Automation, "afterMinutes">, now: Date): Date {
  return new Date(now.getTime() - automation.afterMinutes * 60_000);
}

/** What the requester reads: their account's language, else the ticket's (the conversation's), else the default. */
export function replyLocale(accountLocale: string | null | undefined, ticketLanguage: string | null | undefined): Locale {
  if (isLocale(accountLocale)) return accountLocale;
  if (isLocale(ticketLanguage)) return ticketLanguage;
  return DEFAULT_LOCALE;
}

/** What a reply's placeholders are filled with. */
export interface ReplyValues {
  customerName: string;
  customerEmail: string;
  number: number;
  subject: string;
  /** The assignee's name (after the automation's changes), else the helpdesk's name. */
  agentName: string;
}

/** The automation's replies for the ticket, in `locale`, filled in (and cut to what a message holds). */
export function repliesFor(automation: Automation, locale: Locale, values: ReplyValues): string[] {
  return automation.actions.flatMap((action) => {
    if (action.type !== "reply") return [];
    const text = textIn(action.body as MacroTexts, locale);
    if (!text) return [];
    const body = fillPlaceholders(text, {
      "customer.name": values.customerName,
      "customer.email": values.customerEmail,
      "ticket.number": String(values.number),
      "ticket.subject": values.subject,
      "agent.name": values.agentName,
    });
    return [body.slice(0, MAX_MESSAGE)];
  });
}

/** The status the automation sets, if it changes the ticket's (and may: never back to "new", never out of "closed"). */
export function statusFor(automation: Automation, current: Status): Status | null {
  const action = automation.actions.find((a) => a.type === "set_status");
  if (!action || action.type !== "set_status" || action.status === current) return null;
  return canChangeStatus(current, action.status) ? action.status : null;
}

/** Facts of a ticket for an automation's conditions: the text is its subject and its request (first message). */
export function automationFacts(facts: Omit<RuleFacts, "text">, subject: string, request: string | null): RuleFacts {
  return { ...facts, text: request ? `${subject}\n${request}` : subject };
}
