import { and, asc, eq, isNotNull, or } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, memberships, users, workspaces, type OidcGrant } from "@/db/schema";
import type { GatehouseSignIn } from "@/lib/auth/session-reader";
import { emailDomain, normalizeDomain } from "@/lib/domains/normalize";
import { looksLikeEmail } from "@/lib/saml/attributes";
import { isConnectionConfigured } from "./connection-health";
import { discoveryRateLimitKey, DISCOVERY_RATE_LIMIT, findRoutedConnection } from "./discovery";
import { hitRateLimit } from "./rate-limit";
import { spValues } from "./sp-values";
import { findEnforcingWorkspaces } from "./sso-enforcement";
import { checkWorkspaceIp } from "./ip-allowlist";

/**
 * The login step of Gatehouse's OpenID Connect provider: given what the application asked for
 * (`organization`, `connection`, `domain_hint`, `login_hint`, `prompt`, `max_age`) and the person's
 * Gatehouse session, decide whether to send them to sign in (SSO through the routed connection, or
 * the email-first page), to pick an organization, to refuse (`access_denied` back to the app), or to
 * grant for one organization. Pure decisions over the database; the HTTP hand-off lives in server/oidc.
 */

export type AuthorizationAsk = {
  /** Workspace slug, id or external id. */
  organization: string | null;
  /** Connection slug. */
  connection: string | null;
  domainHint: string | null;
  /** An email address (other login_hint values are ignored). */
  loginHint: string | null;
  maxAge: number | null;
  /** prompt=login: the person must authenticate again. */
  forceLogin: boolean;
};

const text = (v: unknown, max = 320): string | null => (typeof v === "string" && v.trim() && v.length <= max ? v.trim() : null);

export function readAuthorizationAsk(params: Record<string, unknown>): AuthorizationAsk {
  const loginHint = text(params.login_hint);
  const maxAge = typeof params.max_age === "string" || typeof params.max_age === "number" ? Number(params.max_age) : NaN;
  return {
    organization: text(params.organization, 200),
    connection: text(params.connection, 100)?.toLowerCase() ?? null,
    domainHint: text(params.domain_hint, 253),
    loginHint: loginHint && looksLikeEmail(loginHint) ? loginHint.toLowerCase() : null,
    maxAge: Number.isInteger(maxAge) && maxAge >= 0 ? maxAge : null,
    forceLogin: typeof params.prompt === "string" && params.prompt.split(" ").includes("login"),
  };
}

export type Organization = { id: string; slug: string; name: string };

type ConnectionRef = { id: string; slug: string; workspaceId: string };

/** One message for an unknown organization and a foreign one: the answer never tells which exists. */
export const ORGANIZATION_DENIED = "access to the requested organization was denied";

export type InteractionDecision =
  | { kind: "deny"; description: string }
  | { kind: "sign_in"; location: string }
  | { kind: "choose"; organizations: Organization[] }
  /** The organization's IP allowlist refuses the browser's address: a page, not a redirect to the app. */
  | { kind: "ip_refused"; address: string | null; workspace: string }
  | { kind: "grant"; userId: string; workspaceId: string; connectionId: string | null; amr: "sso" | "pwd"; authTime: number };

/** A workspace by id, external id or slug; more than one match (an external id equal to another's slug) → none. */
export async function findOrganization(db: Db, ref: string): Promise<Organization | null> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const rows = await db
    .select({ id: workspaces.id, slug: workspaces.slug, name: workspaces.name })
    .from(workspaces)
    .where(
      or(isUuid ? eq(workspaces.id, ref.toLowerCase()) : undefined, eq(workspaces.externalId, ref), eq(workspaces.slug, ref.toLowerCase())),
    )
    .limit(2);
  return rows.length === 1 ? rows[0]! : null;
}

async function findUsableConnection(db: Db, slug: string): Promise<ConnectionRef | null> {
  const [c] = await db.select().from(connections).where(eq(connections.slug, slug));
  if (!c || !c.active || !isConnectionConfigured(c)) return null;
  return { id: c.id, slug: c.slug, workspaceId: c.workspaceId };
}

type Target = {
  organization: Organization | null;
  connection: ConnectionRef | null;
  /** The connection the hinted email's (or domain's) verified domain is routed to. */
  routed: ConnectionRef | null;
};

