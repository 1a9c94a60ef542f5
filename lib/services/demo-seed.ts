import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections, domains } from "@/db/schema";
import { generatePassword } from "@/lib/auth/password";
import { connectionCreateSchema } from "@/lib/schemas/connections";
import { isAppError } from "@/lib/errors";
import { OPERATOR } from "./actor";
import { createConnection, findConnectionBySlug } from "./connections";
import { ensureDemoApplication } from "./demo-app";
import { devIdpUrls, getDevIdp, getDevIdpMetadataXml } from "./dev-idp-store";
import { parseMetadataXmlOrThrow } from "./idp-metadata";
import { createWorkspace, findWorkspaceBySlug } from "./workspaces";

export const DEMO_WORKSPACE = { slug: "acme", name: "Acme", ownerEmail: "owner@acme.test" } as const;
export const DEMO_CONNECTION = { slug: "demo-idp", name: "Demo IdP" } as const;
/** Verified without DNS and routed to the Demo IdP, so `jane.doe@acme.test` on /login goes through SP-initiated SSO. */
export const DEMO_DOMAIN = "acme.test";
export const DEMO_SSO_USER = "jane.doe@acme.test";

/**
 * Development only: the demo workspace "Acme" with its owner, a ready SAML connection "Demo IdP"
 * to the built-in IdP at /dev/idp, its domain acme.test verified and routed to it (a labelled seed),
 * and the demo application at /dev/app. Returns the owner's generated password the one time it is
 * created (the caller prints it once), else null.
 */
export async function seedDemoWorkspace(db: Db, opts: { appUrl: string }): Promise<{ password: string } | null> {
  // The demo application at /dev/app, an OpenID Connect client of this instance.
  await ensureDemoApplication(db, opts.appUrl);
  const existing = await findWorkspaceBySlug(db, DEMO_WORKSPACE.slug);
  if (existing) {
    await syncDemoConnection(db, opts.appUrl);
    // Demo installs made before the domain was seeded get it once (never again once they have domains).
    const [anyDomain] = await db.select({ id: domains.id }).from(domains).where(eq(domains.workspaceId, existing.id)).limit(1);
    if (!anyDomain) await seedDemoDomain(db, existing.id);
    return null;
  }
  const password = generatePassword();
  let workspaceId: string;
  try {
    workspaceId = (await createWorkspace(db, { ...DEMO_WORKSPACE, ownerPassword: password })).workspace.id;
  } catch (e) {
    // Another instance seeded it at the same moment.
    if (await findWorkspaceBySlug(db, DEMO_WORKSPACE.slug)) return null;
    throw e;
  }
  try {
    await createConnection(
      db,
      workspaceId,
      connectionCreateSchema.parse({
        name: DEMO_CONNECTION.name,
        slug: DEMO_CONNECTION.slug,
        idpType: "dev",
        metadataXml: getDevIdpMetadataXml(opts.appUrl),
        allowIdpInitiated: true,
        jitProvisioning: true,
        defaultRole: "viewer",
        defaultRedirect: `/w/${DEMO_WORKSPACE.slug}`,
      }),
      OPERATOR,
    );
  } catch (e) {
    if (!(isAppError(e) && e.code === "SLUG_TAKEN")) throw e;
  }
  await seedDemoDomain(db, workspaceId);
  return { password };
}

/**
 * The demo's `acme.test`: verified (no DNS: `.test` never resolves) and routed to the Demo IdP,
 * marked `demo_seed` so the console labels it and the DNS re-check leaves it alone. Skipped when
 * the domain is already claimed or the Demo IdP is missing. Development only (called from the seed).
 */
async function seedDemoDomain(db: Db, workspaceId: string): Promise<void> {
  const found = await findConnectionBySlug(db, DEMO_CONNECTION.slug);
  if (!found || found.workspace.id !== workspaceId) return;
  const now = new Date();
  await db
    .insert(domains)
    .values({
      workspaceId,
      domain: DEMO_DOMAIN,
      verificationToken: randomBytes(24).toString("base64url"),
      status: "verified",
      verifiedAt: now,
      lastCheckedAt: now,
      connectionId: found.connection.id,
      demoSeed: true,
    })
    .onConflictDoNothing();
}

/**
 * Keep the demo connection pointing at this app's built-in IdP when APP_URL or the dev IdP's keys
 * changed since it was created (e.g. a new port or a wiped DATA_DIR on a kept Postgres database).
 */
async function syncDemoConnection(db: Db, appUrl: string): Promise<void> {
  const found = await findConnectionBySlug(db, DEMO_CONNECTION.slug);
  if (!found || found.connection.idpType !== "dev" || found.connection.metadataSource !== "xml") return;
  const cert = getDevIdp(appUrl).certificatePem.replace(/-----[^-]+-----|\s/g, "");
  const c = found.connection;
  const current =
    c.idpEntityId === devIdpUrls(appUrl).entityId && c.idpCertificates.some((x) => x.pem.replace(/-----[^-]+-----|\s/g, "") === cert);
  if (current) return;
  const xml = getDevIdpMetadataXml(appUrl);
  const m = parseMetadataXmlOrThrow(xml);
  await db
    .update(connections)
    .set({
      idpEntityId: m.entityId,
      idpSsoUrlRedirect: m.ssoUrlRedirect,
      idpSsoUrlPost: m.ssoUrlPost,
      idpCertificates: m.certificates,
      metadataXml: xml,
      updatedAt: new Date(),
    })
    .where(eq(connections.id, c.id));
}
