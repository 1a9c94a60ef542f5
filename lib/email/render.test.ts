import { describe, expect, it } from "vitest";
import { fillPlaceholders, renderEmail } from "./render";
import { invitationEmail } from "./templates";

describe("email rendering", () => {
  it("HTML injection: names typed by admins are escaped in the HTML part and kept as they are in the text part", () => {
    const m = invitationEmail({
      workspaceName: `<img src=x onerror=alert(1)> & "Co"`,
      inviter: "eve@evil.test",
      role: "viewer",
      inviteUrl: "http://localhost:3000/invite/abc",
      expiresInDays: 7,
    });
    expect(m.html).not.toContain("<img");
    expect(m.html).toContain("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot;");
    expect(m.text).toContain(`<img src=x onerror=alert(1)> & "Co"`);
  });

  it("header injection: a CR/LF in a name never becomes a second header line of the subject", () => {
    const m = renderEmail("Hello\r\nBcc: victim@example.test", [{ p: "x" }], "f");
    expect(m.subject).toBe("Hello Bcc: victim@example.test");
    expect(m.subject).not.toMatch(/[\r\n]/);
  });

  it("secret links stay placeholders until sent, then are filled in raw for text and escaped for HTML", () => {
    const m = invitationEmail({
      workspaceName: "Acme",
      inviter: null,
      role: "editor",
      inviteUrl: 'http://h/invite/a"b&c',
      expiresInDays: 7,
    });
    expect(m.text).toContain("{{invite_url}}");
    expect(m.html).toContain('href="{{invite_url}}"');
    expect(m.text).toContain("An admin of Acme invited you");
    expect(fillPlaceholders(m.text, m.secrets!, "text")).toContain('http://h/invite/a"b&c');
    expect(fillPlaceholders(m.html, m.secrets!, "html")).toContain('href="http://h/invite/a&quot;b&amp;c"');
    expect(fillPlaceholders("{{unknown}}", {}, "text")).toBe("{{unknown}}");
  });
});
