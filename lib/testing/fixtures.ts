import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Db } from "@/db";
import { connections, domains, memberships } from "@/db/schema";
import { hashPassword } from "@/lib/auth/password";
import { parseCertificate } from "@/lib/saml/certificates";
import type { Role } from "@/lib/auth/roles";
import { memberActor } from "@/lib/services/actor";
import { createApiKey } from "@/lib/services/api-keys";
import type { SsoIdentity } from "@/lib/services/sso-provisioning";
import { findOrCreateUser } from "@/lib/services/users";
import { createWorkspace } from "@/lib/services/workspaces";

/** Test fixtures: real rows, no mocks. Every test makes its own workspace. */

export function uniq(): string {
  return randomBytes(4).toString("hex");
}

/**
 * A workspace with its owner (owner@<domain>; `domain` defaults to ws-<id>.test, not verified).
 * `ownerPassword`: none unless given.
 */
export async function makeWorkspace(db: Db, opts: { slug?: string; domain?: string; ownerEmail?: string; ownerPassword?: string } = {}) {
  const id = uniq();
  const slug = opts.slug ?? `ws-${id}`;
  const domain = opts.domain ?? `${slug}.test`;
  const { workspace, owner } = await createWorkspace(db, {
    slug,
    name: `Workspace ${slug}`,
    ownerEmail: opts.ownerEmail ?? `owner@${domain}`,
    ownerPassword: opts.ownerPassword,
  });
  return { workspace, owner, domain };
}

/** An active member (a viewer with a password-source membership unless told otherwise); `password` sets the account's password. */
export async function addMember(
  db: Db,
  workspaceId: string,
  opts: { email?: string; role?: Role; source?: "password" | "sso"; password?: string } = {},
) {
  const email = opts.email ?? `m-${uniq()}@example.test`;
  const { user } = await findOrCreateUser(db, { email, passwordHash: opts.password ? await hashPassword(opts.password) : undefined });
  const [membership] = await db
    .insert(memberships)
    .values({ workspaceId, userId: user.id, role: opts.role ?? "viewer", source: opts.source ?? "password", status: "active" })
    .returning();
  return { user, membership: membership! };
}

/** A workspace with an API key, for REST API route tests. */
export async function makeApiWorkspace(db: Db, opts: { slug?: string } = {}) {
  const { workspace, owner } = await makeWorkspace(db, opts);
  const { apiKey, secret } = await createApiKey(db, workspace.id, { name: `key for ${workspace.slug}` }, memberActor(owner.id, "owner"));
  return { id: workspace.id, slug: workspace.slug, ownerId: owner.id, key: secret, keyId: apiKey.id };
}
export type ApiTestWorkspace = Awaited<ReturnType<typeof makeApiWorkspace>>;

/**
 * A connection row as the connections service would store it. `configured` (default true): it has an
 * IdP entity ID and SSO URL (no certificate: tests that sign in use lib/testing/saml-kit).
 */
/** A long-lived test certificate, so a "configured" connection has what a sign-in needs (entity ID, SSO URL, certificate). */
let fixtureCertificate: ReturnType<typeof parseCertificate> | null = null;
function testIdpCertificate() {
  fixtureCertificate ??= parseCertificate(readFileSync(path.join(process.cwd(), "lib/saml/fixtures/keys/ec-p256.cert.pem"), "utf8"));
  return fixtureCertificate;
}

export async function makeConnection(
  db: Db,
  workspaceId: string,
  opts: Partial<typeof connections.$inferInsert> & { configured?: boolean } = {},
) {
  const { configured = true, ...patch } = opts;
  const id = uniq();
  const [c] = await db
    .insert(connections)
    .values({
      workspaceId,
      name: `IdP ${id}`,
      slug: `idp-${id}`,
      idpType: "okta",
      idpEntityId: configured ? `https://idp-${id}.test` : null,
      idpSsoUrlRedirect: configured ? `https://idp-${id}.test/sso` : null,
      idpCertificates: configured ? [testIdpCertificate()] : [],
      // As if the operator had set it up: its trust is approved (pass trustApprovedVia: null for an unapproved one).
      trustApprovedVia: "operator",
      trustApprovedAt: new Date(),
      ...patch,
    })
    .returning();
  return c!;
}

/**
 * A verified domain, optionally routed to a connection, set up directly as the domains feature leaves
 * it: checked just now, so the scheduler's DNS re-check does not take it for a never-checked domain.
 */
export async function addVerifiedDomain(db: Db, workspaceId: string, domain: string, connectionId: string | null = null) {
  const [row] = await db
    .insert(domains)
    .values({
      workspaceId,
      domain,
      verificationToken: uniq(),
      status: "verified",
      verifiedAt: new Date(),
      lastCheckedAt: new Date(),
      connectionId,
    })
    .returning();
  return row!;
}

export function identity(
  email: string,
  attributes: Record<string, string[]> = {},
  names: { firstName?: string; lastName?: string } = {},
): SsoIdentity {
  return { nameId: email, email, firstName: names.firstName ?? null, lastName: names.lastName ?? null, attributes };
}
