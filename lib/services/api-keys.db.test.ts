import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys, auditLog } from "@/db/schema";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { authenticateApiKey, createApiKey, hashApiKey, listApiKeys, revokeApiKey } from "./api-keys";
import { createWorkspace } from "./workspaces";
import { memberActor, OPERATOR } from "./actor";

let t: TestDb;
let ws: { id: string };
let other: { id: string };
let ownerId: string;
beforeAll(async () => {
  t = await createTestDb();
  const a = await createWorkspace(t.db, { slug: "keys-a", name: "A", ownerEmail: "owner@keys-a.test" });
  ws = a.workspace;
  ownerId = a.owner.id;
  other = (await createWorkspace(t.db, { slug: "keys-b", name: "B", ownerEmail: "owner@keys-b.test" })).workspace;
});
afterAll(async () => {
  await t.close();
});

describe("API keys", () => {
  it("creates gh_live_ + 32 random bytes, stores only the SHA-256, lists by prefix with the creator", async () => {
    const { apiKey, secret } = await createApiKey(t.db, ws.id, { name: "  CI  " }, memberActor(ownerId, "owner", "203.0.113.1"));
    expect(secret).toMatch(/^gh_live_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(8), "base64url")).toHaveLength(32);
    expect(apiKey).toMatchObject({
      name: "CI",
      prefix: secret.slice(0, 14),
      createdBy: { id: ownerId, email: "owner@keys-a.test" },
      lastUsedAt: null,
      revokedAt: null,
    });
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(row!.keyHash).toBe(hashApiKey(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    const listed = await listApiKeys(t.db, ws.id);
    expect(listed.map((k) => k.id)).toContain(apiKey.id);
    expect(JSON.stringify(listed)).not.toContain(row!.keyHash);
    expect(await listApiKeys(t.db, other.id)).toEqual([]);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.targetId, apiKey.id));
    expect(audit.map((e) => e.action)).toEqual(["api_key.created"]);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it("two keys never collide", async () => {
    const a = await createApiKey(t.db, ws.id, { name: "one" }, OPERATOR);
    const b = await createApiKey(t.db, ws.id, { name: "two" }, OPERATOR);
    expect(a.secret).not.toBe(b.secret);
  });

  it("refuses an empty name", async () => {
    await expect(createApiKey(t.db, ws.id, { name: "   " }, OPERATOR)).rejects.toMatchObject({ name: "ZodError" });
  });

  it("authenticates, records last use at most once a minute, and fails at once after revocation", async () => {
    const { apiKey, secret } = await createApiKey(t.db, ws.id, { name: "used" }, OPERATOR);
    const now = new Date("2026-03-01T10:00:00Z");
    const auth = await authenticateApiKey(t.db, secret, now);
    expect(auth).toMatchObject({ apiKey: { id: apiKey.id, workspaceId: ws.id }, workspace: { id: ws.id } });
    const lastUsed = async () => (await t.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id)))[0]!.lastUsedAt;
    expect(await lastUsed()).toEqual(now);
    await authenticateApiKey(t.db, secret, new Date(now.getTime() + 30_000));
    expect(await lastUsed()).toEqual(now);
    const later = new Date(now.getTime() + 61_000);
    await authenticateApiKey(t.db, secret, later);
    expect(await lastUsed()).toEqual(later);

    await expect(revokeApiKey(t.db, other.id, apiKey.id, {})).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(revokeApiKey(t.db, ws.id, "nope", {})).rejects.toMatchObject({ code: "NOT_FOUND" });
    const revoked = await revokeApiKey(t.db, ws.id, apiKey.id, { userId: ownerId });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    await expect(authenticateApiKey(t.db, secret)).rejects.toMatchObject({ code: "INVALID_API_KEY" });
    // Revoking again is a no-op that still answers with the key.
    expect((await revokeApiKey(t.db, ws.id, apiKey.id, {})).revokedAt).toEqual(revoked.revokedAt);
  });

  it("rejects missing, malformed and unknown keys alike", async () => {
    for (const k of [null, undefined, "", "gh_live_short", "sk_live_" + "a".repeat(43), "gh_live_" + "a".repeat(43)]) {
      await expect(authenticateApiKey(t.db, k)).rejects.toMatchObject({ code: "INVALID_API_KEY" });
    }
  });
});
