// What an audit entry's data says, as short lines a person can read on the
// page and in the CSV ("role: agent → supervisor"). Pure: no I/O.

const MAX_VALUE_LENGTH = 200;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** One value as text: lists joined, nothing as "—", long text cut. */
export function valueText(value: unknown): string {
  let text: string;
  if (value === null || value === undefined || value === "") text = "—";
  else if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") text = String(value);
  else if (Array.isArray(value)) text = value.length === 0 ? "—" : value.map(valueText).join(", ");
  else if (isRecord(value)) text = Object.entries(value).map(([k, v]) => `${k}=${valueText(v)}`).join(", ") || "—";
  else text = String(value);
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

export interface ChangeLine {
  key: string;
  /** Set for a change: the value before it. */
  before?: string;
  /** The value after the change, or the detail's value. */
  value: string;
}

/**
 * The entry's data as lines: a change ({ before, after }, as changedFields
 * makes it) gives one line per field with both values; anything else gives
 * one line per detail.
 */
export function describeData(data: unknown): ChangeLine[] {
  if (!isRecord(data)) return [];
  const { before, after, ...rest } = data;
  const lines: ChangeLine[] = [];
  if (isRecord(before) || isRecord(after)) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
      lines.push({ key, before: valueText(b[key]), value: valueText(a[key]) });
    }
  } else {
    if (before !== undefined) lines.push({ key: "before", value: valueText(before) });
    if (after !== undefined) lines.push({ key: "after", value: valueText(after) });
  }
  for (const [key, value] of Object.entries(rest)) lines.push({ key, value: valueText(value) });
  return lines;
}

/** The lines as one text, for a CSV cell. */
export function changeText(lines: readonly ChangeLine[]): string {
  return lines.map((l) => (l.before !== undefined ? `${l.key}: ${l.before} → ${l.value}` : `${l.key}: ${l.value}`)).join("; ");
}

/** A name for what the entry is about: the person's name, else a name the data carries. */
export function targetLabel(data: unknown, person?: { name: string; email: string } | null): string | null {
  if (person) return `${person.name} <${person.email}>`;
  if (!isRecord(data)) return null;
  for (const source of [data, data.after, data.before]) {
    if (isRecord(source) && typeof source.name === "string" && source.name) return source.name;
  }
  return null;
}
