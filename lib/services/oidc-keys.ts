import { randomBytes } from "node:crypto";
import { newRsaKeyPair } from "@/lib/crypto/rsa-key-pairs";
import { and, asc, eq, inArray, isNull, or } from "drizzle-orm";
import type { Db } from "@/db";
import { oidcSigningKeys, type OidcSigningKey } from "@/db/schema";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { AppError, isUniqueViolation } from "@/lib/errors";

/**
 * The OpenID Connect provider's signing keys, with the same rotation as SP keys:
 * stage (a next key, published in the JWKS) → activate (it signs; the previous key stays published so
 * tokens it signed still verify) → retire (the previous key leaves the JWKS). RS256 keys (RSA 2048):
 * what every OIDC client verifies by default.
 */
export const OIDC_SIGNING_ALG = "RS256";

export type OidcKeyPublic = Pick<OidcSigningKey, "id" | "kid" | "alg" | "state" | "createdAt" | "activatedAt" | "retiredAt">;
const publicColumns = {
  id: oidcSigningKeys.id,
  kid: oidcSigningKeys.kid,
  alg: oidcSigningKeys.alg,
  state: oidcSigningKeys.state,
  createdAt: oidcSigningKeys.createdAt,
  activatedAt: oidcSigningKeys.activatedAt,
  retiredAt: oidcSigningKeys.retiredAt,
};

function newKeyValues(state: "next" | "active", now: Date) {
  const { privateKey, publicKey } = newRsaKeyPair();
  const kid = randomBytes(12).toString("base64url");
  const meta = { kid, alg: OIDC_SIGNING_ALG, use: "sig" };
  return {
    kid,
    alg: OIDC_SIGNING_ALG,
    state,
    privateJwkEncrypted: sealSecret(JSON.stringify({ ...privateKey.export({ format: "jwk" }), ...meta })),
    publicJwk: { ...(publicKey.export({ format: "jwk" }) as Record<string, string>), ...meta },
    createdAt: now,
    activatedAt: state === "active" ? now : null,
  };
}

/** The first start (or the first request) makes the active key; concurrent starts agree on one. */
export async function ensureActiveOidcKey(db: Db, now = new Date()): Promise<void> {
  const [active] = await db.select({ id: oidcSigningKeys.id }).from(oidcSigningKeys).where(eq(oidcSigningKeys.state, "active"));
  if (active) return;
  try {
    await db.insert(oidcSigningKeys).values(newKeyValues("active", now));
  } catch (e) {
    if (!isUniqueViolation(e, "oidc_signing_keys_one_active")) throw e;
  }
}

export type PublishedKeys = {
  /** Private JWKs for the provider: the active key first (it signs), then next and grace-period keys. */
  jwks: { keys: Record<string, unknown>[] };
  /** Changes whenever the published set or the signing key changes. */
  version: string;
};

const published = or(
  inArray(oidcSigningKeys.state, ["active", "next"]),
  and(eq(oidcSigningKeys.state, "retired"), isNull(oidcSigningKeys.retiredAt)),
);
const ORDER = { active: 0, next: 1, retired: 2 } as const;

/** The version of the published key set, without decrypting anything (one small query). */
export async function publishedKeysVersion(db: Db): Promise<string> {
  const rows = await db.select({ kid: oidcSigningKeys.kid, state: oidcSigningKeys.state }).from(oidcSigningKeys).where(published);
  return rows
    .sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.kid.localeCompare(b.kid))
    .map((r) => `${r.state}:${r.kid}`)
    .join(",");
}

export async function loadPublishedKeys(db: Db): Promise<PublishedKeys> {
  const rows = await db
    .select({ kid: oidcSigningKeys.kid, state: oidcSigningKeys.state, privateJwkEncrypted: oidcSigningKeys.privateJwkEncrypted })
    .from(oidcSigningKeys)
    .where(published);
  rows.sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.kid.localeCompare(b.kid));
  if (!rows.length || rows[0]!.state !== "active")
    throw new AppError("INTERNAL", { message: "The OpenID Connect provider has no active signing key." });
  return {
    jwks: { keys: rows.map((r) => JSON.parse(openSecret(r.privateJwkEncrypted)) as Record<string, unknown>) },
    version: rows.map((r) => `${r.state}:${r.kid}`).join(","),
  };
}

export async function listOidcKeys(db: Db): Promise<OidcKeyPublic[]> {
  return db.select(publicColumns).from(oidcSigningKeys).orderBy(asc(oidcSigningKeys.createdAt));
}

export async function rotateOidcKey(db: Db, action: "stage" | "activate" | "retire", now = new Date()): Promise<OidcKeyPublic[]> {
  await ensureActiveOidcKey(db, now);
  await db.transaction(async (tx) => {
    // Serialise rotations: lock every key row (a handful).
    const keys = await tx.select(publicColumns).from(oidcSigningKeys).for("update");
    const next = keys.find((k) => k.state === "next");
    const active = keys.find((k) => k.state === "active");
    if (action === "stage") {
      if (next)
        throw new AppError("CONFLICT", {
          message: "A next signing key is already staged.",
          hint: "Activate it (oidc:rotate-key --activate) once relying parties have refreshed the JWKS.",
        });
      await tx.insert(oidcSigningKeys).values(newKeyValues("next", now));
    } else if (action === "activate") {
      if (!next)
        throw new AppError("CONFLICT", {
          message: "There is no staged signing key to activate.",
          hint: "Stage one first (oidc:rotate-key --stage) and give relying parties time to fetch the JWKS.",
        });
      // Earlier grace-period keys leave the JWKS now; the outgoing active key keeps verifying what it signed.
      await tx
        .update(oidcSigningKeys)
        .set({ retiredAt: now })
        .where(and(eq(oidcSigningKeys.state, "retired"), isNull(oidcSigningKeys.retiredAt)));
      if (active) await tx.update(oidcSigningKeys).set({ state: "retired" }).where(eq(oidcSigningKeys.id, active.id));
      await tx.update(oidcSigningKeys).set({ state: "active", activatedAt: now }).where(eq(oidcSigningKeys.id, next.id));
    } else {
      const grace = keys.filter((k) => k.state === "retired" && !k.retiredAt);
      if (!grace.length)
        throw new AppError("CONFLICT", {
          message: "There is no previous signing key to retire.",
          hint: "Retire follows Activate: it removes the previous key from the JWKS once its tokens have expired.",
        });
      await tx
        .update(oidcSigningKeys)
        .set({ retiredAt: now })
        .where(
          inArray(
            oidcSigningKeys.id,
            grace.map((k) => k.id),
          ),
        );
    }
  });
  return listOidcKeys(db);
}
