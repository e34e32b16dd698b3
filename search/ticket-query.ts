// What an agent types into ticket search, read into free text and operators
// (`status:open assignee:me refund`, `#123`, `-tag:spam`). Pure: the service
// (search/tickets.ts) resolves names to ids and turns the result into a
// Meilisearch filter. Unknown operators stay free text, as in Zendesk; a
// known operator with a value it cannot take is reported, not guessed.
import { PRIORITIES, STATUSES, TICKET_TYPES } from "../server/tickets/schemas.ts";
import { ACTIVE_STATUSES } from "../server/tickets/status.ts";

export const OPERATORS = ["status", "priority", "type", "tag", "assignee", "requester", "team", "category"] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Term {
  operator: Operator;
  value: string;
  /** `-tag:spam`: tickets without it. */
  negate: boolean;
}

export interface TicketQuery {
  /** What is left for Meilisearch to match in the text. */
  text: string;
  terms: Term[];
  /** `#123`: that ticket. */
  numbers: number[];
  /** Operators with values they cannot take, as typed (`status:opne`). */
  invalid: string[];
}

const ACTIVE = "active";
/** Values each operator accepts as typed; null: any value (a tag, an email, a team key). */
const VALUES: Record<Operator, readonly string[] | null> = {
  status: [...STATUSES, ACTIVE],
  priority: PRIORITIES,
  type: TICKET_TYPES,
  tag: null,
  assignee: null,
  requester: null,
  team: null,
  category: null,
};

// A word, or a quoted phrase; an operator's value may be quoted too (tag:"two words").
const TOKEN = /(-?)(?:([a-z]+):)?(?:"([^"]*)"?|(\S*))/giu;
const NUMBER = /^#(\d{1,10})$/;

export function parseTicketQuery(raw: string): TicketQuery {
  const text: string[] = [];
  const terms: Term[] = [];
  const numbers: number[] = [];
  const invalid: string[] = [];
  for (const match of raw.matchAll(TOKEN)) {
    const [whole, minus, key, quoted, bare] = match;
    if (whole === "") continue;
    const value = (quoted ?? bare ?? "").trim();
    const operator = key?.toLowerCase() as Operator | undefined;
    const number = !key && !minus ? NUMBER.exec(value) : null;
    if (number && Number(number[1]) <= 2_147_483_647) {
      numbers.push(Number(number[1]));
      continue;
    }
    if (!operator || !OPERATORS.includes(operator)) {
      text.push(whole);
      continue;
    }
    const allowed = VALUES[operator];
    const normalised = value.toLowerCase();
    if (value === "" || (allowed && !allowed.includes(normalised))) {
      invalid.push(whole);
      continue;
    }
    terms.push({ operator, value: allowed ? normalised : value, negate: minus === "-" });
  }
  return { text: text.join(" ").trim(), terms, numbers, invalid };
}

/** Statuses an operator value stands for: `status:active` is every status still being worked. */
export function statusesOf(value: string): string[] {
  return value === ACTIVE ? [...ACTIVE_STATUSES] : [value];
}

/** What the search page lists as help: an example of each operator and the i18n key saying what it does. */
export const OPERATOR_EXAMPLES = [
  ["status:open", "status"],
  ["status:active", "active"],
  ["priority:urgent", "priority"],
  ["type:complaint", "type"],
  ["tag:refund", "tag"],
  ["-tag:spam", "negate"],
  ["assignee:me", "assignee"],
  ["assignee:none", "unassigned"],
  ["requester:someone@example.com", "requester"],
  ["team:billing", "team"],
  ["category:billing", "category"],
  ["#123", "number"],
] as const;
