/**
 * A single self-contained HTML page: tables and inline SVG figures, simple CSS, no
 * scripts and no external resources (fonts, styles or images), so the file can be
 * mailed or archived as is. Text is escaped for HTML (& < > " '); figures must be SVG
 * documents (as plots.ts makes them) and are inlined after their XML prolog is removed.
 */
import { InputError, describe } from "../core/errors.js";

/**
 * A number already written as the page should show it (a value with its standard error, a
 * percentage): right-aligned like a number, kept on one line.
 */
export interface NumberText {
  readonly number: string;
}

export type Cell = string | number | boolean | null | undefined | NumberText;

export interface HtmlTable {
  readonly caption: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

export interface HtmlFigure {
  readonly caption: string;
  readonly svg: string;
}

export interface HtmlReport {
  readonly title: string;
  /** Paragraphs of plain text under the title. */
  readonly notes?: readonly string[];
  readonly tables?: readonly HtmlTable[];
  readonly figures?: readonly HtmlFigure[];
  /** Paragraphs of plain text at the foot of the page (provenance). */
  readonly footer?: readonly string[];
}

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escape text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * A table cell: numbers keep 4 significant digits (exponent notation below 1e-3 and from
 * 1e5 on), non-finite numbers and missing values show as an en dash, a NumberText as written
 * (an empty one as the dash).
 */
export function formatCell(value: Cell): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "object") return value.number === "" ? "–" : value.number;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return "–";
    if (value === 0 || (Number.isInteger(value) && Math.abs(value) < 1e5)) return String(value);
    const a = Math.abs(value);
    return a < 1e-3 || a >= 1e5 ? value.toExponential(3).replace(/\.?0+e/, "e") : String(Number(value.toPrecision(4)));
  }
  return String(value);
}

const CSS = `
body { font-family: Helvetica, Arial, sans-serif; color: #222; max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.5em; font-weight: normal; border-bottom: 1px solid #ccc; padding-bottom: 0.3em; }
div.table { overflow-x: auto; margin: 1em 0 2em; }
table { border-collapse: collapse; font-size: 0.9em; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.4em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; }
th { background: #f2f2f2; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1em 0 2em; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #444; margin-top: 0.3em; }
footer { border-top: 1px solid #ccc; margin-top: 2em; padding-top: 0.5em; font-size: 0.8em; color: #555; overflow-wrap: anywhere; }
`.trim();

function svgBody(svg: string, field: string): string {
  const body = svg.replace(/^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?/i, "");
  if (!/^<svg[\s>]/.test(body) || !/<\/svg>\s*$/.test(body)) throw new InputError(`${field}: got ${describe(svg.slice(0, 40))}; must be an SVG document (<svg ...>...</svg>)`);
  if (/<script[\s>]/i.test(body) || /\son\w+\s*=/i.test(body)) throw new InputError(`${field}: the SVG holds a script or event handler; the report inlines static SVG only`);
  return body;
}

function table(t: HtmlTable, k: number): string {
  const width = t.columns.length;
  if (width === 0) throw new InputError(`tables[${k}].columns: empty; give at least one column`);
  const head = t.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join("");
  // a missing or non-finite number is a dash, not a number: no right alignment (the same
  // whether it comes from a run in memory, NaN, or from its results.json, null)
  const body = t.rows.map((row, i) => {
    if (row.length !== width) throw new InputError(`tables[${k}].rows[${i}]: got ${row.length} cells; the table has ${width} columns`);
    const numeric = (v: Cell): boolean => (typeof v === "number" && Number.isFinite(v)) || (typeof v === "object" && v !== null && v.number !== "");
    return `<tr>${row.map((v) => `<td${numeric(v) ? ' class="num"' : ""}>${escapeHtml(formatCell(v))}</td>`).join("")}</tr>`;
  });
  // a wide table scrolls sideways inside its box instead of running off the page
  return [`<div class="table">`, `<table>`, `<caption>${escapeHtml(t.caption)}</caption>`, `<thead><tr>${head}</tr></thead>`, `<tbody>`, ...body, `</tbody>`, `</table>`, `</div>`].join("\n");
}

/** The report as one HTML document. */
export function htmlReport(report: HtmlReport): string {
  if (typeof report.title !== "string") throw new InputError(`title: got ${describe(report.title)}; must be a string`);
  const parts = [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(report.title)}</title>`,
    `<style>\n${CSS}\n</style>`,
    "</head>",
    "<body>",
    `<h1>${escapeHtml(report.title)}</h1>`,
    ...(report.notes ?? []).map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(report.tables ?? []).map(table),
    ...(report.figures ?? []).map((f, k) => `<figure>\n${svgBody(f.svg, `figures[${k}].svg`)}\n<figcaption>${escapeHtml(f.caption)}</figcaption>\n</figure>`),
    ...((report.footer ?? []).length > 0 ? ["<footer>", ...report.footer!.map((p) => `<p>${escapeHtml(p)}</p>`), "</footer>"] : []),
    "</body>",
    "</html>",
  ];
  return parts.join("\n") + "\n";
}
