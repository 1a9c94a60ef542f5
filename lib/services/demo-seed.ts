import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { connections } from "@/db/schema";
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

/**
 * Development only: the demo workspace "Acme" with its owner, a ready SAML connection "Demo IdP"
 * to the built-in IdP at /dev/idp, and the demo application at /dev/app. Returns the owner's generated password the one time it is
 * created (the caller prints it once), else null.
 */
export async function seedDemoWorkspace(db: Db, opts: { appUrl: string }): Promise<{ password: string } | null> {
  // The demo application at /dev/app, an OpenID Connect client of this instance.
  await ensureDemoApplication(db, opts.appUrl);
  const existing = await findWorkspaceBySlug(db, DEMO_WORKSPACE.slug);
  if (existing) {
    await syncDemoConnection(db, opts.appUrl);
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
  return { password };
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