async function routeHint(db: Db, ask: AuthorizationAsk, ip: string | null, now: Date): Promise<ConnectionRef | null> {
  const domain = ask.domainHint ? normalizeDomain(ask.domainHint) : ask.loginHint ? emailDomain(ask.loginHint) : null;
  if (!domain) return null;
  // The same per-IP budget as the discovery endpoint: hints must not become an unmetered domain oracle.
  const limit = await hitRateLimit(db, discoveryRateLimitKey(ip), DISCOVERY_RATE_LIMIT, now);
  if (!limit.allowed) return null;
  const row = await findRoutedConnection(db, domain);
  return row ? { id: row.connectionId, slug: row.slug, workspaceId: row.workspaceId } : null;
}

async function resolveTarget(db: Db, ask: AuthorizationAsk, ip: string | null, now: Date): Promise<Target | null> {
  let organization: Organization | null = null;
  if (ask.organization) {
    organization = await findOrganization(db, ask.organization);
    if (!organization) return null;
  }
  let connection: ConnectionRef | null = null;
  if (ask.connection) {
    connection = await findUsableConnection(db, ask.connection);
    if (!connection || (organization && connection.workspaceId !== organization.id)) return null;
    if (!organization) {
      const [ws] = await db
        .select({ id: workspaces.id, slug: workspaces.slug, name: workspaces.name })
        .from(workspaces)
        .where(eq(workspaces.id, connection.workspaceId));
      organization = ws ?? null;
    }
  }
  let routed = connection ? null : await routeHint(db, ask, ip, now);
  // A hint never moves the request to another organization than the one asked for.
  if (routed && organization && routed.workspaceId !== organization.id) routed = null;
  return { organization, connection, routed };
}

function samlLogin(appUrl: string, slug: string, returnTo: string): string {
  return `${spValues(appUrl, slug).loginUrl}?return_to=${encodeURIComponent(returnTo)}`;
}

function emailFirstPage(returnTo: string, email: string | null, reauth: boolean): string {
  const q = new URLSearchParams({ next: returnTo });
  if (email) q.set("email", email);
  if (reauth) q.set("reauth", "1");
  return `/login?${q.toString()}`;
}

/** The connection that signs `email` in to the workspace: the one its domain is routed to there, else the workspace's only usable one. */
async function ssoConnectionFor(db: Db, workspaceId: string, email: string): Promise<ConnectionRef | null> {
  const domain = emailDomain(email);
  const routed = domain ? await findRoutedConnection(db, domain) : null;
  if (routed && routed.workspaceId === workspaceId) return { id: routed.connectionId, slug: routed.slug, workspaceId };
  const rows = await db
    .select()
    .from(connections)
    .where(and(eq(connections.workspaceId, workspaceId), eq(connections.active, true), isNotNull(connections.idpEntityId)));
  const usable = rows.filter(isConnectionConfigured);
  return usable.length === 1 ? { id: usable[0]!.id, slug: usable[0]!.slug, workspaceId } : null;
}

async function connectionWorkspace(db: Db, connectionId: string): Promise<string | null> {
  const [c] = await db.select({ workspaceId: connections.workspaceId }).from(connections).where(eq(connections.id, connectionId));
  return c?.workspaceId ?? null;
}

export async function listActiveOrganizations(db: Db, userId: string): Promise<Organization[]> {
  return db
    .select({ id: workspaces.id, slug: workspaces.slug, name: workspaces.name })
    .from(memberships)
    .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
    .where(and(eq(memberships.userId, userId), eq(memberships.status, "active"), eq(memberships.disabled, false)))
    .orderBy(asc(workspaces.name), asc(workspaces.id));
}

export async function isActiveMember(db: Db, userId: string, workspaceId: string): Promise<boolean> {
  const [m] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.workspaceId, workspaceId),
        eq(memberships.status, "active"),
        eq(memberships.disabled, false),
        eq(users.disabled, false),
      ),
    );
  return !!m;
}

/** Does the workspace require this person to sign in through one of its own connections? */
async function requiresOwnSso(db: Db, user: { id: string; email: string }, workspaceId: string): Promise<boolean> {
  return (await findEnforcingWorkspaces(db, user)).some((w) => w.id === workspaceId);
}

