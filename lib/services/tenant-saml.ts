import { and, eq } from "drizzle-orm";
import type { Db } from "@/db";
import { domains, type Connection } from "@/db/schema";
import { ZodError } from "zod";
import { AppError, isAppError, validationError } from "@/lib/errors";
import { connectionCreateSchema, connectionUpdateSchema } from "@/lib/schemas/connections";
import type { Actor } from "./actor";
import { recordAudit, type AuditActor } from "./audit";
import { createConnection, isSlugAvailable, listConnections, updateConnection } from "./connections";
import type { TenantSamlInput } from "@/lib/schemas/tenant-saml";
import { addDomain, listDomains, parseDomainOrThrow, routeDomain, type DomainView } from "./domains";

/**
 * One-call SAML setup for an email domain (PUT /api/v1/tenant/saml):
 * - the connection for the domain is the one the domain is routed to, else the one whose slug is
 *   derived from the domain ("company.com" → "company-com", or "company-com-<workspace slug>" when
 *   another workspace holds that slug); it is created when there is none, else updated;
 * - `enabled` is the connection's active flag; the IdP details are stored as a manual entry;
 * - the domain is added (pending until its TXT record is verified) and routed to the connection at
 *   once, so verifying it later is the only step left before discovery sends users to the IdP.
 */
export type TenantSamlResult = { connection: Connection; domain: DomainView; created: boolean };

/** Slug candidates for a domain's connection, in order of preference. */
export function tenantConnectionSlugs(domain: string, workspaceSlug: string): string[] {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
  const base = clean(domain).slice(0, 63).replace(/-+$/, "");
  const suffix = clean(workspaceSlug).slice(0, 30);
  const alt = `${base.slice(0, 62 - suffix.length).replace(/-+$/, "")}-${suffix}`;
  return [...new Set([base, alt])].filter((s) => s.length >= 2);
}

/**
 * The connection and domain services name fields their own way; this use-case reports them under
 * its own input's names (the manual IdP entry is this call's entityId, ssoUrl and certificate).
 */
const OWN_FIELD: Record<string, keyof TenantSamlInput> = {
  "manual.entityId": "entityId",
  "manual.ssoUrl": "ssoUrl",
  "manual.certificatePem": "certificate",
  active: "enabled",
  domain: "emailDomain",
};

export async function upsertTenantSaml(
  db: Db,
  workspace: { id: string; slug: string },
  input: TenantSamlInput,
  actor: Actor,
): Promise<TenantSamlResult> {
  try {
    return await upsert(db, workspace, input, actor);
  } catch (thrown) {
    const e = thrown instanceof ZodError ? validationError(thrown) : thrown;
    throw isAppError(e) ? e.renameFields((path) => OWN_FIELD[path] ?? path) : e;
  }
}

async function upsert(db: Db, workspace: { id: string; slug: string }, input: TenantSamlInput, actor: Actor): Promise<TenantSamlResult> {
  const domainName = parseDomainOrThrow(input.emailDomain);
  const slugs = tenantConnectionSlugs(domainName, workspace.slug);
  const settings = {
    active: input.enabled,
    jitProvisioning: input.jitProvisioning,
    defaultRole: input.defaultRole,
    manual: { entityId: input.entityId, ssoUrl: input.ssoUrl, certificatePem: input.certificate },
  };

  let connection: Connection | undefined;
  let created = false;
  for (let attempt = 0; attempt < 3 && !connection; attempt++) {
    const existing = await findTenantConnection(db, workspace.id, domainName, slugs);
    if (existing) {
      try {
        const patch = connectionUpdateSchema.parse({ version: existing.version, ...settings });
        connection = await updateConnection(db, workspace.id, existing.id, patch, actor);
      } catch (e) {
        if (isAppError(e) && e.code === "VERSION_CONFLICT" && attempt < 2) continue; // a concurrent PUT won: apply ours on top
        throw e;
      }
    } else {
      const slug = await firstFreeSlug(db, slugs);
      try {
        const data = connectionCreateSchema.parse({ name: `SSO for ${domainName}`, slug, ...settings });
        connection = await createConnection(db, workspace.id, data, actor);
        created = true;
      } catch (e) {
        if (isAppError(e) && (e.code === "SLUG_TAKEN" || e.code === "CONNECTION_NAME_TAKEN") && attempt < 2) continue; // a concurrent PUT created it: update that one
        throw e;
      }
    }
  }
  if (!connection) throw new AppError("CONFLICT");

  const domain = await routeTenantDomain(db, workspace.id, await addDomain(db, workspace.id, domainName, actor), connection, actor);
  return { connection, domain, created };
}

async function findTenantConnection(db: Db, workspaceId: string, domain: string, slugs: string[]): Promise<Connection | undefined> {
  const all = await listConnections(db, workspaceId);
  const routedTo = (await listDomains(db, workspaceId)).find((d) => d.domain === domain)?.connectionId;
  return (routedTo ? all.find((c) => c.id === routedTo) : undefined) ?? slugs.map((s) => all.find((c) => c.slug === s)).find(Boolean);
}

async function firstFreeSlug(db: Db, slugs: string[]): Promise<string> {
  for (const s of slugs) if (await isSlugAvailable(db, s)) return s;
  throw new AppError("SLUG_TAKEN", {
    message: `The connection slugs for this domain (${slugs.join(", ")}) are taken by other workspaces.`,
    hint: "Create the connection with POST /api/v1/connections and a slug of your choice, then route the domain to it.",
    fields: [{ path: "emailDomain", message: "Its connection slugs are taken by other workspaces" }],
  });
}

/**
 * Point the domain at the connection. Verified domains go through routeDomain (which checks the
 * connection is active); a pending domain is routed in place so that verifying it is enough.
 */
async function routeTenantDomain(db: Db, workspaceId: string, d: DomainView, c: Connection, actor: AuditActor): Promise<DomainView> {
  if (d.connectionId === c.id) return d;
  if (d.status !== "pending") {
    if (!c.active) return d; // an inactive connection cannot take sign-ins: keep the current route
    return routeDomain(db, workspaceId, d.id, c.id, actor);
  }
  const [updated] = await db
    .update(domains)
    .set({ connectionId: c.id })
    .where(and(eq(domains.id, d.id), eq(domains.workspaceId, workspaceId), eq(domains.status, "pending")))
    .returning({ id: domains.id });
  if (!updated) return d;
  await recordAudit(db, workspaceId, actor, {
    action: "domain.routed",
    targetType: "domain",
    targetId: d.id,
    before: { domain: d.domain, status: d.status, connectionId: d.connectionId },
    after: { domain: d.domain, status: d.status, connectionId: c.id },
  });
  return { ...d, connectionId: c.id };
}
