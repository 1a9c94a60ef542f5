import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { commands } from "./commands";
import { collectLocalInputs, executeCommand, failure, parseCommandLine, toArgv } from "./run";
import type { Db } from "@/db";

function command(argv: string[]) {
  const p = parseCommandLine(argv);
  if (p.kind !== "command") throw new Error(`expected a command, got ${JSON.stringify(p.output)}`);
  return p;
}
function output(argv: string[]) {
  const p = parseCommandLine(argv);
  if (p.kind !== "output") throw new Error("expected output");
  return p.output;
}
const errorCode = (o: { stdout: string[] }) => (JSON.parse(o.stdout.join("\n")) as { error: { code: string } }).error.code;

describe("parseCommandLine", () => {
  it("prints help without any command, with --help, -h and help", () => {
    for (const argv of [[], ["--help"], ["-h"], ["help"]]) {
      const o = output(argv);
      expect(o.exitCode).toBe(0);
      const text = o.stdout.join("\n");
      for (const c of commands) expect(text).toContain(c.name);
    }
  });

  it("prints a command's flags on --help, even with other flags missing", () => {
    const o = output(["connections:create", "--help"]);
    expect(o.exitCode).toBe(0);
    const text = o.stdout.join("\n");
    for (const f of [
      "--workspace",
      "--name",
      "--slug",
      "--metadata-file",
      "--metadata-url",
      "--allow-idp-initiated",
      "--default-role",
      "--json",
    ])
      expect(text).toContain(f);
  });

  it("unknown command → exit 2 on stderr", () => {
    const o = output(["nope:nope"]);
    expect(o.exitCode).toBe(2);
    expect(o.stdout).toEqual([]);
    expect(o.stderr.join("")).toContain("nope:nope");
  });

  it("unknown flag → BAD_REQUEST, exit 1; JSON on stdout with --json, text on stderr without", () => {
    const j = output(["workspaces:create", "--bogus", "x", "--json"]);
    expect(j.exitCode).toBe(1);
    expect(errorCode(j)).toBe("BAD_REQUEST");
    const t = output(["workspaces:create", "--bogus", "x"]);
    expect(t.exitCode).toBe(1);
    expect(t.stdout).toEqual([]);
    expect(t.stderr.join("\n")).toMatch(/^Error BAD_REQUEST: /);
  });

  it("missing required flags and oneOf groups → VALIDATION_FAILED", () => {
    const o = output(["connections:create", "--workspace", "w", "--json"]);
    expect(errorCode(o)).toBe("VALIDATION_FAILED");
    expect(o.stdout.join("")).toContain("--name");
    const both = output([
      "connections:create",
      "--workspace",
      "w",
      "--name",
      "n",
      "--slug",
      "s",
      "--metadata-file",
      "a",
      "--metadata-url",
      "b",
      "--json",
    ]);
    expect(errorCode(both)).toBe("VALIDATION_FAILED");
    const none = output(["connections:rotate-key", "--slug", "s", "--json"]);
    expect(errorCode(none)).toBe("VALIDATION_FAILED");
  });

  it("a valid command line → command, values and json", () => {
    const p = command([
      "connections:create",
      "--workspace",
      "acme",
      "--name",
      "Okta",
      "--slug",
      "okta",
      "--metadata-file",
      "idp.xml",
      "--allow-idp-initiated",
      "--json",
    ]);
    expect(p.command.name).toBe("connections:create");
    expect(p.json).toBe(true);
    expect(p.values).toMatchObject({
      workspace: "acme",
      name: "Okta",
      slug: "okta",
      "metadata-file": "idp.xml",
      "allow-idp-initiated": true,
    });
    expect(command(["connections:list", "--workspace", "acme"]).json).toBe(false);
  });

  it("toArgv round-trips, also values that look like flags", () => {
    const values = { slug: "s", name: "--dash name", "owner-email": "o@x.test", "owner-password": "-pw=1 x" };
    const cmd = commands.find((c) => c.name === "workspaces:create")!;
    const again = command(toArgv(cmd, values, true));
    expect(again.values).toMatchObject(values);
    expect(again.json).toBe(true);
    const rot = commands.find((c) => c.name === "connections:rotate-key")!;
    expect(command(toArgv(rot, { slug: "s", stage: true }, false)).values).toMatchObject({ slug: "s", stage: true });
  });
});

