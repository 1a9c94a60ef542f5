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

  it("25 parallel wrong-password attempts against one account: exactly 5 are evaluated, the 6th and later are refused", async () => {
    await createWorkspace(t.db, { slug: "pw-race", name: "Race", ownerEmail: "race@pw.test", ownerPassword: "race-password-1" });
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => signInWithPassword(t.db, { email: "race@pw.test", password: `guess-${i}`, ip: `10.7.${i}.1` })),
    );
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as { code: string }).code : "SIGNED_IN"));
    // INVALID_CREDENTIALS is only ever thrown after a password hash was checked: exactly the limit were evaluated.
    expect(codes.filter((c) => c === "INVALID_CREDENTIALS")).toHaveLength(ACCOUNT_FAILURES.limit);
    expect(codes.filter((c) => c === "TOO_MANY_ATTEMPTS")).toHaveLength(25 - ACCOUNT_FAILURES.limit);
    // And the right password is refused too while the window lasts.
    await expect(signInWithPassword(t.db, { email: "race@pw.test", password: "race-password-1", ip: "10.7.99.1" })).rejects.toMatchObject({
      code: "TOO_MANY_ATTEMPTS",
    });
  });

  it("successful sign-ins from one office IP do not use up the IP's failure budget", async () => {
    await createWorkspace(t.db, { slug: "pw-office", name: "Office", ownerEmail: "office@pw.test", ownerPassword: "office-password-1" });
    for (let i = 0; i < IP_FAILURES.limit + 5; i++) {
      await signInWithPassword(t.db, { email: "office@pw.test", password: "office-password-1", ip: "10.8.8.8" });
    }
    await expect(signInWithPassword(t.db, { email: "nobody@pw.test", password: "wrong", ip: "10.8.8.8" })).rejects.toMatchObject({
      code: "INVALID_CREDENTIALS",
    });
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