export async function decideAuthorization(
  db: Db,
  input: {
    ask: AuthorizationAsk;
    signIn: GatehouseSignIn | null;
    /** When the authorization request reached the interaction (epoch seconds). */
    startedAt: number;
    /** The interaction's own path: every sign-in route returns here. */
    returnTo: string;
    chosenWorkspaceId?: string | null;
    appUrl: string;
    ip: string | null;
    now?: Date;
  },
): Promise<InteractionDecision> {
  const now = input.now ?? new Date();
  const nowS = Math.floor(now.getTime() / 1000);
  const { ask, signIn } = input;
  const target = await resolveTarget(db, ask, input.ip, now);
  if (!target) return { kind: "deny", description: ORGANIZATION_DENIED };

  // 1. Authentication: a Gatehouse session that is fresh enough, of the hinted person, through the asked connection.
  const freshEnough =
    !!signIn && (signIn.authTime >= input.startedAt || (!ask.forceLogin && (ask.maxAge === null || nowS - signIn.authTime <= ask.maxAge)));
  const hintedPerson = !ask.loginHint || !signIn || signIn.user.email.toLowerCase() === ask.loginHint;
  const throughConnection = !target.connection || signIn?.connectionId === target.connection.id;
  if (!signIn || !freshEnough || !hintedPerson || !throughConnection) {
    const via = target.connection ?? target.routed;
    return {
      kind: "sign_in",
      location: via ? samlLogin(input.appUrl, via.slug, input.returnTo) : emailFirstPage(input.returnTo, ask.loginHint, !!signIn),
    };
  }

  // 2. The organization: asked for, or the one the SSO sign-in came through, or the person's choice.
  const signInWorkspace = signIn.connectionId ? await connectionWorkspace(db, signIn.connectionId) : null;
  let workspaceId = target.organization?.id ?? target.routed?.workspaceId ?? null;
  if (!workspaceId) {
    const orgs = await listActiveOrganizations(db, signIn.user.id);
    if (input.chosenWorkspaceId && orgs.some((o) => o.id === input.chosenWorkspaceId)) workspaceId = input.chosenWorkspaceId;
    else if (signInWorkspace && orgs.some((o) => o.id === signInWorkspace)) workspaceId = signInWorkspace;
    else if (orgs.length === 1) workspaceId = orgs[0]!.id;
    else if (orgs.length === 0) return { kind: "deny", description: "the person is not a member of any organization" };
    else return { kind: "choose", organizations: orgs };
  }
  if (!(await isActiveMember(db, signIn.user.id, workspaceId))) return { kind: "deny", description: ORGANIZATION_DENIED };
  const ipCheck = await checkWorkspaceIp(db, workspaceId, signIn.user.id, input.ip);
  if (!ipCheck.allowed) return { kind: "ip_refused", address: ipCheck.address, workspace: ipCheck.workspace };

  // 3. Enforcement: an organization that requires SSO accepts only a sign-in through its own IdP.
  const ownSso = signIn.amr === "sso" && signInWorkspace === workspaceId;
  if (!ownSso && (await requiresOwnSso(db, signIn.user, workspaceId))) {
    const via = await ssoConnectionFor(db, workspaceId, signIn.user.email);
    if (!via) return { kind: "deny", description: "the organization requires single sign-on and has no connection for this person" };
    return { kind: "sign_in", location: samlLogin(input.appUrl, via.slug, input.returnTo) };
  }

  return {
    kind: "grant",
    userId: signIn.user.id,
    workspaceId,
    connectionId: ownSso ? signIn.connectionId : null,
    amr: signIn.amr,
    authTime: signIn.authTime,
  };
}

/**
 * May an earlier grant of this application (kept in the provider's session) answer a new
 * authorization request without the login step? Only for the same organization (and connection, when
 * asked), while the person is still an active member and enforcement is still satisfied.
 */
export async function grantFitsRequest(
  db: Db,
  grant: OidcGrant,
  ask: AuthorizationAsk,
  ip: string | null,
  now = new Date(),
): Promise<boolean> {
  if (ask.forceLogin) return false;
  const target = await resolveTarget(db, ask, ip, now);
  if (!target) return false;
  const wanted = target.organization?.id ?? target.routed?.workspaceId ?? null;
  if (wanted && wanted !== grant.workspaceId) return false;
  if (target.connection && target.connection.id !== grant.connectionId) return false;
  if (!(await isActiveMember(db, grant.userId, grant.workspaceId))) return false;
  if (!(await checkWorkspaceIp(db, grant.workspaceId, grant.userId, ip)).allowed) return false;
  if (grant.amr !== "sso" || !grant.connectionId) {
    const [u] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, grant.userId));
    if (!u || (await requiresOwnSso(db, u, grant.workspaceId))) return false;
  }
  return true;
}
