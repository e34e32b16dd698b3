// CSV downloads (reports, the audit log), written with csv-stringify.
import { stringify } from "csv-stringify/sync";

/**
 * Text that came from people (names, emails, what they typed): a cell that
 * starts like a formula is read by a spreadsheet as text, not run.
 */
export function spreadsheetSafe<T>(value: T): T | string {
  return typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export interface CsvColumn<Row> {
  key: keyof Row & string;
  header: string;
}

/**
 * Rows as CSV lines (with the header line when `header`), every text cell
 * made spreadsheet-safe. Long exports call it page by page, the header only
 * with the first.
 */
export function csvLines<Row extends Record<string, unknown>>(rows: readonly Row[], columns: readonly CsvColumn<Row>[], header = true): string {
  const safe = rows.map((row) => Object.fromEntries(columns.map((c) => [c.key, spreadsheetSafe(row[c.key])])));
  return stringify(safe, { header, columns: columns.map((c) => ({ key: c.key, header: c.header })) });
}

/** Headers of a CSV download named `filename`. */
export function csvHeaders(filename: string): Record<string, string> {
  return {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
  };
}
