import { randomBytes } from "node:crypto";
import { describeError } from "@/lib/errors";
import { escapeHtml, renderHtmlPage } from "./saml-pages";

/**
 * The page every entry point shows when a workspace's IP allowlist refuses the request (console
 * pages and actions redirect to /auth/ip-refused; the SSO completion and the OIDC login step render
 * it in place). It says which address Gatehouse saw and who can fix it; it never shows the ranges.
 */

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Where session requests that the allowlist refuses are sent. */
export function ipRefusedPath(workspaceSlug: string): string {
  return `/auth/ip-refused?workspace=${encodeURIComponent(workspaceSlug)}`;
}

/** Only a well-formed slug is echoed (never free text from the URL). */
export function safeWorkspaceSlug(value: string | null | undefined): string | null {
  return value && SLUG.test(value) ? value : null;
}

export type IpRefusedView = { address: string | null; workspace: string | null };

export function ipRefusedPage(v: IpRefusedView): { html: string; csp: string; status: number } {
  const nonce = randomBytes(16).toString("base64");
  const code = "IP_NOT_ALLOWED";
  const entry = describeError(code);
  const where = v.workspace ? `The workspace “${v.workspace}”` : "This workspace";
  const address = v.address ?? "unknown";
  const body = `<main><p class="brand"><img class="mark" src="/logo.svg" width="28" height="28" alt="">Gatehouse · Access refused</p><div class="card" role="alert">
<span class="code">${code}</span>
<h1>${escapeHtml(where)} does not allow access from your network.</h1>
<p>Gatehouse saw this request come from <strong data-testid="refused-address">${escapeHtml(address)}</strong>, which is outside the networks this workspace allows. ${escapeHtml("Connect from your company network or VPN and try again.")}</p>
<div class="fixer"><h2>Who can fix this</h2><p>An owner of ${v.workspace ? `the workspace “${escapeHtml(v.workspace)}”` : "the workspace"}: they can add your network to its IP allowlist (Settings → Security). Send them this page: the address above is what they need.</p></div>
<h2>Details</h2><dl><dt>Code</dt><dd>${code}</dd><dt>Your address</dt><dd>${escapeHtml(address)}</dd>${v.workspace ? `<dt>Workspace</dt><dd>${escapeHtml(v.workspace)}</dd>` : ""}</dl>
<p class="muted foot"><a href="/">Your other workspaces</a> · <a href="/login">Back to sign-in</a></p>
</div></main>`;
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "script-src 'none'",
    "img-src 'self' data:",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return { html: renderHtmlPage(`Access refused: ${code}`, body, nonce), csp, status: entry.status };
}

export function ipRefusedResponse(v: IpRefusedView): Response {
  const p = ipRefusedPage(v);
  return new Response(p.html, {
    status: p.status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": p.csp,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
    },
  });
}
