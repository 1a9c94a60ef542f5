/**
 * Encrypted assertions end to end on a real database: the owner turns the setting on, the SP metadata
 * publishes the encryption certificate, the dev IdP encrypts to what the metadata says, the ACS signs in;
 * rotation overlap; who may change it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog } from "@/db/schema";
import { spEncryptionCertificateFromMetadata } from "@/lib/dev-idp";
import { makeSamlKit, TEST_APP_URL, type SamlKit } from "@/lib/testing/saml-kit";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { memberActor } from "./actor";
import { updateConnection } from "./connections";
import { consumeSamlResponse, failureOf } from "./saml-acs";
import { getSpMetadata } from "./sp-metadata";
import { getDecryptionKeys, listSpEncryptionKeys, rotateSpEncryptionKey } from "./sp-encryption-keys";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.close();
});

const metadataOf = async (k: SamlKit) => (await getSpMetadata(t.db, k.connection.slug, TEST_APP_URL)).xml;
const encryptionCertOf = async (k: SamlKit) => spEncryptionCertificateFromMetadata(await metadataOf(k));
const acs = async (k: SamlKit, samlResponse: string) =>
  failureOf(await consumeSamlResponse(t.db, { slug: k.connection.slug, samlResponse, relayState: null, appUrl: TEST_APP_URL })) ?? "OK";
const encryptedTo = (k: SamlKit, certificatePem: string) => {
  const plain = {
    acsUrl: k.sp.acsUrl,
    audience: k.sp.entityId,
    nameId: `enc-${Math.random().toString(16).slice(2)}@corp.test`,
    sign: "assertion" as const,
  };
  return k.idp.createEncryptedResponse({ ...plain, attributes: { firstName: "Ada" } }, { certificatePem });
};
async function turnOn(k: SamlKit, on = true) {
  const owner = memberActor(k.owner.id, "owner");
  const current = await updateConnection(t.db, k.workspace.id, k.connection.id, { version: k.connection.version }, owner).catch(
    () => k.connection,
  );
  k.connection = await updateConnection(
    t.db,
    k.workspace.id,
    k.connection.id,
    { version: current.version, requireEncryptedAssertions: on },
    owner,
  );
}

describe("turning on encrypted assertions", () => {
  it("creates an encryption key separate from the signing key, published with use=encryption and the accepted methods", async () => {
    const k = await makeSamlKit(t.db);
    expect(await encryptionCertOf(k)).toBe(null);
    expect(await metadataOf(k)).not.toContain('use="encryption"');
    await turnOn(k);
    const xml = await metadataOf(k);
    expect(xml).toContain('<md:KeyDescriptor use="encryption">');
    expect(xml).toContain('<md:EncryptionMethod Algorithm="http://www.w3.org/2009/xmlenc11#aes256-gcm"/>');
    expect(xml).toContain('<md:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p"/>');
    expect(xml).not.toContain("rsa-1_5");
    const keys = await listSpEncryptionKeys(t.db, k.workspace.id, k.connection.id);
    expect(keys.map((x) => x.state)).toEqual(["active"]);
    const signingCertBody = xml.match(/use="signing">[\s\S]*?<ds:X509Certificate>([^<]+)/)![1];
    expect(keys[0].certificatePem.replace(/-----[^-]+-----|\s/g, "")).not.toBe(signingCertBody);
  });

  it("an encrypted response to the published certificate signs in; a plaintext one is refused (encryption required)", async () => {
    const k = await makeSamlKit(t.db);
    await turnOn(k);
    const cert = (await encryptionCertOf(k))!;
    expect(await acs(k, await encryptedTo(k, cert))).toBe("OK");
    expect(await acs(k, k.respond({ sign: "both" }))).toBe("SAML_ENCRYPTION_REQUIRED");
  });

  it("turned off again: plaintext is accepted and encrypted still decrypts (the key stays)", async () => {
    const k = await makeSamlKit(t.db);
    await turnOn(k);
    const cert = (await encryptionCertOf(k))!;
    await turnOn(k, false);
    expect(await acs(k, k.respond({ sign: "both" }))).toBe("OK");
    expect(await acs(k, await encryptedTo(k, cert))).toBe("OK");
  });

  it("encrypted but the connection has no encryption key → SAML_ENCRYPTED_UNSUPPORTED", async () => {
    const k = await makeSamlKit(t.db);
    const other = await makeSamlKit(t.db);
    await turnOn(other);
    expect(await acs(k, await encryptedTo(k, (await encryptionCertOf(other))!))).toBe("SAML_ENCRYPTED_UNSUPPORTED");
  });

  it("only an owner may turn it on or off (it is IdP trust); the change is audited as a trust change", async () => {
    const k = await makeSamlKit(t.db);
    const admin = { id: k.owner.id }; // the service decides by the actor's role: an admin's actor
    await expect(
      updateConnection(
        t.db,
        k.workspace.id,
        k.connection.id,
        { version: k.connection.version, requireEncryptedAssertions: true },
        memberActor(admin.id, "admin"),
      ),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await turnOn(k);
    const trail = await t.db.select().from(auditLog).where(eq(auditLog.workspaceId, k.workspace.id));
    const trust = trail.filter((e) => e.action === "connection.trust_changed").pop();
    expect(trust?.after).toMatchObject({ requireEncryptedAssertions: true });
    await expect(
      rotateSpEncryptionKey(t.db, k.workspace.id, k.connection.id, "stage", memberActor(admin.id, "admin")),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("another workspace's connection is NOT_FOUND for rotation", async () => {
    const k = await makeSamlKit(t.db);
    const other = await makeSamlKit(t.db);
    await turnOn(k);
    await expect(
      rotateSpEncryptionKey(t.db, other.workspace.id, k.connection.id, "stage", memberActor(other.owner.id, "owner")),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("encryption key rotation: stage → activate → retire", () => {
  it("key rotation overlap: old and new key both decrypt during the overlap; the retired key is refused", async () => {
    const k = await makeSamlKit(t.db);
    await turnOn(k);
    const owner = memberActor(k.owner.id, "owner");
    const oldCert = (await encryptionCertOf(k))!;

    const staged = await rotateSpEncryptionKey(t.db, k.workspace.id, k.connection.id, "stage", owner);
    const newCert = staged.find((x) => x.state === "next")!.certificatePem;
    const published = (await metadataOf(k)).match(/use="encryption"/g) ?? [];
    expect(published.length).toBe(2);
    expect(await acs(k, await encryptedTo(k, oldCert))).toBe("OK");
    expect(await acs(k, await encryptedTo(k, newCert))).toBe("OK");

    await rotateSpEncryptionKey(t.db, k.workspace.id, k.connection.id, "activate", owner);
    expect(await encryptionCertOf(k)).toBe(newCert);
    expect((await metadataOf(k)).match(/use="encryption"/g)?.length).toBe(1);
    expect(await acs(k, await encryptedTo(k, oldCert))).toBe("OK"); // grace period
    expect(await acs(k, await encryptedTo(k, newCert))).toBe("OK");
    expect((await getDecryptionKeys(t.db, k.connection.id)).length).toBe(2);

    await rotateSpEncryptionKey(t.db, k.workspace.id, k.connection.id, "retire", owner);
    expect(await acs(k, await encryptedTo(k, oldCert))).toBe("SAML_DECRYPTION_FAILED");
    expect(await acs(k, await encryptedTo(k, newCert))).toBe("OK");
    const states = (await listSpEncryptionKeys(t.db, k.workspace.id, k.connection.id)).map((x) => [x.state, !!x.retiredAt]);
    expect(states).toEqual([
      ["retired", true],
      ["active", false],
    ]);
  });

  it("steps out of order are refused with a hint", async () => {
    const k = await makeSamlKit(t.db);
    const owner = memberActor(k.owner.id, "owner");
    await expect(rotateSpEncryptionKey(t.db, k.workspace.id, k.connection.id, "stage", owner)).rejects.toMatchObject({ code: "CONFLICT" });
    await turnOn(k);
    await expect(rotateSpEncryptionKey(t.db, k.workspace.id, k.connection.id, "activate", owner)).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(rotateSpEncryptionKey(t.db, k.workspace.id, k.connection.id, "retire", owner)).rejects.toMatchObject({ code: "CONFLICT" });
  });
});
