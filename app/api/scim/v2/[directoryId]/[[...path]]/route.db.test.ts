import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, memberships, scimRequests } from "@/db/schema";
import { createDirectory, rotateDirectoryToken, updateDirectory } from "@/lib/services/directories";
import { addVerifiedDomain, makeWorkspace, uniq } from "@/lib/testing/fixtures";
import { findOrCreateUser } from "@/lib/services/users";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { useDbForTests } from "@/server/bootstrap";
import { makeScimDirectory, memberState, scimCall, type ScimTestDirectory } from "@/lib/testing/scim";

let t: TestDb;
const system = { userId: null };

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
});
afterAll(async () => {
  await t.close();
});

const newUser = (d: { domain: string }, local: string, extra: Record<string, unknown> = {}) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  userName: `${local}@${d.domain}`,
  name: { givenName: local, familyName: "Test" },
  emails: [{ primary: true, type: "work", value: `${local}@${d.domain}` }],
  active: true,
  ...extra,
});
const patch = (...Operations: unknown[]) => ({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations });

async function create(d: ScimTestDirectory, local: string, extra: Record<string, unknown> = {}) {
  const r = await scimCall(d, "POST", "/Users", newUser(d, local, extra));
  expect(r.status, r.text).toBe(201);
  return r.json!.id as string;
}

describe("SCIM authentication", () => {
  it("401 for a missing or wrong token, for directory A's token on directory B, and for an unknown directory; RFC 7644 error body", async () => {
    const a = await makeScimDirectory(t.db);
    const b = await makeScimDirectory(t.db);
    const sameWs = await createDirectory(t.db, a.workspace.id, { name: "second", kind: "generic" }, system);
    expect((await scimCall(a, "GET", "/Users")).status).toBe(200);
    for (const [token, directoryId] of [
      [null, a.directory.id],
      ["scim_" + "x".repeat(43), a.directory.id],
      [a.token, b.directory.id],
      [a.token, sameWs.directory.id],
      [b.token, a.directory.id],
      [a.token, "00000000-0000-0000-0000-000000000000"],
      [a.token, "not-a-uuid"],
    ] as const) {
      const r = await scimCall(a, "GET", "/Users", undefined, { token, directoryId });
      expect(r.status, `${token?.slice(0, 8)} on ${directoryId}`).toBe(401);
      expect(r.json).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
      expect(r.headers.get("x-gatehouse-error-code")).toBe("SCIM_UNAUTHORIZED");
      expect(r.headers.get("content-type")).toMatch(/^application\/scim\+json/);
    }
    // Refused requests of a known directory are in its request log; the token never is.
    const log = await t.db.select().from(scimRequests).where(eq(scimRequests.directoryId, b.directory.id));
    expect(log.map((l) => l.status)).toContain(401);
    expect(JSON.stringify(log)).not.toContain(a.token);
  });

  it("rotation: the new token works at once, the old one until the overlap ends, then 401", async () => {
    const d = await makeScimDirectory(t.db);
    const now = new Date();
    const { token: fresh, previousValidUntil } = await rotateDirectoryToken(
      t.db,
      d.workspace.id,
      d.directory.id,
      { overlapMinutes: 30 },
      system,
      now,
    );
    expect(previousValidUntil.getTime() - now.getTime()).toBe(30 * 60_000);
    expect((await scimCall(d, "GET", "/Users", undefined, { token: fresh })).status).toBe(200);
    expect((await scimCall(d, "GET", "/Users")).status).toBe(200);
    // A second rotation with no overlap ends every earlier token at once.
    const { token: third } = await rotateDirectoryToken(t.db, d.workspace.id, d.directory.id, { overlapMinutes: 0 }, system);
    expect((await scimCall(d, "GET", "/Users")).status).toBe(401);
    expect((await scimCall(d, "GET", "/Users", undefined, { token: fresh })).status).toBe(401);
    expect((await scimCall(d, "GET", "/Users", undefined, { token: third })).status).toBe(200);
  });

  it("a directory that is turned off refuses requests with 403 and changes nobody", async () => {
    const d = await makeScimDirectory(t.db);
    const id = await create(d, "alice");
    await updateDirectory(t.db, d.workspace.id, d.directory.id, { active: false }, system);
    const r = await scimCall(d, "PATCH", `/Users/${id}`, patch({ op: "replace", value: { active: false } }));
    expect(r.status).toBe(403);
    expect((await memberState(t.db, d.workspace.id, `alice@${d.domain}`))?.disabled).toBe(false);
  });
});

