import { describe, expect, it } from "vitest";
import { planFilter } from "./filter";
import { normalizeBooleans, normalizePatch } from "./normalize";
import { redactScimBody } from "./redact";
import { scimmy } from "./scimmy";
import { readScimUser } from "./user-fields";

const ops = (body: unknown) => (body as { Operations: unknown[] }).Operations;

describe("normalizePatch: what Okta and Entra send", () => {
  it('turns Entra\'s "True"/"False" strings into booleans, with a path or inside the value; other strings stay', () => {
    const body = {
      Operations: [
        { op: "Replace", path: "active", value: "False" },
        { op: "Replace", value: { active: "TRUE", emails: [{ value: "a@x", primary: "True" }] } },
        { op: "Replace", path: 'emails[type eq "work"].primary', value: "false" },
        { op: "Replace", path: "title", value: "False" },
        { op: "Replace", path: "active", value: "maybe" },
      ],
    };
    expect(ops(normalizePatch(body, { emails: [{ type: "work", value: "a@x" }] }))).toEqual([
      { op: "replace", path: "active", value: false },
      { op: "replace", value: { active: true, emails: [{ value: "a@x", primary: true }] } },
      { op: "replace", path: 'emails[type eq "work"].primary', value: false },
      { op: "replace", path: "title", value: "False" },
      { op: "replace", path: "active", value: "maybe" },
    ]);
  });

  it("adds schemas when missing; replacing a work email the user does not have adds it", () => {
    const out = normalizePatch({ Operations: [{ op: "Replace", path: 'emails[type eq "work"].value', value: "b@x" }] }, { emails: [] }) as {
      schemas: string[];
      Operations: unknown[];
    };
    expect(out.schemas).toEqual(["urn:ietf:params:scim:api:messages:2.0:PatchOp"]);
    expect(out.Operations).toEqual([{ op: "add", path: "emails", value: [{ type: "work", value: "b@x" }] }]);
    const kept = normalizePatch(
      { Operations: [{ op: "replace", path: 'emails[type eq "work"].value', value: "b@x" }] },
      { emails: [{ type: "Work", value: "a@x" }] },
    );
    expect(ops(kept)).toEqual([{ op: "replace", path: 'emails[type eq "work"].value', value: "b@x" }]);
  });

  it("Entra's member removal by value list matches on value alone ($ref: null would match nothing)", () => {
    const out = normalizePatch({ Operations: [{ op: "Remove", path: "members", value: [{ $ref: null, value: "u1" }] }] }, {});
    expect(ops(out)).toEqual([{ op: "remove", path: "members", value: [{ value: "u1" }] }]);
  });

  it("applied by SCIMMY: the flag-on Entra form (path keys inside the value) and Okta's group rename with the id in the value", async () => {
    const S = scimmy();
    const user = new S.Schemas.User({ id: "u1", userName: "a@x.test", active: true, emails: [{ type: "work", value: "a@x.test" }] }, "out");
    const patched = await new S.Messages.PatchOp(
      normalizePatch(
        { Operations: [{ op: "replace", value: { 'emails[type eq "work"].value': "c@x.test", "name.givenName": "C", active: "False" } }] },
        {},
      ) as never,
    ).apply(user);
    expect(JSON.parse(JSON.stringify(patched))).toMatchObject({ active: false, name: { givenName: "C" }, emails: [{ value: "c@x.test" }] });
    const group = new S.Schemas.Group({ id: "g1", displayName: "Eng" }, "out");
    const renamed = await new S.Messages.PatchOp(
      normalizePatch({ Operations: [{ op: "replace", value: { id: "g1", displayName: "Eng 2" } }] }, {}) as never,
    ).apply(group);
    expect(JSON.parse(JSON.stringify(renamed))).toMatchObject({ id: "g1", displayName: "Eng 2" });
  });

  it("normalizeBooleans leaves non-boolean attributes alone", () => {
    expect(normalizeBooleans({ active: "true", displayName: "True", nested: { primary: "FALSE" } })).toEqual({
      active: true,
      displayName: "True",
      nested: { primary: false },
    });
  });
});

describe("planFilter: which filters SQL answers exactly", () => {
  const S = scimmy();
  const plan = (f: string, r: "User" | "Group" = "User") => planFilter(new S.Types.Filter(f), r);
  it("userName, externalId, id, displayName, emails (typed or not), active and or/and of those", () => {
    expect(plan('userName eq "A@x"')).toEqual({ kind: "sql", anyOf: [[{ attr: "userName", value: "A@x" }]] });
    expect(plan('emails[type eq "work"].value eq "a@x"')).toEqual({
      kind: "sql",
      anyOf: [[{ attr: "email", value: "a@x", type: "work" }]],
    });
    expect(plan('emails.value eq "a@x"')).toEqual({ kind: "sql", anyOf: [[{ attr: "email", value: "a@x", type: null }]] });
    expect(plan('externalId eq "e" or displayName eq "d"')).toEqual({
      kind: "sql",
      anyOf: [[{ attr: "externalId", value: "e" }], [{ attr: "displayName", value: "d" }]],
    });
    expect(plan('displayName eq "Eng"', "Group")).toEqual({ kind: "sql", anyOf: [[{ attr: "displayName", value: "Eng" }]] });
    expect(plan("active eq true")).toEqual({ kind: "sql", anyOf: [[{ attr: "active", value: true }]] });
  });
  it("anything else is matched in memory by SCIMMY; no filter is everything", () => {
    expect(plan('userName sw "a"').kind).toBe("memory");
    expect(plan('userName eq "a"', "Group").kind).toBe("memory");
    expect(plan('name.familyName eq "x"').kind).toBe("memory");
    expect(planFilter(undefined, "User")).toEqual({ kind: "all" });
  });
});

describe("readScimUser and redaction", () => {
  it("picks the primary email, else work, else the first, else an email-like userName; active defaults to true", () => {
    expect(
      readScimUser({
        userName: "x",
        emails: [
          { value: "W@x.test", type: "work" },
          { value: "P@x.test", primary: true },
        ],
      }).email,
    ).toBe("p@x.test");
    expect(
      readScimUser({
        userName: "x",
        emails: [
          { value: "h@x.test", type: "home" },
          { value: "w@x.test", type: "work" },
        ],
      }).email,
    ).toBe("w@x.test");
    expect(readScimUser({ userName: "U@x.test" })).toMatchObject({ email: "u@x.test", active: true });
    expect(readScimUser({ userName: "not-an-email" }).email).toBeNull();
  });
  it("removes passwords and tokens from logged bodies, also as a PATCH path", () => {
    const out = redactScimBody(
      JSON.stringify({ password: "s3cret", Operations: [{ op: "replace", path: "password", value: "s3cret2" }], token: "t" }),
    );
    expect(JSON.stringify(out)).not.toMatch(/s3cret|"t"/);
  });
});
