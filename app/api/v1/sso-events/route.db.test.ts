import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as listRoute from "@/app/api/v1/sso-events/route";
import * as itemRoute from "@/app/api/v1/sso-events/[id]/route";
import { useDbForTests } from "@/server/bootstrap";
import { createConnection } from "@/lib/services/connections";
import { connectionCreateSchema } from "@/lib/schemas/connections";
import { recordSsoEvent } from "@/lib/services/sso-events";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { assertNoSecrets, callRoute } from "@/lib/testing/api";
import { makeApiWorkspace, type ApiTestWorkspace } from "@/lib/testing/fixtures";
import { OPERATOR } from "@/lib/services/actor";

let t: TestDb;
let a: ApiTestWorkspace;
let b: ApiTestWorkspace;
let connA1: string;
let connA2: string;
let eventB: string;
const base = new Date("2026-01-10T12:00:00.000Z");
const at = (minutes: number) => new Date(base.getTime() + minutes * 60_000);

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  a = await makeApiWorkspace(t.db, { slug: "ev-a" });
  b = await makeApiWorkspace(t.db, { slug: "ev-b" });
  connA1 = (await createConnection(t.db, a.id, connectionCreateSchema.parse({ name: "A1", slug: "ev-a-one" }), OPERATOR)).id;
  connA2 = (await createConnection(t.db, a.id, connectionCreateSchema.parse({ name: "A2", slug: "ev-a-two" }), OPERATOR)).id;
  const connB = (await createConnection(t.db, b.id, connectionCreateSchema.parse({ name: "B", slug: "ev-b-one" }), OPERATOR)).id;
  for (let i = 0; i < 5; i++) {
    await recordSsoEvent(t.db, {
      workspaceId: a.id,
      connectionId: connA1,
      outcome: "success",
      email: `user${i}@a.test`,
      flow: "sp",
      now: at(i),
    });
  }
  await recordSsoEvent(t.db, {
    workspaceId: a.id,
    connectionId: connA2,
    outcome: "failure",
    errorCode: "SAML_AUDIENCE_MISMATCH",
    email: "Mallory@A.test",
    flow: "idp",
    detail: { expected: "http://localhost:3999/auth/sso/saml/ev-a-two", actual: "https://other" },
    now: at(10),
  });
  eventB = (
    await recordSsoEvent(t.db, { workspaceId: b.id, connectionId: connB, outcome: "failure", errorCode: "SAML_REPLAY", now: at(3) })
  ).id;
});
afterAll(async () => {
  await t.close();
});

const list = (w: ApiTestWorkspace, query = "") => callRoute(listRoute.GET, "GET", `/api/v1/sso-events${query}`, w.key);

describe("/api/v1/sso-events", () => {
  it("401 without a valid key", async () => {
    const r = await callRoute(listRoute.GET, "GET", "/api/v1/sso-events", null);
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe("INVALID_API_KEY");
  });

  it("lists the workspace's events newest first, never another workspace's", async () => {
    const r = await list(a);
    expect(r.status).toBe(200);
    expect(r.headers.get("x-request-id")).toBeTruthy();
    expect(r.json.data).toHaveLength(6);
    expect(r.json.data[0]).toMatchObject({ outcome: "failure", error_code: "SAML_AUDIENCE_MISMATCH", flow: "idp", connection_id: connA2 });
    expect(r.json.data.map((e: { id: string }) => e.id)).not.toContain(eventB);
    expect(r.json.meta.next_cursor).toBeNull();
    assertNoSecrets(r.text);
  });

  it("filters by connection (connection_id or connection), outcome, email and time", async () => {
    expect((await list(a, `?connection_id=${connA1}`)).json.data).toHaveLength(5);
    expect((await list(a, `?connection=${connA2}`)).json.data).toHaveLength(1);
    expect((await list(a, "?outcome=failure")).json.data.map((e: { email: string }) => e.email)).toEqual(["Mallory@A.test"]);
    expect((await list(a, "?email=mallory@a.test")).json.data).toHaveLength(1);
    const window = await list(a, `?since=${encodeURIComponent(at(1).toISOString())}&until=${encodeURIComponent(at(4).toISOString())}`);
    expect(window.json.data.map((e: { email: string }) => e.email)).toEqual(["user3@a.test", "user2@a.test", "user1@a.test"]);
    // Another workspace's connection id filters to nothing (never its events).
    const connB = (await list(b)).json.data[0].connection_id;
    expect((await list(a, `?connection_id=${connB}`)).json.data).toEqual([]);
  });

  it("pages with cursor = meta.next_cursor", async () => {
    const first = await list(a, "?limit=4");
    expect(first.json.data).toHaveLength(4);
    const cursor = first.json.meta.next_cursor;
    expect(typeof cursor).toBe("string");
    const second = await list(a, `?limit=4&cursor=${encodeURIComponent(cursor)}`);
    expect(second.json.data).toHaveLength(2);
    expect(second.json.meta.next_cursor).toBeNull();
    const ids = [...first.json.data, ...second.json.data].map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(6);
  });

  it("422 with field paths for bad filters", async () => {
    const r = await list(a, "?outcome=maybe&limit=0&since=not-a-date&connection_id=nope");
    expect(r.status).toBe(422);
    expect(r.json.error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["connection_id", "limit", "outcome", "since"]);
    const cursor = await list(a, "?cursor=garbage");
    expect(cursor.status).toBe(422);
    expect(cursor.json.error.fields[0].path).toBe("cursor");
  });

  it("GET /sso-events/{id}: own event with its detail; another workspace's → 404", async () => {
    const own = (await list(a, "?outcome=failure")).json.data[0];
    const r = await callRoute(itemRoute.GET, "GET", `/api/v1/sso-events/${own.id}`, a.key, { params: { id: own.id } });
    expect(r.status).toBe(200);
    expect(r.json.data.detail).toEqual({ expected: "http://localhost:3999/auth/sso/saml/ev-a-two", actual: "https://other" });
    const other = await callRoute(itemRoute.GET, "GET", `/api/v1/sso-events/${eventB}`, a.key, { params: { id: eventB } });
    expect(other.status).toBe(404);
    expect(other.json.error.code).toBe("NOT_FOUND");
  });
});
