import type { Db } from "@/db";
import { AppError } from "@/lib/errors";
import { buildSpMetadata } from "@/lib/saml";
import { findConnectionBySlug } from "./connections";
import { listPublishedSpCertificates } from "./sp-keys";
import { listPublishedEncryptionCertificates } from "./sp-encryption-keys";
import { spValues } from "./sp-values";

/** GET /auth/sso/saml/{slug}/metadata: the SP metadata with the active (and staged/grace) certificates. */
export async function getSpMetadata(db: Db, slug: string, appUrl: string): Promise<{ xml: string; filename: string }> {
  const found = await findConnectionBySlug(db, slug);
  if (!found) throw new AppError("SAML_NOT_FOUND");
  const sp = spValues(appUrl, found.connection.slug);
  const certs = await listPublishedSpCertificates(db, found.connection.id);
  const encryptionCertificatesPem = await listPublishedEncryptionCertificates(db, found.connection.id);
  return {
    xml: buildSpMetadata({
      entityId: sp.entityId,
      acsUrl: sp.acsUrl,
      signingCertificatesPem: certs,
      encryptionCertificatesPem,
      sloUrl: sp.sloUrl,
    }),
    filename: `gatehouse-${found.connection.slug}-sp-metadata.xml`,
  };
}
