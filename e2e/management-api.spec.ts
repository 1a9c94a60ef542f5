import { randomBytes } from "node:crypto";
import { runCli } from "../lib/testing/run-cli";
import { readState } from "./support/state";
import { expect, test } from "./support/fixtures";

const state = readState();

/** The operator's backend: an operator key from the CLI, organizations over REST, and an organization's resources under its path. */
test("an operator key manages organizations and reaches an organization's resources under /api/v1/organizations/{id}/…", async ({
  request,
  makeWorkspace,
}) => {
  test.skip(!state.databaseUrl, "the CLI shares the database with the app (real Postgres)");
  const made = await runCli(["operator-keys:create", "--name", "e2e-backend", "--json"], {
    databaseUrl: state.databaseUrl ?? undefined,
    dataDir: state.dataDir,
    extraEnv: { APP_URL: state.baseURL },
  });
  expect(made.code, made.stderr).toBe(0);
  const op = { authorization: `Bearer ${(made.json as { key: string }).key}` };
  const s = randomBytes(4).toString("hex");

  const created = await request.post("/api/v1/organizations", {
    headers: op,
    data: { name: "Tenant", slug: `tenant-${s}`, external_id: `ext_${s}`, owner_email: `boss@tenant-${s}.test` },
  });
  expect(created.status()).toBe(201);
  const org = (await created.json()).data as { id: string };

  // The same workspace routes, reached through the organization's path (proxy.ts rewrites it).
  const members = await request.get(`/api/v1/organizations/${org.id}/members`, { headers: op });
  expect(members.status()).toBe(200);
  expect((await members.json()).data).toEqual([expect.objectContaining({ email: `boss@tenant-${s}.test`, role: "owner" })]);
  const domain = await request.post(`/api/v1/organizations/${org.id}/domains`, { headers: op, data: { domain: `tenant-${s}.com` } });
  expect(domain.status()).toBe(201);
  expect(domain.headers()["x-request-id"]).toMatch(/^req_/);

  // Without the organization, and with a workspace key: refused.
  expect((await (await request.get("/api/v1/members", { headers: op })).json()).error.code).toBe("ORGANIZATION_REQUIRED");
  const ws = await makeWorkspace();
  const wsKey = await runCli(["api-keys:create", "--workspace", ws.slug, "--name", "k", "--json"], {
    databaseUrl: state.databaseUrl ?? undefined,
    dataDir: state.dataDir,
    extraEnv: { APP_URL: state.baseURL },
  });
  const wk = { authorization: `Bearer ${(wsKey.json as { key: string }).key}` };
  expect((await request.get("/api/v1/organizations", { headers: wk })).status()).toBe(403);
  const sneaky = await request.get(`/api/v1/organizations/${org.id}/members`, { headers: { ...wk, "x-gatehouse-organization": org.id } });
  expect((await sneaky.json()).error.code).toBe("OPERATOR_KEY_REQUIRED");
  // A workspace key sending the internal header itself on its own routes: the header is dropped.
  const own = await request.get("/api/v1/members", { headers: { ...wk, "x-gatehouse-organization": org.id } });
  expect(own.status()).toBe(200);
  expect(JSON.stringify(await own.json())).not.toContain(`tenant-${s}`);
});
