// Cursor pagination for list endpoints and pages. Cursors are opaque to
// clients (base64url JSON), so the sort key can change without breaking them.
//
// Keyset cursors carry the last row's sort key (createdAt + id): a page never
// skips or repeats rows when rows are added in front of it, and the query stays
// an index range scan however deep the reader goes (unlike OFFSET).
import { z } from "zod";
import { DomainError } from "./errors.ts";

/** What a cursor parameter must look like before it is even decoded. */
export const CursorParamSchema = z
  .string({ error: "validation.cursor" })
  .max(300, "validation.cursor")
  .regex(/^[A-Za-z0-9_-]+$/, "validation.cursor");

/** The `limit` parameter of a list: page size, from 1 to `max`. */
export const LimitParamSchema = (max: number, fallback: number) =>
  z.coerce
    .number({ error: "validation.limit" })
    .int("validation.limit")
    .min(1, "validation.limit")
    .max(max, "validation.limit")
    .default(fallback);

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface Keyset {
  createdAt: Date;
  id: string;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** For lists with a sort key of their own: the key as JSON, opaque to clients. */
export const encodeCursor = encode;
export const decodeCursor = (cursor: string): unknown => decode(cursor);

function decode(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

/** A malformed cursor is the client's mistake: a 400 naming the field. */
const badCursor = () => new DomainError("validation_failed", "errors.validation", { cursor: ["validation.cursor"] });

const KeysetSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(100)]);

export const encodeKeyset = (row: Keyset) => encode([row.createdAt.toISOString(), row.id]);

export function decodeKeyset(cursor: string): Keyset {
  const parsed = KeysetSchema.safeParse(decode(cursor));
  if (!parsed.success) throw badCursor();
  return { createdAt: new Date(parsed.data[0]), id: parsed.data[1] };
}

type Range<T> = { lt?: T; lte?: T; gt?: T; gte?: T };
type KeysetWhere = { OR: [{ createdAt: Range<Date> }, { createdAt: Date; id: Range<string> }] };

/** Rows strictly after `key` in the order (createdAt, id) `order`: a Prisma where-clause. */
export function afterKeyset(key: Keyset, order: "asc" | "desc"): KeysetWhere {
  const op = order === "desc" ? "lt" : "gt";
  return { OR: [{ createdAt: { [op]: key.createdAt } }, { createdAt: key.createdAt, id: { [op]: key.id } }] };
}

/**
 * Cuts a page from rows fetched with `take: limit + 1`: the extra row only
 * tells whether another page exists.
 */
export function keysetPage<T extends Keyset>(rows: T[], limit: number): Page<T>;
/** The same, for rows whose keyset has other names (`keyOf` gives it). */
export function keysetPage<T>(rows: T[], limit: number, keyOf: (row: T) => Keyset): Page<T>;
export function keysetPage<T>(rows: T[], limit: number, keyOf: (row: T) => Keyset = (row) => row as Keyset): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeKeyset(keyOf(last)) : null };
}

/** Offset cursors, for sources that only page by offset (the search engine). */
export const encodeOffset = (offset: number) => encode({ o: offset });

export function decodeOffset(cursor: string, max: number): number {
  const parsed = z.object({ o: z.number().int().min(0).max(max) }).safeParse(decode(cursor));
  if (!parsed.success) throw badCursor();
  return parsed.data.o;
}
