import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDevIdp } from "../../lib/dev-idp";

/**
 * A corporate IdP stand-in on loopback with real signatures (lib/dev-idp), for the console-trust
 * journeys. `state.mode` decides its answer to a sign-in: a good response, one signed with another
 * key (a certificate the connection does not trust), or one for the wrong audience. It also serves
 * its metadata, an HTML login page where metadata is expected, and a URL that answers HTML until
 * `state.fixed` is set (to show "Refresh").
 */
export async function startTrustIdp(entityId = "http://idp.trust.test/entity") {
  const idp = createDevIdp({ entityId });
  const other = createDevIdp({ entityId });
  const state = {
    mode: "ok" as "ok" | "wrong-key" | "wrong-audience",
    fixed: false,
    email: "ada.lovelace@trust.test",
  };
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const htmlPage = "<!doctype html><html lang=en><title>Sign in</title><h1>Sign in to your IdP admin</h1></html>";
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/metadata") {
      res.writeHead(200, { "content-type": "application/samlmetadata+xml" }).end(idp.metadataXml(ssoUrl));
      return;
    }
    if (url.pathname === "/admin") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(htmlPage);
      return;
    }
    if (url.pathname === "/flaky-metadata") {
      if (state.fixed) res.writeHead(200, { "content-type": "application/samlmetadata+xml" }).end(idp.metadataXml(ssoUrl));
      else res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(htmlPage);
      return;
    }
    if (url.pathname === "/sso") {
      const request = idp.parseAuthnRequest({ binding: "redirect", query: url.search });
      const samlResponse = idp.createResponse({
        acsUrl: request.acsUrl!,
        audience: state.mode === "wrong-audience" ? "https://some-other-app.example/saml/metadata" : request.issuer!,
        inResponseTo: request.id,
        nameId: state.email,
        attributes: { email: state.email, firstName: "Ada", lastName: "Lovelace", groups: ["Everyone"] },
        ...(state.mode === "wrong-key" ? { signingKey: { privateKeyPem: other.privateKeyPem, certificatePem: other.certificatePem } } : {}),
      });
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(
          `<!doctype html><html lang="en"><title>Loopback IdP</title><h1>Loopback IdP</h1><p>Signing in ${esc(state.email)}</p>` +
            `<form method="post" action="${esc(request.acsUrl!)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}">` +
            `<input type="hidden" name="RelayState" value="${esc(request.relayState ?? "")}"><button type="submit">Continue</button></form>`,
        );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const ssoUrl = `${base}/sso`;
  return {
    idp,
    other,
    state,
    base,
    metadataXml: idp.metadataXml(ssoUrl),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
