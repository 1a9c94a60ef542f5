import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevIdp } from "@/lib/dev-idp";
import { resetEnvForTests } from "@/lib/env";
import { useDbForTests } from "@/server/bootstrap";
import { findConnectionBySlug } from "@/lib/services/connections";
import { findWorkspaceBySlug } from "@/lib/services/workspaces";
import { createTestDb, type TestDb } from "@/lib/testing/test-db";
import { POST } from "@/app/api/internal/cli/route";
import { isLoopbackAddress } from "./cli-bridge";
import { REMOTE_ADDR_HEADER } from "@/lib/http/client-ip";
import { CLI_TOKEN_HEADER, serverInfoPath, writeServerInfo, type ServerInfo } from "./server-info";

let t: TestDb;
let dataDir: string;
let info: ServerInfo;
const saved = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };

beforeAll(async () => {
  t = await createTestDb();
  useDbForTests(t.db);
  dataDir = mkdtempSync(path.join(os.tmpdir(), "gh-cli-bridge-"));
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  resetEnvForTests();
  info = writeServerInfo(dataDir, 4399);
});
afterAll(async () => {
  process.env.DATA_DIR = saved.DATA_DIR;
  if (saved.DATABASE_URL) process.env.DATABASE_URL = saved.DATABASE_URL;
  resetEnvForTests();
  await t?.close();
});

type Out = { exitCode: number; stdout: string[]; stderr: string[] };

