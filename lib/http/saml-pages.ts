import { randomBytes } from "node:crypto";
import { describeError, type AppError, type Fixer } from "@/lib/errors";

/**
 * Self-contained HTML for the browser-facing SAML endpoints (route handlers, outside the React tree):
 * the error page, and the auto-submitting POST form. Each response carries its own strict CSP.
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const FIXER_LABEL: Record<Fixer, string> = {
  idp_admin: "The administrator of your identity provider (Okta, Entra ID, Google, …)",
  workspace_admin: "An administrator of this Gatehouse workspace",
  user: "You: no administrator is needed (see above)",
  operator: "The operator running Gatehouse",
};

/** For end users who are not the one who can fix it: what to pass on. */
const FIXER_ADVICE = "If that is not you, send them this page: the code, the details and the reference below tell them what to change.";
const DETAIL_LABEL: Record<string, string> = { expected: "Expected", actual: "Received" };

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f8fafc;color:#0f172a}
main{max-width:40rem;margin:3rem auto;padding:0 1rem}.brand{display:flex;align-items:center;gap:.5rem;margin:0 0 1rem;font-weight:600;color:#0f172a}
.mark{display:block;width:1.75rem;height:1.75rem}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:.75rem;padding:1.75rem;box-shadow:0 1px 2px rgba(0,0,0,.04)}
.code{display:inline-block;font:600 12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#fef2f2;color:#b91c1c;border-radius:.375rem;padding:.15rem .5rem}
h1{font-size:1.35rem;line-height:1.3;margin:.75rem 0 .5rem}p{margin:.5rem 0;color:#334155}dl{margin:.25rem 0 0;display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.35rem 1rem;font-size:13px}
dt{color:#475569}dd{margin:0;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}h2{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#475569;margin:1.5rem 0 .25rem}
.fixer{background:#f8fafc;border:1px solid #e2e8f0;border-radius:.5rem;padding:.75rem 1rem;margin-top:1.25rem}.fixer h2{margin-top:0}
a{color:#1f44b8}.foot{margin-top:1.5rem}.muted{color:#475569;font-size:13px}code{overflow-wrap:anywhere}
button{font:inherit;background:#2855e0;color:#fff;border:0;border-radius:.375rem;padding:.55rem 1rem;cursor:pointer}button:hover{background:#1f44b8}`;

function csp(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "form-action *",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function page(title: string, body: string, nonce: string, extraHead = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style nonce="${nonce}">${STYLE}</style>${extraHead}</head><body>${body}</body></html>`;
}

export function htmlResponse(html: string, status: number, nonce: string, headers: Record<string, string> = {}): Response {
  return new Response(html, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": csp(nonce),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
      ...headers,
    },
  });
}

/** Flat, safe expected/actual values only: nested objects and long strings are left out or cut. */
function safeDetailRows(detail: Record<string, unknown> | undefined): [string, string][] {
  if (!detail) return [];
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(detail)) {
    if (/key|secret|token|password|assertion(?!Id)|xml|cert/i.test(k)) continue;
    let text: string | null = null;
    if (v === null) text = "(none)";
    else if (["string", "number", "boolean"].includes(typeof v)) text = String(v);
    else if (Array.isArray(v) && v.every((x) => ["string", "number", "boolean"].includes(typeof x))) text = v.slice(0, 10).join(", ");
    if (text === null) continue;
    rows.push([k, text.length > 300 ? `${text.slice(0, 300)}…` : text]);
    if (rows.length >= 12) break;
  }
  return rows;
}

export function samlErrorResponse(error: AppError, opts: { eventId?: string | null; retryUrl?: string | null } = {}): Response {
  const nonce = randomBytes(16).toString("base64");
  const entry = describeError(error.code);
  const rows = safeDetailRows(error.detail);
  const body = `<main><p class="brand"><img class="mark" src="/logo.svg" width="28" height="28" alt="">Gatehouse · ${error.code.startsWith("SAML_SLO_") ? "Sign-out failed" : "Sign-in failed"}</p><div class="card" role="alert">
<span class="code">${escapeHtml(error.code)}</span>
<h1>${escapeHtml(error.message)}</h1>
<p>${escapeHtml(error.hint)}</p>
<div class="fixer"><h2>Who can fix this</h2><p>${escapeHtml(FIXER_LABEL[entry.fixer])}</p>${entry.fixer === "user" ? "" : `<p class="muted">${escapeHtml(FIXER_ADVICE)}</p>`}</div>
${rows.length ? `<h2>Details</h2><dl>${rows.map(([k, v]) => `<dt>${escapeHtml(DETAIL_LABEL[k] ?? k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>` : ""}
<p class="muted foot">${opts.eventId ? `Reference: <code>${escapeHtml(opts.eventId)}</code> · ` : ""}${opts.retryUrl ? `<a href="${escapeHtml(opts.retryUrl)}">Try signing in again</a> · ` : ""}<a href="/login">Back to sign-in</a></p>
</div></main>`;
  return htmlResponse(
    page(`${error.code.startsWith("SAML_SLO_") ? "Sign-out" : "Sign-in"} failed: ${error.code}`, body, nonce),
    error.status,
    nonce,
    error.headers ?? {},
  );
}

/** HTTP-POST binding: a form that submits itself (with a button for browsers without script). */
export function autoPostResponse(action: string, fields: Record<string, string>, opts: { title?: string; status?: number } = {}): Response {
  const nonce = randomBytes(16).toString("base64");
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
  const body = `<main><div class="card"><form id="saml-post" method="post" action="${escapeHtml(action)}">${inputs}
<p>${escapeHtml(opts.title ?? "Continuing to your identity provider…")}</p><noscript><p class="muted">JavaScript is off: press the button.</p></noscript><button type="submit">Continue</button></form></div></main>
<script nonce="${nonce}">document.getElementById("saml-post").submit();</script>`;
  return htmlResponse(page("Signing in…", body, nonce), opts.status ?? 200, nonce);
}

/** The same page shell (logo, card styles) for other self-rendered pages, e.g. the OpenID Connect provider's. */
export { page as renderHtmlPage };
