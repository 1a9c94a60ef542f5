import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { directoryGroupMembers } from "@/db/schema";
import { setDirectoryGroupRole, updateDirectory } from "@/lib/services/directories";
import { replayDatabases, type TestDb } from "@/lib/testing/test-db";
import { useDbForTests } from "@/server/bootstrap";
import { auditSince, eventsSince, lastDeliverySeq, makeScimDirectory, memberState, scimCall } from "@/lib/testing/scim";

/**
 * Okta's and Microsoft's published SCIM request sequences (lib/scim/fixtures/<vendor>.json), replayed
 * against the real route on Postgres and on PGlite: every status, and every side effect the step
 * names (member and role, disabled, sessions ended, outbox events, audit entries, group members).
 */

type Step = {
  name: string;
  admin?: { mapGroup?: { group: string; role: "admin" | "editor" | "viewer" }; directory?: Record<string, unknown> };
  request?: { method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"; path: string; body?: unknown };
  expect?: {
    status: number;
    body?: Record<string, unknown>;
    absent?: string[];
    capture?: Record<string, string>;
    member?: { email: string; role?: string; disabled?: boolean; source?: string; status?: string };
    sessionsEnded?: boolean;
    events?: string[];
    eventData?: Record<string, unknown>;
    audit?: string[];
    groupMembers?: number;
  };
};
type Fixture = { vendor: string; source: string; steps: Step[] };

const load = (name: string) => JSON.parse(readFileSync(path.join(process.cwd(), "lib/scim/fixtures", `${name}.json`), "utf8")) as Fixture;
const fixtures = [load("okta"), load("entra")];

function fill<T>(value: T, vars: Record<string, string>): T {
  return JSON.parse(JSON.stringify(value).replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? `{{${k}}}`)) as T;
}

const databases = await replayDatabases();

describe.each(databases)("SCIM replay on $kind", ({ open }) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(fixtures.map((f) => [f.vendor, f] as const))(
    "%s: every step answers as the IdP expects, with its side effects",
    async (_vendor, fixture) => {
      useDbForTests(t.db);
      const d = await makeScimDirectory(t.db, fixture.vendor === "Okta" ? "okta" : "entra");
      const vars: Record<string, string> = { domain: d.domain, base: d.base };
      for (const raw of fixture.steps) {
        const step = fill(raw, vars);
        if (step.admin?.mapGroup) {
          await setDirectoryGroupRole(t.db, d.workspace.id, d.directory.id, step.admin.mapGroup.group, step.admin.mapGroup.role, {
            userId: d.owner.id,
          });
          continue;
        }
        if (step.admin?.directory) {
          await updateDirectory(t.db, d.workspace.id, d.directory.id, step.admin.directory, { userId: d.owner.id });
          continue;
        }
        const e = step.expect!;
        const seq = await lastDeliverySeq(t.db);
        const since = new Date();
        const before = e.member ? await memberState(t.db, d.workspace.id, e.member.email) : undefined;
        const res = await scimCall(d, step.request!.method, step.request!.path, step.request!.body);
        const where = `${fixture.vendor} › ${step.name}`;
        expect(res.status, `${where}: ${res.text}`).toBe(e.status);
        if (res.status !== 204) expect(res.headers.get("content-type"), where).toMatch(/^application\/scim\+json/);
        for (const [name, key] of Object.entries(e.capture ?? {})) vars[name] = String(res.json?.[key]);
        if (e.body) expect(res.json, where).toMatchObject(fill(e.body, vars));
        for (const key of e.absent ?? []) expect(res.json ?? {}, where).not.toHaveProperty(key);
        if (e.member) {
          const m = await memberState(t.db, d.workspace.id, e.member.email);
          const { email: _email, ...want } = e.member;
          expect(m, where).toMatchObject(want);
          if (e.sessionsEnded !== undefined)
            expect(m!.sessionVersion > (before?.sessionVersion ?? Infinity), `${where}: sessions ended`).toBe(e.sessionsEnded);
        }
        if (e.events) {
          const events = await eventsSince(t.db, d.workspace.id, seq);
          expect(
            events.map((x) => x.type),
            where,
          ).toEqual(e.events);
          if (e.eventData) expect(events.find((x) => x.type.startsWith("user."))?.data, where).toMatchObject(e.eventData);
        }
        if (e.audit) {
          const actions = (await auditSince(t.db, d.workspace.id, since)).map((a) => a.action);
          for (const a of e.audit) expect(actions, where).toContain(a);
        }
        if (e.groupMembers !== undefined) {
          const [c] = await t.db.select({ n: count() }).from(directoryGroupMembers).where(eq(directoryGroupMembers.groupId, vars.groupId!));
          expect(Number(c!.n), where).toBe(e.groupMembers);
        }
      }
    },
  );
});
