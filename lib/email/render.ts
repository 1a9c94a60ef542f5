/**
 * Plain text + simple HTML email bodies. Every value is escaped when the HTML is built; links that
 * carry a token are `{{name}}` placeholders, filled in (and escaped) only when the message is sent, so
 * the token never sits in the database in clear (lib/email/outbox.ts seals it).
 */

export type EmailContent = {
  subject: string;
  text: string;
  html: string;
  /** Placeholder values that are secret (links with a token): sealed at rest, filled in at send time. */
  secrets?: Record<string, string>;
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A placeholder for a secret value (see fillPlaceholders). */
export const secret = (name: string) => `{{${name}}}`;

/** Replace `{{name}}` with its value: raw in text, escaped in HTML. Unknown names are left as they are. */
export function fillPlaceholders(template: string, values: Record<string, string>, mode: "text" | "html"): string {
  return template.replace(/\{\{([a-z_]+)\}\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) return whole;
    return mode === "html" ? escapeHtml(v) : v;
  });
}

export type Block = { p: string } | { button: { label: string; href: string } } | { small: string } | { facts: [string, string][] };

/**
 * One message from blocks: paragraphs, one call to action (a link, shown in full in the text part
 * too), small print and a short list of facts. Hrefs may be a secret placeholder.
 */
export function renderEmail(rawSubject: string, blocks: Block[], footer: string): Omit<EmailContent, "secrets"> {
  // A subject is one header line: names typed by admins never add a header (CR/LF) or control characters.
  const subject = rawSubject.replace(/[\u0000-\u001f\u007f]+/g, " ").slice(0, 250);
  const text: string[] = [];
  const html: string[] = [];
  for (const b of blocks) {
    if ("p" in b) {
      text.push(b.p);
      html.push(`<p style="margin:0 0 16px">${escapeHtml(b.p)}</p>`);
    } else if ("button" in b) {
      text.push(`${b.button.label}: ${b.button.href}`);
      const href = isPlaceholder(b.button.href) ? b.button.href : escapeHtml(b.button.href);
      html.push(
        `<p style="margin:0 0 16px"><a href="${href}" style="display:inline-block;background:#4f46e5;color:#ffffff;padding:10px 16px;border-radius:6px;text-decoration:none;font-weight:600">${escapeHtml(b.button.label)}</a></p>` +
          `<p style="margin:0 0 16px;font-size:12px;color:#64748b">Or paste this link into your browser: ${href}</p>`,
      );
    } else if ("small" in b) {
      text.push(b.small);
      html.push(`<p style="margin:0 0 16px;font-size:12px;color:#64748b">${escapeHtml(b.small)}</p>`);
    } else {
      text.push(b.facts.map(([k, v]) => `${k}: ${v}`).join("\n"));
      html.push(
        `<table style="margin:0 0 16px;border-collapse:collapse;font-size:14px">${b.facts
          .map(
            ([k, v]) =>
              `<tr><td style="padding:2px 12px 2px 0;color:#64748b">${escapeHtml(k)}</td><td style="padding:2px 0">${escapeHtml(v)}</td></tr>`,
          )
          .join("")}</table>`,
      );
    }
  }
  text.push(`--\n${footer}`);
  return {
    subject,
    text: text.join("\n\n") + "\n",
    html:
      `<!doctype html><html><body style="margin:0;padding:24px;background:#f8fafc;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#0f172a">` +
      `<div style="max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #e2e8f0;border-radius:8px;padding:24px">` +
      `<h1 style="margin:0 0 16px;font-size:18px">${escapeHtml(subject)}</h1>${html.join("")}` +
      `<p style="margin:24px 0 0;font-size:12px;color:#94a3b8">${escapeHtml(footer)}</p></div></body></html>`,
  };
}

function isPlaceholder(href: string): boolean {
  return /^\{\{[a-z_]+\}\}$/.test(href);
}
