import { createHash, randomBytes } from "node:crypto";
import { escapeHtml, renderHtmlPage } from "./saml-pages";

/**
 * The pages Gatehouse's OpenID Connect provider renders itself (outside Next): errors it cannot send
 * back to the application, the sign-out confirmation, the signed-out page and the organization
 * picker. Each comes with its own CSP (styles by nonce; the one script by hash).
 */
export type RenderedPage = { html: string; csp: string };

function csp(nonce: string, o: { scriptHash?: string; formAction?: string } = {}): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    o.scriptHash ? `script-src '${o.scriptHash}'` : "script-src 'none'",
    "img-src 'self' data:",
    // A form that leaves for an application (sign-out redirect) must be allowed to follow that redirect.
    `form-action ${o.formAction ?? "'self'"}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const brand = (label: string) =>
  `<p class="brand"><img class="mark" src="/logo.svg" width="28" height="28" alt="">Gatehouse · ${escapeHtml(label)}</p>`;

/** An authorization request that cannot be answered at the application (unknown client, unregistered redirect_uri, …). */
export function oidcErrorPage(out: { error?: unknown; error_description?: unknown }): RenderedPage {
  const nonce = randomBytes(16).toString("base64");
  const code = typeof out.error === "string" ? out.error : "server_error";
  const description = typeof out.error_description === "string" ? out.error_description : "The request could not be processed.";
  const body = `<main>${brand("Sign-in request refused")}<div class="card" role="alert">
<span class="code">${escapeHtml(code)}</span>
<h1>The application's sign-in request was refused.</h1>
<p>${escapeHtml(description)}</p>
<div class="fixer"><h2>Who can fix this</h2><p>The developers of the application you came from: its registration in Gatehouse (client_id, redirect URIs) and the request it sends must agree.</p></div>
<p class="muted foot"><a href="/login">Sign in to Gatehouse</a></p></div></main>`;
  return { html: renderHtmlPage(`Sign-in request refused: ${code}`, body, nonce), csp: csp(nonce) };
}

/** A page for problems of the interaction itself (expired, used in another browser). */
export function interactionProblemPage(title: string, hint: string): RenderedPage {
  const nonce = randomBytes(16).toString("base64");
  const body = `<main>${brand("Sign-in")}<div class="card" role="alert"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(hint)}</p>
<p class="muted foot"><a href="/login">Sign in to Gatehouse</a></p></div></main>`;
  return { html: renderHtmlPage(title, body, nonce), csp: csp(nonce) };
}

/**
 * RP-initiated logout confirmation. `formHtml` is the provider's form (id "op.logoutForm", with its
 * anti-forgery field). When the request proved it comes from the signed-in session (a valid
 * id_token_hint for this person), the form submits itself; otherwise the person confirms.
 */
export function logoutConfirmPage(o: {
  formHtml: string;
  clientName: string | null;
  autoSubmit: boolean;
  redirectOrigin: string | null;
}): RenderedPage {
  const nonce = randomBytes(16).toString("base64");
  const script = `document.getElementById("op.logoutForm").submit();`;
  const scriptHash = `sha256-${createHash("sha256").update(script).digest("base64")}`;
  const formWithAnswer = o.formHtml.replace("</form>", '<input type="hidden" name="logout" value="yes"></form>');
  const who = o.clientName ? ` from ${escapeHtml(o.clientName)}` : "";
  const body = `<main>${brand("Sign out")}<div class="card"><h1>Sign out${who}?</h1>
<p>You will be signed out of Gatehouse and of the applications you signed in to with it in this browser.</p>
${formWithAnswer}
<p><button type="submit" form="op.logoutForm" autofocus>Sign out</button></p></div></main>
${o.autoSubmit ? `<script>${script}</script>` : ""}`;
  return {
    html: renderHtmlPage("Sign out", body, nonce),
    csp: csp(nonce, {
      scriptHash: o.autoSubmit ? scriptHash : undefined,
      formAction: ["'self'", o.redirectOrigin].filter(Boolean).join(" "),
    }),
  };
}

export function loggedOutPage(clientName: string | null): RenderedPage {
  const nonce = randomBytes(16).toString("base64");
  const body = `<main>${brand("Signed out")}<div class="card"><h1>You are signed out${clientName ? ` of ${escapeHtml(clientName)}` : ""}.</h1>
<p>Your Gatehouse session in this browser has ended.</p><p class="muted foot"><a href="/login">Sign in again</a></p></div></main>`;
  return { html: renderHtmlPage("Signed out", body, nonce), csp: csp(nonce) };
}

/** A person in several organizations, with nothing in the request to choose one. */
export function organizationPickerPage(o: {
  action: string;
  clientName: string | null;
  organizations: { id: string; slug: string; name: string }[];
  /** The application's redirect URI origin: the form's redirects end there (CSP form-action covers them). */
  redirectOrigin: string | null;
}): RenderedPage {
  const nonce = randomBytes(16).toString("base64");
  const items = o.organizations
    .map(
      (org) =>
        `<li><button type="submit" name="organization" value="${escapeHtml(org.id)}">${escapeHtml(org.name)} <span class="muted">(${escapeHtml(org.slug)})</span></button></li>`,
    )
    .join("");
  const body = `<main>${brand("Choose an organization")}<div class="card"><h1>Continue to ${escapeHtml(o.clientName ?? "the application")} as a member of…</h1>
<form method="post" action="${escapeHtml(o.action)}"><ul class="orgs">${items}</ul></form></div></main>`;
  const extra = `<style nonce="${nonce}">.orgs{list-style:none;padding:0;margin:1rem 0 0;display:grid;gap:.5rem}.orgs button{width:100%;text-align:left}.orgs .muted{color:#dbeafe}</style>`;
  return {
    html: renderHtmlPage("Choose an organization", body, nonce, extra),
    csp: csp(nonce, { formAction: ["'self'", o.redirectOrigin].filter(Boolean).join(" ") }),
  };
}
