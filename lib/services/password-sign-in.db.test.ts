import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { resolveSessionUser } from "@/lib/auth/session-token";
import { ACCOUNT_FAILURES, IP_FAILURES, signInWithPassword } from "./password-sign-in";
import { revokeUserSessions, setUserDisabled, setUserPassword } from "./users";
import { createWorkspace } from "./workspaces";

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t.close();
});

describe("password sign-in", () => {
  it("signs in with the right password; wrong email and wrong password give the same error", async () => {
    await createWorkspace(t.db, { slug: "pw-a", name: "A", ownerEmail: "alice@pw.test", ownerPassword: "alice-password-1" });
    const user = await signInWithPassword(t.db, { email: "Alice@PW.test", password: "alice-password-1", ip: "10.0.0.1" });
    expect(user.email).toBe("alice@pw.test");
    await expect(signInWithPassword(t.db, { email: "alice@pw.test", password: "nope-nope-nope", ip: "10.0.0.1" })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
    await expect(signInWithPassword(t.db, { email: "nobody@pw.test", password: "nope-nope-nope", ip: "10.0.0.1" })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
  });

  it("throttles an account after repeated failures, even with the right password, across IPs", async () => {
    await createWorkspace(t.db, { slug: "pw-b", name: "B", ownerEmail: "bob@pw.test", ownerPassword: "bob-password-1" });
    for (let i = 0; i < ACCOUNT_FAILURES.limit; i++) {
      await expect(signInWithPassword(t.db, { email: "bob@pw.test", password: "wrong", ip: `10.1.0.${i}` })).rejects.toMatchObject({
        code: "INVALID_CREDENTIALS",
      });
    }
    const err = await signInWithPassword(t.db, { email: "bob@pw.test", password: "bob-password-1", ip: "10.1.1.1" }).catch((e) => e);
    expect(err.code).toBe("TOO_MANY_ATTEMPTS");
    expect(Number(err.headers["Retry-After"])).toBeGreaterThan(0);
    // The window passes: allowed again.
    const later = new Date(Date.now() + (ACCOUNT_FAILURES.windowSeconds + 1) * 1000);
    const user = await signInWithPassword(t.db, { email: "bob@pw.test", password: "bob-password-1", ip: "10.1.1.1" }, later);
    expect(user.email).toBe("bob@pw.test");
  });

  it("throttles an IP that tries many accounts", async () => {
    for (let i = 0; i < IP_FAILURES.limit; i++) {
      await signInWithPassword(t.db, { email: `x${i}@spray.test`, password: "wrong", ip: "10.9.9.9" }).catch(() => {});
    }
    await expect(signInWithPassword(t.db, { email: "other@spray.test", password: "wrong", ip: "10.9.9.9" })).rejects.toMatchObject({
      code: "TOO_MANY_ATTEMPTS",
    });
    await expect(signInWithPassword(t.db, { email: "other@spray.test", password: "wrong", ip: "10.9.9.10" })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
  });

  it("sessions are revocable: disabled user, new password or revoke end a live session", async () => {
    const { owner } = await createWorkspace(t.db, {
      slug: "pw-c",
      name: "C",
      ownerEmail: "carol@pw.test",
      ownerPassword: "carol-password-1",
    });
    const claims = { uid: owner.id, sv: owner.sessionVersion };
    expect(await resolveSessionUser(t.db, claims)).toMatchObject({ email: "carol@pw.test" });
    await revokeUserSessions(t.db, owner.id);
    expect(await resolveSessionUser(t.db, claims)).toBeNull();
    const u2 = await setUserPassword(t.db, "carol@pw.test", "carol-password-2");
    expect(await resolveSessionUser(t.db, { uid: owner.id, sv: u2.sessionVersion - 1 })).toBeNull();
    expect(await resolveSessionUser(t.db, { uid: owner.id, sv: u2.sessionVersion })).not.toBeNull();
    await setUserDisabled(t.db, owner.id, true);
    expect(await resolveSessionUser(t.db, { uid: owner.id, sv: u2.sessionVersion + 1 })).toBeNull();
    await expect(signInWithPassword(t.db, { email: "carol@pw.test", password: "carol-password-2", ip: null })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
    expect(await resolveSessionUser(t.db, { uid: "not-a-uuid-but-string" })).toBeNull();
  });
});