describe("SCIM protocol", () => {
  it("discovery: ServiceProviderConfig (PATCH and filter on, bulk off), ResourceTypes and Schemas, with the directory's base URL", async () => {
    const d = await makeScimDirectory(t.db);
    const spc = await scimCall(d, "GET", "/ServiceProviderConfig");
    expect(spc.status).toBe(200);
    expect(spc.json).toMatchObject({
      patch: { supported: true },
      filter: { supported: true, maxResults: 200 },
      bulk: { supported: false },
    });
    expect(spc.json).toMatchObject({ authenticationSchemes: [{ type: "oauthbearertoken" }] });
    const rt = await scimCall(d, "GET", "/ResourceTypes");
    expect((rt.json!.Resources as { name: string; endpoint: string }[]).map((r) => [r.name, r.endpoint])).toEqual([
      ["User", "/Users"],
      ["Group", "/Groups"],
    ]);
    expect(rt.text).toContain(`${d.base}/ResourceTypes/User`);
    expect(rt.text).not.toContain("urn:gatehouse:scim-base");
    const schemas = await scimCall(d, "GET", "/Schemas");
    const ids = (schemas.json!.Resources as { id: string }[]).map((s) => s.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:core:2.0:Group",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      ]),
    );
    expect((await scimCall(d, "GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")).status).toBe(200);
    expect((await scimCall(d, "GET", "/Nope")).status).toBe(404);
    expect((await scimCall(d, "POST", "/Bulk", { Operations: [] })).status).toBe(501);
  });

  it('filters: userName eq (case-insensitive), externalId eq, emails[type eq "work"].value eq, displayName eq, or; other filters still answer; a bad filter is 400 invalidFilter', async () => {
    const d = await makeScimDirectory(t.db);
    const a = await create(d, "ann", { externalId: "ext-ann", displayName: "Ann A" });
    const b = await create(d, "bob", { externalId: "ext-bob", displayName: "Bob B" });
    const ids = async (filter: string) => {
      const r = await scimCall(d, "GET", `/Users?filter=${encodeURIComponent(filter)}`);
      expect(r.status, `${filter}: ${r.text}`).toBe(200);
      return (r.json!.Resources as { id: string }[]).map((x) => x.id).sort();
    };
    expect(await ids(`userName eq "ANN@${d.domain.toUpperCase()}"`)).toEqual([a]);
    expect(await ids(`externalId eq "ext-bob"`)).toEqual([b]);
    expect(await ids(`externalId eq "EXT-BOB"`)).toEqual([]);
    expect(await ids(`emails[type eq "work"].value eq "bob@${d.domain}"`)).toEqual([b]);
    expect(await ids(`emails[type eq "home"].value eq "bob@${d.domain}"`)).toEqual([]);
    expect(await ids(`emails.value eq "Ann@${d.domain}"`)).toEqual([a]);
    expect(await ids(`displayName eq "bob b"`)).toEqual([b]);
    expect(await ids(`userName eq "ann@${d.domain}" or externalId eq "ext-bob"`)).toEqual([a, b].sort());
    expect(await ids(`userName sw "bob"`)).toEqual([b]);
    const bad = await scimCall(d, "GET", `/Users?filter=${encodeURIComponent("userName xx 1")}`);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ status: "400", scimType: "invalidFilter" });
    const g = await scimCall(d, "POST", "/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Sales Team" });
    const gr = await scimCall(d, "GET", `/Groups?filter=${encodeURIComponent('displayName eq "sales team"')}`);
    expect((gr.json!.Resources as { id: string }[]).map((x) => x.id)).toEqual([g.json!.id]);
  });

  it("pagination: startIndex (1-based) and count, totalResults over all matches", async () => {
    const d = await makeScimDirectory(t.db);
    const created = [];
    for (const n of ["p1", "p2", "p3", "p4", "p5"]) created.push(await create(d, n));
    const page = await scimCall(d, "GET", "/Users?startIndex=2&count=2");
    expect(page.json).toMatchObject({ totalResults: 5, startIndex: 2, itemsPerPage: 2 });
    expect((page.json!.Resources as { id: string }[]).map((r) => r.id)).toEqual(created.slice(1, 3));
    const last = await scimCall(d, "GET", "/Users?startIndex=5&count=10");
    expect(last.json).toMatchObject({ totalResults: 5, startIndex: 5, itemsPerPage: 1 });
    const none = await scimCall(d, "GET", "/Users?count=0");
    expect(none.json).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    const clamp = await scimCall(d, "GET", "/Users?startIndex=0&count=-5");
    expect(clamp.json).toMatchObject({ startIndex: 1, itemsPerPage: 0 });
  });

  it("PUT replaces the whole resource; a PUT with active false deprovisions like a PATCH does", async () => {
    const d = await makeScimDirectory(t.db);
    const id = await create(d, "carol", { nickName: "Caz", title: "Engineer" });
    const put = await scimCall(d, "PUT", `/Users/${id}`, newUser(d, "carol", { title: "Manager" }));
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ title: "Manager" });
    expect(put.json).not.toHaveProperty("nickName");
    const off = await scimCall(d, "PUT", `/Users/${id}`, newUser(d, "carol", { active: false }));
    expect(off.json).toMatchObject({ active: false });
    expect((await memberState(t.db, d.workspace.id, `carol@${d.domain}`))?.disabled).toBe(true);
  });

  it('PATCH with and without path, op names in any case, "True"/"False" strings; a truthy string never keeps someone active', async () => {
    const d = await makeScimDirectory(t.db);
    const id = await create(d, "dave");
    const email = `dave@${d.domain}`;
    for (const [body, disabled] of [
      [patch({ op: "REPLACE", path: "active", value: "false" }), true],
      [patch({ op: "Replace", value: { active: "TRUE" } }), false],
      [patch({ op: "replace", value: { active: false } }), true],
      [patch({ op: "add", path: "active", value: true }), false],
      [patch({ op: "Replace", path: "active", value: "False" }), true],
    ] as const) {
      const r = await scimCall(d, "PATCH", `/Users/${id}`, body);
      expect(r.status, r.text).toBe(200);
      expect((await memberState(t.db, d.workspace.id, email))?.disabled, JSON.stringify(body)).toBe(disabled);
    }
    const junk = await scimCall(d, "PATCH", `/Users/${id}`, patch({ op: "replace", path: "active", value: "yes" }));
    expect(junk.status).toBe(400);
    expect(junk.json).toMatchObject({ scimType: "invalidValue" });
    const badOp = await scimCall(d, "PATCH", `/Users/${id}`, patch({ op: "merge", path: "title", value: "x" }));
    expect(badOp.json).toMatchObject({ status: "400", scimType: "invalidSyntax" });
  });

  it("DELETE answers 204, the user is then 404, and the member stays, disabled", async () => {
    const d = await makeScimDirectory(t.db);
    const id = await create(d, "erin");
    const del = await scimCall(d, "DELETE", `/Users/${id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe("");
    expect((await scimCall(d, "GET", `/Users/${id}`)).status).toBe(404);
    expect((await scimCall(d, "DELETE", `/Users/${id}`)).status).toBe(404);
    expect(await memberState(t.db, d.workspace.id, `erin@${d.domain}`)).toMatchObject({ disabled: true, source: "scim" });
    // The IdP creates them again later: access comes back.
    await create(d, "erin");
    expect(await memberState(t.db, d.workspace.id, `erin@${d.domain}`)).toMatchObject({ disabled: false });
  });

  it("userName is unique per directory (409 uniqueness); bodies that are not JSON are 400 invalidSyntax; secrets never reach the request log", async () => {
    const d = await makeScimDirectory(t.db);
    await create(d, "frank", { password: "hunter2-secret" });
    const dup = await scimCall(d, "POST", "/Users", newUser(d, "FRANK"));
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ status: "409", scimType: "uniqueness" });
    const junk = await scimCall(d, "POST", "/Users", undefined, { rawBody: "{not json" });
    expect(junk.json).toMatchObject({ status: "400", scimType: "invalidSyntax" });
    const log = await t.db.select().from(scimRequests).where(eq(scimRequests.directoryId, d.directory.id));
    expect(log.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(log)).not.toContain("hunter2-secret");
    expect(log.find((l) => l.status === 201)?.requestBody).toMatchObject({ password: "[removed]" });
  });
});

describe("SCIM: who a directory token may reach", () => {
  it("an email outside the workspace's verified domains is refused with 400 and a clear detail; so is a domain another workspace verified", async () => {
    const d = await makeScimDirectory(t.db);
    const other = await makeWorkspace(t.db);
    const taken = `taken-${uniq()}.test`;
    await addVerifiedDomain(t.db, other.workspace.id, taken);
    for (const email of [`mallory@unverified-${uniq()}.test`, `ceo@${taken}`]) {
      const r = await scimCall(d, "POST", "/Users", { ...newUser(d, "x"), userName: email, emails: [{ primary: true, value: email }] });
      expect(r.status, email).toBe(400);
      expect(r.json).toMatchObject({ status: "400", scimType: "invalidValue" });
      expect(r.json!.detail).toContain(email.split("@")[1]);
      expect(r.headers.get("x-gatehouse-error-code")).toBe("SCIM_EMAIL_OUTSIDE_DOMAINS");
    }
  });

  it("an existing account (owner elsewhere) gets a membership here only; deprovisioning here leaves the other workspace and its sessions alone", async () => {
    const d = await makeScimDirectory(t.db);
    const elsewhere = await makeWorkspace(t.db);
    const email = `owner-elsewhere@${d.domain}`;
    const { user } = await findOrCreateUser(t.db, { email });
    await t.db.insert(memberships).values({ workspaceId: elsewhere.workspace.id, userId: user.id, role: "owner" });
    const id = await create(d, "owner-elsewhere");
    expect(await memberState(t.db, d.workspace.id, email)).toMatchObject({ role: "viewer", source: "scim", disabled: false });
    const before = await memberState(t.db, elsewhere.workspace.id, email);
    await scimCall(d, "PATCH", `/Users/${id}`, patch({ op: "replace", value: { active: false } }));
    expect((await memberState(t.db, d.workspace.id, email))?.disabled).toBe(true);
    const after = await memberState(t.db, elsewhere.workspace.id, email);
    expect(after).toMatchObject({ role: "owner", disabled: false });
    expect(after!.sessionVersion).toBe(before!.sessionVersion);
    // Its email is how it signs in to the other workspace: this directory cannot change it.
    const r = await scimCall(
      d,
      "PATCH",
      `/Users/${id}`,
      patch({ op: "replace", path: 'emails[type eq "work"].value', value: `renamed@${d.domain}` }),
    );
    expect(r.status).toBe(409);
    expect(r.headers.get("x-gatehouse-error-code")).toBe("SCIM_ACCOUNT_TAKEN");
  });

  it("changing a user's email to someone else's address is refused (409); to an unverified domain 400; nothing changes", async () => {
    const d = await makeScimDirectory(t.db);
    const id = await create(d, "gina");
    const ownerEmail = d.owner.email;
    for (const [email, status] of [
      [ownerEmail, 409],
      [`gina@elsewhere-${uniq()}.test`, 400],
    ] as const) {
      const r = await scimCall(d, "PATCH", `/Users/${id}`, patch({ op: "Replace", path: 'emails[type eq "work"].value', value: email }));
      expect(r.status, email).toBe(status);
      const put = await scimCall(d, "PUT", `/Users/${id}`, {
        ...newUser(d, "gina"),
        emails: [{ primary: true, type: "work", value: email }],
      });
      expect(put.status, email).toBe(status);
    }
    expect((await scimCall(d, "GET", `/Users/${id}`)).json).toMatchObject({ emails: [{ value: `gina@${d.domain}` }] });
    expect(await memberState(t.db, d.workspace.id, ownerEmail)).toMatchObject({ role: "owner", source: "password", disabled: false });
  });

  it("a second directory cannot take over a person the first one manages (409)", async () => {
    const d = await makeScimDirectory(t.db);
    await create(d, "hank");
    const second = await createDirectory(t.db, d.workspace.id, { name: "second", kind: "generic" }, system);
    const r = await scimCall({ directory: second.directory, token: second.token }, "POST", "/Users", newUser(d, "hank"));
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ scimType: "uniqueness" });
  });

  it("the last owner is never disabled by SCIM: 400 mutability with a clear detail and an audit entry; with another owner it proceeds", async () => {
    const d = await makeScimDirectory(t.db);
    const ownerLocal = d.owner.email.split("@")[0]!;
    const id = await create(d, ownerLocal);
    expect(await memberState(t.db, d.workspace.id, d.owner.email)).toMatchObject({ role: "owner", source: "scim" });
    for (const [method, body] of [
      ["PATCH", patch({ op: "replace", value: { active: false } })],
      ["PUT", newUser(d, ownerLocal, { active: false })],
      ["DELETE", undefined],
    ] as const) {
      const r = await scimCall(d, method, `/Users/${id}`, body);
      expect(r.status, method).toBe(400);
      expect(r.json).toMatchObject({ status: "400", scimType: "mutability" });
      expect(r.json!.detail).toMatch(/last owner/);
      expect(r.headers.get("x-gatehouse-error-code")).toBe("SCIM_LAST_OWNER");
    }
    expect(await memberState(t.db, d.workspace.id, d.owner.email)).toMatchObject({ role: "owner", disabled: false });
    expect((await scimCall(d, "GET", `/Users/${id}`)).json).toMatchObject({ active: true });
    const refusals = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, d.workspace.id), eq(auditLog.action, "member.deprovision_refused")));
    expect(refusals).toHaveLength(3);
    // Another owner exists: the directory may deprovision this one.
    const { user: second } = await findOrCreateUser(t.db, { email: `second-owner@${d.domain}` });
    await t.db.insert(memberships).values({ workspaceId: d.workspace.id, userId: second.id, role: "owner" });
    expect((await scimCall(d, "PATCH", `/Users/${id}`, patch({ op: "replace", value: { active: false } }))).status).toBe(200);
    expect(await memberState(t.db, d.workspace.id, d.owner.email)).toMatchObject({ role: "owner", disabled: true });
  });

  it("group → role rules never grant owner and never change an owner; a group member must be a user of this directory", async () => {
    const d = await makeScimDirectory(t.db);
    const other = await makeScimDirectory(t.db);
    const mine = await create(d, "ivy");
    const theirs = await create(other, "jack");
    const g = await scimCall(d, "POST", "/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Admins" });
    const gid = g.json!.id as string;
    for (const value of [theirs, "not-a-uuid", "00000000-0000-0000-0000-000000000000"]) {
      const r = await scimCall(d, "PATCH", `/Groups/${gid}`, patch({ op: "add", path: "members", value: [{ value }] }));
      expect(r.status, value).toBe(400);
      expect(r.headers.get("x-gatehouse-error-code")).toBe("SCIM_UNKNOWN_MEMBER");
    }
    const owner = await create(d, d.owner.email.split("@")[0]!);
    const { setDirectoryGroupRole } = await import("@/lib/services/directories");
    await expect(setDirectoryGroupRole(t.db, d.workspace.id, d.directory.id, gid, "owner" as never, system)).rejects.toThrow();
    await setDirectoryGroupRole(t.db, d.workspace.id, d.directory.id, gid, "admin", system);
    await scimCall(d, "PATCH", `/Groups/${gid}`, patch({ op: "add", path: "members", value: [{ value: mine }, { value: owner }] }));
    expect(await memberState(t.db, d.workspace.id, `ivy@${d.domain}`)).toMatchObject({ role: "admin" });
    expect(await memberState(t.db, d.workspace.id, d.owner.email)).toMatchObject({ role: "owner" });
    await expect(setDirectoryGroupRole(t.db, other.workspace.id, other.directory.id, gid, "viewer", system)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("concurrent member adds to one group are both kept (the group row is locked for the read-modify-write)", async () => {
    const d = await makeScimDirectory(t.db);
    const ids = [];
    for (const n of ["k1", "k2", "k3", "k4"]) ids.push(await create(d, n));
    const g = await scimCall(d, "POST", "/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Race" });
    const gid = g.json!.id as string;
    const results = await Promise.all(
      ids.map((value) => scimCall(d, "PATCH", `/Groups/${gid}`, patch({ op: "Add", path: "members", value: [{ value }] }))),
    );
    expect(results.map((r) => r.status)).toEqual([204, 204, 204, 204]);
    const got = await scimCall(d, "GET", `/Groups/${gid}`);
    expect((got.json!.members as { value: string }[]).map((m) => m.value).sort()).toEqual([...ids].sort());
  });
});