describe("collectLocalInputs", () => {
  const create = commands.find((c) => c.name === "connections:create")!;
  const setPassword = commands.find((c) => c.name === "users:set-password")!;
  const noPrompt = { cwd: process.cwd(), interactive: false, promptHidden: async () => "never" };

  it("reads file flags in the CLI process, or records why it could not", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gh-cli-run-"));
    writeFileSync(path.join(dir, "idp.xml"), "<xml/>");
    const okIn = await collectLocalInputs(create, { "metadata-file": path.join(dir, "idp.xml") }, true, noPrompt);
    expect(okIn.files).toEqual({ "metadata-file": { content: "<xml/>" } });
    const bad = await collectLocalInputs(create, { "metadata-file": path.join(dir, "missing.xml") }, true, noPrompt);
    expect(bad.files["metadata-file"]).toMatchObject({ error: expect.stringContaining("ENOENT") });
    const relative = await collectLocalInputs(create, { "metadata-file": "idp.xml" }, true, { ...noPrompt, cwd: dir });
    expect(relative.files).toEqual({ "metadata-file": { content: "<xml/>" } });
  });

  it("prompts for a prompt flag only on a terminal, without --json, when the flag is absent", async () => {
    const asked: string[] = [];
    const tty = { cwd: process.cwd(), interactive: true, promptHidden: async (q: string) => (asked.push(q), "typed-secret-1") };
    expect((await collectLocalInputs(setPassword, { email: "a@b.test" }, false, tty)).values.password).toBe("typed-secret-1");
    expect(asked).toHaveLength(1);
    expect((await collectLocalInputs(setPassword, { email: "a@b.test" }, true, tty)).values.password).toBeUndefined();
    expect((await collectLocalInputs(setPassword, { email: "a@b.test", password: "given" }, false, tty)).values.password).toBe("given");
    expect((await collectLocalInputs(setPassword, { email: "a@b.test" }, false, noPrompt)).values.password).toBeUndefined();
    const empty = { cwd: process.cwd(), interactive: true, promptHidden: async () => "" };
    expect((await collectLocalInputs(setPassword, { email: "a@b.test" }, false, empty)).values.password).toBeUndefined();
  });
});

describe("executeCommand", () => {
  // These reach the file check before any query, so no database is needed.
  const create = commands.find((c) => c.name === "connections:create")!;
  const fakeDb = {} as Db;

  it("an unreadable file → VALIDATION_FAILED with the field, exit 1", async () => {
    const values = { workspace: "w", name: "n", slug: "s", "metadata-file": "idp.xml" };
    const run = { ...create, run: async (ctx: Parameters<typeof create.run>[0]) => ctx.readFile("metadata-file") };
    const o = await executeCommand(run, values, {
      db: fakeDb,
      appUrl: "http://x",
      json: true,
      files: { "metadata-file": { error: "ENOENT" } },
    });
    expect(o.exitCode).toBe(1);
    expect(JSON.parse(o.stdout[0]!)).toMatchObject({
      error: { code: "VALIDATION_FAILED", fields: [{ path: "metadata-file" }] },
    });
    const read = await executeCommand(run, values, {
      db: fakeDb,
      appUrl: "http://x",
      json: true,
      files: { "metadata-file": { content: "<x/>" } },
    });
    expect(read).toEqual({ exitCode: 0, stdout: [JSON.stringify("<x/>", null, 2)], stderr: [] });
  });

  it("keeps lines printed before an error, and hides them with --json", async () => {
    const cmd = {
      ...create,
      run: async (ctx: Parameters<typeof create.run>[0]) => {
        ctx.print("first");
        throw new Error("boom");
      },
    };
    const text = await executeCommand(cmd, {}, { db: fakeDb, appUrl: "http://x", json: false });
    expect(text).toEqual({ exitCode: 1, stdout: ["first"], stderr: ["Error INTERNAL: boom\nHint: See the message above."] });
    const j = await executeCommand(cmd, {}, { db: fakeDb, appUrl: "http://x", json: true });
    expect(j).toEqual(failure(true, "INTERNAL", "boom", "See the message above."));
  });
});
