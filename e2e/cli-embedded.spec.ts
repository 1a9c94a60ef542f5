import { serverArgs } from "./support/server-command";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCli } from "../lib/testing/run-cli";
import { expect, test } from "./support/fixtures";

/**
 * The README quick start: `npm start` on the embedded PGlite database, then the operator CLI in a
 * second terminal, exactly as the issues write the commands. PGlite is single-process, so the CLI
 * hands its commands to the running server; output and exit codes are those of a local run.
 */
test("the CLI works while the server runs on the embedded database", async ({ request }) => {
  test.setTimeout(240_000);
  const port = Number(process.env.E2E_PORT_BASE ?? 3100) + 8;
  const appUrl = `http://localhost:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "gh-cli-embedded-"));
  const operatorDir = mkdtempSync(path.join(os.tmpdir(), "gh-cli-operator-"));
  // The CLI sees the same DATA_DIR and APP_URL as the server (as in one checkout with one .env).
  const cli = (args: string[]) => runCli(args, { dataDir, extraEnv: { APP_URL: appUrl, INIT_CWD: operatorDir } });

  const server = startServer(port, appUrl, dataDir);
  try {
    await server.listening;
    expect((await request.get(`${appUrl}/api/health`)).status()).toBe(200);
    const infoFile = path.join(dataDir, "server.json");
    const info = JSON.parse(readFileSync(infoFile, "utf8")) as { pid: number; port: number; token: string };
    expect(info).toMatchObject({ pid: server.child.pid, port });
    expect(statSync(infoFile).mode & 0o777).toBe(0o600);

    // --help needs no database.
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("connections:create");

    const ws = await cli([
      "workspaces:create",
      "--slug",
      "cli-emb",
      "--name",
      "CLI Embedded",
      "--owner-email",
      "owner@cli-emb.test",
      "--json",
    ]);
    expect(ws.code, ws.stdout + ws.stderr).toBe(0);
    expect(ws.json).toMatchObject({ workspace: { slug: "cli-emb" }, owner: { email: "owner@cli-emb.test" } });

    // The built-in IdP's metadata from the running server, saved where the operator stands; the path is relative.
    const md = await request.get(`${appUrl}/dev/idp/metadata`);
    expect(md.status()).toBe(200);
    writeFileSync(path.join(operatorDir, "idp.xml"), await md.text());
    const created = await cli([
      "connections:create",
      "--workspace",
      "cli-emb",
      "--name",
      "Okta",
      "--slug",
      "cli-emb-okta",
      "--metadata-file",
      "idp.xml",
      "--json",
    ]);
    expect(created.code, created.stdout + created.stderr).toBe(0);
    expect(created.json).toMatchObject({
      connection: {
        slug: "cli-emb-okta",
        name: "Okta",
        sp: { entity_id: `${appUrl}/auth/sso/saml/cli-emb-okta`, acs_url: `${appUrl}/auth/sso/saml/cli-emb-okta/acs` },
      },
    });
    // The server sees what the CLI created.
    const spMetadata = await request.get(`${appUrl}/auth/sso/saml/cli-emb-okta/metadata`);
    expect(spMetadata.status()).toBe(200);
    expect(await spMetadata.text()).toContain(`entityID="${appUrl}/auth/sso/saml/cli-emb-okta"`);

    const missingFile = await cli([
      "connections:create",
      "--workspace",
      "cli-emb",
      "--name",
      "X",
      "--slug",
      "cli-emb-x",
      "--metadata-file",
      "nope.xml",
      "--json",
    ]);
    expect(missingFile.code).toBe(1);
    expect(missingFile.json).toMatchObject({ error: { code: "VALIDATION_FAILED" } });

    const list = await cli(["connections:list", "--workspace", "cli-emb", "--json"]);
    expect(list.code).toBe(0);
    expect((list.json as { connections: { slug: string }[] }).connections.map((c) => c.slug)).toEqual(["cli-emb-okta"]);
    const listText = await cli(["connections:list", "--workspace", "cli-emb"]);
    expect(listText.code).toBe(0);
    expect(listText.stdout).toMatch(/^cli-emb-okta\s+active\s+Okta\s+http:\/\/localhost:\d+\/auth\/sso\/saml\/cli-emb-okta\/login\n$/);

    const domain = await cli(["domains:add", "--workspace", "cli-emb", "--domain", "cli-emb.test", "--json"]);
    expect(domain.code, domain.stdout + domain.stderr).toBe(0);
    expect(domain.json).toMatchObject({ domain: "cli-emb.test", txt_record: { name: expect.stringContaining("cli-emb.test") } });

    const invite = await cli(["members:invite", "--workspace", "cli-emb", "--email", "ada@cli-emb.test", "--role", "admin", "--json"]);
    expect(invite.code, invite.stdout + invite.stderr).toBe(0);
    expect((invite.json as { invite_url: string }).invite_url).toContain(appUrl);

    const key = await cli(["api-keys:create", "--workspace", "cli-emb", "--name", "terraform", "--json"]);
    expect(key.code, key.stdout + key.stderr).toBe(0);
    const secret = (key.json as { key: string }).key;
    expect(secret).toMatch(/^gh_live_/);
    const viaApi = await request.get(`${appUrl}/api/v1/connections`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(viaApi.status()).toBe(200);
    expect(JSON.stringify(await viaApi.json())).toContain("cli-emb-okta");

    // Errors: same codes and exit codes as a local run, JSON on stdout with --json, two lines on stderr without.
    const taken = await cli(["workspaces:create", "--slug", "cli-emb", "--name", "Again", "--owner-email", "x@cli-emb.test", "--json"]);
    expect(taken.code).toBe(1);
    expect(taken.json).toMatchObject({ error: { code: "SLUG_TAKEN" } });
    const takenText = await cli(["workspaces:create", "--slug", "cli-emb", "--name", "Again", "--owner-email", "x@cli-emb.test"]);
    expect(takenText.code).toBe(1);
    expect(takenText.stdout).toBe("");
    expect(takenText.stderr).toMatch(/^Error SLUG_TAKEN: .+\nHint: .+\n$/);
    const unknownWs = await cli(["members:list", "--workspace", "no-such-ws", "--json"]);
    expect(unknownWs.code).toBe(1);
    expect(unknownWs.json).toMatchObject({ error: { code: "NOT_FOUND" } });

    // The server removes server.json when it stops; the CLI then opens the database itself, with the same output.
    await server.stop();
    expect(existsSync(infoFile)).toBe(false);
    const local = await cli(["connections:list", "--workspace", "cli-emb", "--json"]);
    expect(local.code, local.stdout + local.stderr).toBe(0);
    expect(local.stdout).toBe(list.stdout);
    const localTaken = await cli([
      "workspaces:create",
      "--slug",
      "cli-emb",
      "--name",
      "Again",
      "--owner-email",
      "x@cli-emb.test",
      "--json",
    ]);
    expect(localTaken.code).toBe(1);
    expect(localTaken.json).toMatchObject({ error: { code: "SLUG_TAKEN" } });

    // A live owner of server.json that does not answer: a clear error, not a hang or a second PGlite.
    writeFileSync(infoFile, JSON.stringify({ pid: process.pid, port: port + 50, token: "x".repeat(43) }), { mode: 0o600 });
    const unreachable = await cli(["connections:list", "--workspace", "cli-emb", "--json"]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.json).toMatchObject({ error: { code: "CLI_SERVER_UNREACHABLE", hint: expect.stringContaining("DATABASE_URL") } });
  } finally {
    await server.stop();
  }
});

function startServer(port: number, appUrl: string, dataDir: string) {
  const child: ChildProcess = spawn(process.execPath, serverArgs(), {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      APP_ENV: "development",
      PORT: String(port),
      APP_URL: appUrl,
      DATA_DIR: dataDir,
      ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start\n${log}`)), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      log += d.toString();
      if (log.includes("Gatehouse listening")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited ${code}\n${log}`)));
  });
  return {
    child,
    listening,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
