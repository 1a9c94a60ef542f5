import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { isAppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { openPglite, openPostgres } from "@/db";
import path from "node:path";
import type { Command } from "./command";
import { commands } from "./commands";

/** npm run gatehouse -- <command> [--flags] [--json] */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    printHelp();
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`Unknown command "${name}". Run with --help to list commands.`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    printCommandHelp(command);
    return 0;
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    const parsed = parseArgs({
      args: rest,
      options: {
        ...Object.fromEntries(Object.entries(command.flags).map(([k, f]) => [k, { type: f.type, multiple: f.multiple ?? false }])),
        json: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    });
    values = parsed.values as typeof values;
  } catch (e) {
    return fail(rest.includes("--json"), "BAD_REQUEST", (e as Error).message, `Run: npm run gatehouse -- ${command.name} --help`);
  }
  const json = values.json === true;
  const missing = Object.entries(command.flags).filter(([k, f]) => f.required && values[k] === undefined).map(([k]) => `--${k}`);
  for (const group of command.oneOf ?? []) {
    const given = group.filter((k) => values[k] !== undefined);
    if (given.length !== 1) missing.push(`exactly one of ${group.map((k) => `--${k}`).join(" | ")}`);
  }
  if (missing.length) {
    return fail(json, "VALIDATION_FAILED", `Missing: ${missing.join(", ")}`, `Run: npm run gatehouse -- ${command.name} --help`);
  }

  const e = env();
  const handle = e.databaseUrl ? await openPostgres(e.databaseUrl, { max: 4 }) : await openPglite(path.join(e.dataDir, "pglite"));
  try {
    await handle.migrate();
    const result = await command.run({
      db: handle.db,
      flags: values,
      json,
      print: (line) => {
        if (!json) console.log(line);
      },
      appUrl: e.appUrl,
    });
    if (json) console.log(JSON.stringify(result, null, 2));
    return 0;
  } catch (err) {
    if (isAppError(err)) return fail(json, err.code, err.message, err.hint, err.detail);
    if (err instanceof ZodError) {
      const fields = err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
      return fail(json, "VALIDATION_FAILED", fields.map((f) => `${f.path || "value"}: ${f.message}`).join("; "), "Fix the values and run again.", { fields });
    }
    return fail(json, "INTERNAL", (err as Error).message, "See the message above.");
  } finally {
    await handle.close();
  }
}

function fail(json: boolean, code: string, message: string, hint: string, detail?: Record<string, unknown>): number {
  if (json) console.log(JSON.stringify({ error: { code, message, hint, ...(detail ? { detail } : {}) } }, null, 2));
  else console.error(`Error ${code}: ${message}\nHint: ${hint}`);
  return 1;
}

function printHelp() {
  console.log("Gatehouse operator CLI\n\nUsage: npm run gatehouse -- <command> [flags] [--json]\n\nCommands:");
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  for (const c of commands) console.log(`  ${c.name.padEnd(width)}${c.summary}`);
  console.log("\nRun `npm run gatehouse -- <command> --help` for a command's flags. --json prints machine-readable output.");
}

function printCommandHelp(c: Command) {
  console.log(`${c.name}: ${c.summary}\n\nFlags:`);
  for (const [k, f] of Object.entries(c.flags)) {
    console.log(`  --${k}${f.type === "string" ? " <value>" : ""}${f.required ? " (required)" : ""}\n      ${f.description}`);
  }
  for (const g of c.oneOf ?? []) console.log(`  (exactly one of ${g.map((k) => `--${k}`).join(", ")})`);
  console.log("  --json\n      Print JSON");
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