function call(body: unknown, headers: Record<string, string> = {}) {
  return POST(
    new Request("http://localhost:3999/api/internal/cli", {
      method: "POST",
      headers: { "content-type": "application/json", [REMOTE_ADDR_HEADER]: "127.0.0.1", [CLI_TOKEN_HEADER]: info.token, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}
const json = (o: Out) => JSON.parse(o.stdout.join("\n")) as Record<string, unknown> & { error?: { code: string } };

describe("POST /api/internal/cli", () => {
  it("writes server.json readable by its owner only", async () => {
    const { statSync } = await import("node:fs");
    expect(statSync(serverInfoPath(dataDir)).mode & 0o777).toBe(0o600);
    expect(info.pid).toBe(process.pid);
    expect(Buffer.from(info.token, "base64url")).toHaveLength(32);
  });

  it("runs a command on the server's database and returns its output and exit code", async () => {
    const res = await call({
      argv: ["workspaces:create", "--slug", "bridge-ws", "--name", "Bridge", "--owner-email", "o@bridge.test", "--json"],
    });
    expect(res.status).toBe(200);
    const out = (await res.json()) as Out;
    expect(out.exitCode).toBe(0);
    expect(json(out)).toMatchObject({ workspace: { slug: "bridge-ws" }, owner: { email: "o@bridge.test" } });
    expect(await findWorkspaceBySlug(t.db, "bridge-ws")).toBeTruthy();

    const text = (await (
      await call({ argv: ["connections:list", "--workspace", "bridge-ws"] }, { [REMOTE_ADDR_HEADER]: "::ffff:127.0.0.1" })
    ).json()) as Out;
    expect(text).toEqual({ exitCode: 0, stdout: ["No connections in bridge-ws. Create one with connections:create."], stderr: [] });

    const dup = (await (
      await call(
        { argv: ["workspaces:create", "--slug", "bridge-ws", "--name", "B", "--owner-email", "x@bridge.test", "--json"] },
        { [REMOTE_ADDR_HEADER]: "::1" },
      )
    ).json()) as Out;
    expect(dup.exitCode).toBe(1);
    expect(json(dup).error?.code).toBe("SLUG_TAKEN");
  });

  it("uses the file content the CLI sent and never reads a path itself", async () => {
    const idp = createDevIdp({ entityId: "https://idp.bridge.test/entity" });
    const argv = [
      "connections:create",
      "--workspace",
      "bridge-ws",
      "--name",
      "Okta",
      "--slug",
      "bridge-okta",
      "--metadata-file",
      "idp.xml",
      "--json",
    ];
    const out = (await (
      await call({ argv, files: { "metadata-file": { content: idp.metadataXml("https://idp.bridge.test/sso") } } })
    ).json()) as Out;
    expect(out.exitCode, out.stdout.join("\n")).toBe(0);
    expect(json(out)).toMatchObject({ connection: { slug: "bridge-okta", idp_entity_id: idp.entityId } });
    expect(await findConnectionBySlug(t.db, "bridge-okta")).toBeTruthy();

    const secret = path.join(dataDir, "server-side.xml");
    writeFileSync(secret, idp.metadataXml("https://idp.bridge.test/sso"));
    const noFile = (await (await call({ argv: [...argv.slice(0, 6), "bridge-2", "--metadata-file", secret, "--json"] })).json()) as Out;
    expect(noFile.exitCode).toBe(1);
    expect(json(noFile).error?.code).toBe("VALIDATION_FAILED");
    expect(await findConnectionBySlug(t.db, "bridge-2")).toBeFalsy();
  });

  it("validates the forwarded command line exactly as the CLI does", async () => {
    const missing = (await (await call({ argv: ["connections:create", "--workspace", "bridge-ws", "--json"] })).json()) as Out;
    expect(missing.exitCode).toBe(1);
    expect(json(missing).error?.code).toBe("VALIDATION_FAILED");
    const unknown = (await (await call({ argv: ["nope:nope"] })).json()) as Out;
    expect(unknown.exitCode).toBe(2);
    expect((await call("not json")).status).toBe(400);
    expect((await call({ argv: [] })).status).toBe(400);
  });

  it("answers 404 to a wrong or missing token", async () => {
    const body = { argv: ["connections:list", "--workspace", "bridge-ws", "--json"] };
    expect((await call(body, { [CLI_TOKEN_HEADER]: info.token.slice(0, -1) + (info.token.endsWith("A") ? "B" : "A") })).status).toBe(404);
    expect((await call(body, { [CLI_TOKEN_HEADER]: "" })).status).toBe(404);
    const res = await POST(
      new Request("http://localhost:3999/api/internal/cli", {
        method: "POST",
        headers: { [REMOTE_ADDR_HEADER]: "127.0.0.1" },
        body: JSON.stringify(body),
      }),
    );
    expect(res.status).toBe(404);
  });

  it("answers 404 to a non-loopback caller, whatever X-Forwarded-For says", async () => {
    const body = { argv: ["connections:list", "--workspace", "bridge-ws", "--json"] };
    expect((await call(body, { [REMOTE_ADDR_HEADER]: "203.0.113.7", "x-forwarded-for": "127.0.0.1" })).status).toBe(404);
    expect((await call(body, { [REMOTE_ADDR_HEADER]: "::ffff:10.0.0.1" })).status).toBe(404);
    const noSocket = await POST(
      new Request("http://localhost:3999/api/internal/cli", {
        method: "POST",
        headers: { [CLI_TOKEN_HEADER]: info.token, "x-forwarded-for": "127.0.0.1" },
        body: JSON.stringify(body),
      }),
    );
    expect(noSocket.status).toBe(404);
  });

  it("answers 404 when server.json belongs to another process, and on real Postgres", async () => {
    const body = { argv: ["connections:list", "--workspace", "bridge-ws", "--json"] };
    writeFileSync(serverInfoPath(dataDir), JSON.stringify({ ...info, pid: process.pid + 100_000 }));
    expect((await call(body)).status).toBe(404);
    writeFileSync(serverInfoPath(dataDir), JSON.stringify(info));
    expect((await call(body)).status).toBe(200);

    process.env.DATABASE_URL = "postgres://postgres@127.0.0.1:5432/unused";
    resetEnvForTests();
    try {
      expect((await call(body)).status).toBe(404);
    } finally {
      delete process.env.DATABASE_URL;
      resetEnvForTests();
    }
  });
});

describe("isLoopbackAddress", () => {
  it("accepts 127/8, ::1 and IPv4-mapped loopback only", () => {
    for (const a of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "::FFFF:127.0.0.1"]) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ["", "10.0.0.1", "::ffff:10.0.0.1", "128.0.0.1", "localhost", "127.0.0.1.evil", "fe80::1", "::"])
      expect(isLoopbackAddress(a), a).toBe(false);
  });
});
