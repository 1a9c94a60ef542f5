import type { IncomingMessage, ServerResponse } from "node:http";
import type Provider from "oidc-provider";
import type { Db } from "@/db";
import { readGatehouseSession } from "@/lib/auth/session-reader";
import { interactionProblemPage, organizationPickerPage, type RenderedPage } from "@/lib/http/oidc-pages";
import { ipRefusedPage } from "@/lib/http/ip-refused-page";
import { logger } from "@/lib/logger";
import { interactionPath, launchPath } from "@/lib/oidc/paths";
import { findApplicationByClientId, getApplicationOrThrow } from "@/lib/services/applications";
import { decideAuthorization, readAuthorizationAsk } from "@/lib/services/oidc-authorization";
import { recordGrantContext } from "@/lib/services/oidc-grants";
import { isAppError } from "@/lib/errors";
import { issuerFor } from "./provider";

/**
 * The provider's login step, handed to Gatehouse's own sign-in. GET /oidc/interaction/{uid} looks at
 * the person's Gatehouse session and the request's parameters (lib/services/oidc-authorization.ts):
 * it sends the browser to SSO or to the email-first page (both come back here), shows the
 * organization picker, refuses with access_denied, or makes the grant for one organization and
 * resumes the authorization. First-party applications: no consent screen.
 */
export type HandlerContext = { provider: Provider; db: Db; appUrl: string; ip: string | null };

const BASE_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};

export function sendPage(res: ServerResponse, page: RenderedPage, status = 200): void {
  res.writeHead(status, { ...BASE_HEADERS, "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": page.csp });
  res.end(page.html);
}

export function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { ...BASE_HEADERS, Location: location, "Content-Length": "0" });
  res.end();
}

async function readSmallForm(req: IncomingMessage, maxBytes = 4096): Promise<URLSearchParams> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return new URLSearchParams();
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return new URLSearchParams();
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function originOf(url: unknown): string | null {
  try {
    return typeof url === "string" ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

const EXPIRED = interactionProblemPage(
  "This sign-in request has expired.",
  "Go back to the application and sign in again. Sign-in requests are valid for one hour and only in the browser that started them.",
);

export async function handleInteraction(
  c: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  step: "show" | "organization",
): Promise<void> {
  if (step === "organization" && req.method !== "POST") return sendPage(res, EXPIRED, 405);
  if (step === "show" && req.method !== "GET" && req.method !== "HEAD") return sendPage(res, EXPIRED, 405);
  let details: Awaited<ReturnType<Provider["interactionDetails"]>>;
  try {
    details = await c.provider.interactionDetails(req, res);
  } catch {
    return sendPage(res, EXPIRED, 400);
  }
  if (details.uid !== uid) return sendPage(res, EXPIRED, 400);

  const params = details.params as Record<string, unknown>;
  const clientId = String(params.client_id ?? "");
  const chosen = step === "organization" ? (await readSmallForm(req)).get("organization") : null;
  const decision = await decideAuthorization(c.db, {
    ask: readAuthorizationAsk(params),
    signIn: await readGatehouseSession(c.db, req.headers.cookie),
    startedAt: details.iat ?? 0,
    returnTo: interactionPath(uid),
    chosenWorkspaceId: chosen,
    appUrl: c.appUrl,
    ip: c.ip,
  });

  switch (decision.kind) {
    case "sign_in":
      return redirect(res, decision.location);
    case "choose": {
      const app = await findApplicationByClientId(c.db, clientId);
      return sendPage(
        res,
        organizationPickerPage({
          action: `${interactionPath(uid)}/organization`,
          clientName: app?.name ?? null,
          organizations: decision.organizations,
          redirectOrigin: originOf(params.redirect_uri),
        }),
      );
    }
    case "ip_refused":
      return sendPage(res, ipRefusedPage({ address: decision.address, workspace: decision.workspace }), 403);
    case "deny":
      await c.provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: decision.description },
        { mergeWithLastSubmission: false },
      );
      return;
    case "grant": {
      const grant = new c.provider.Grant({ accountId: decision.userId, clientId });
      if (typeof params.scope === "string") grant.addOIDCScope(params.scope);
      const grantId = await grant.save();
      await recordGrantContext(c.db, {
        grantId,
        clientId,
        userId: decision.userId,
        workspaceId: decision.workspaceId,
        connectionId: decision.connectionId,
        amr: decision.amr,
        expiresAt: new Date((grant.exp ?? Math.floor(Date.now() / 1000) + 3600) * 1000),
      });
      await c.provider.interactionFinished(
        req,
        res,
        {
          login: { accountId: decision.userId, amr: [decision.amr], ts: decision.authTime, remember: true },
          consent: { grantId },
        },
        { mergeWithLastSubmission: false },
      );
      return;
    }
  }
}

/**
 * GET /oidc/launch/{application}: where an IdP-initiated SAML sign-in lands when its connection names
 * a default application. The person is signed in to Gatehouse by now; the browser goes on to the
 * application's initiate_login_uri (OIDC Core §4: iss, login_hint, target_link_uri), and the
 * application starts a normal code flow.
 */
export async function handleLaunch(c: HandlerContext, req: IncomingMessage, res: ServerResponse, applicationRef: string): Promise<void> {
  const signIn = await readGatehouseSession(c.db, req.headers.cookie);
  if (!signIn) return redirect(res, `/login?next=${encodeURIComponent(launchPath(applicationRef))}`);
  let initiate: string | null = null;
  try {
    initiate = (await getApplicationOrThrow(c.db, applicationRef)).initiateLoginUri;
  } catch (e) {
    if (!isAppError(e)) logger.error("launch failed", { err: e });
  }
  if (!initiate) {
    return sendPage(
      res,
      interactionProblemPage(
        "This application cannot be opened from your identity provider.",
        "It has no initiate login URI registered in Gatehouse; open the application directly and sign in there.",
      ),
      404,
    );
  }
  const target = new URL(initiate);
  target.searchParams.set("iss", issuerFor(c.appUrl));
  target.searchParams.set("login_hint", signIn.user.email);
  target.searchParams.set("target_link_uri", `${target.origin}/`);
  return redirect(res, target.toString());
}
