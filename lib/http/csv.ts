/**
 * CSV (RFC 4180) with a spreadsheet formula-injection guard: a cell that starts with =, +, -, @
 * (or a tab or carriage return, which some spreadsheets skip before reading a formula) gets a
 * leading apostrophe, so an audit value like "=HYPERLINK(...)" is shown as text, never evaluated.
 * Cells with a comma, quote or line break are quoted, quotes doubled. Rows end with CRLF.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
