import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import type { Db } from "@/db";
import { AppError, isAppError, validationError, type FieldError } from "@/lib/errors";
import type { Command, FlagValues } from "./command";
import { commands } from "./commands";

/**
 * The CLI split in two, so the same code produces the same output in the CLI process (local database)
 * and inside the running server (embedded database, see server/cli-bridge.ts):
 * parseCommandLine (no database, no I/O) → collectLocalInputs (CLI process: files, prompts) → executeCommand.
 */

/** What a command printed and how it ended: the CLI prints stdout/stderr line by line and exits with exitCode. */
export type CliOutput = { exitCode: number; stdout: string[]; stderr: string[] };

export type ParsedCommandLine =
  { kind: "output"; output: CliOutput } | { kind: "command"; command: Command; values: FlagValues; json: boolean };

/** A `file: true` flag's content as read by the CLI process, or why it could not be read. */
export type FileInput = { content: string } | { error: string };
export type FileInputs = Record<string, FileInput>;

const ok = (stdout: string[]): CliOutput => ({ exitCode: 0, stdout, stderr: [] });

/** Parse and validate argv (without the node/script part). Help and usage errors come back as output. */
export function parseCommandLine(argv: string[]): ParsedCommandLine {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") return { kind: "output", output: ok(helpText()) };
  const command = commands.find((c) => c.name === name);
  if (!command) {
    return {
      kind: "output",
      output: { exitCode: 2, stdout: [], stderr: [`Unknown command "${name}". Run with --help to list commands.`] },
    };
  }
  if (rest.includes("--help") || rest.includes("-h")) return { kind: "output", output: ok(commandHelpText(command)) };
  let values: FlagValues;
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
    values = parsed.values as FlagValues;
  } catch (e) {
    return {
      kind: "output",
      output: failure(rest.includes("--json"), "BAD_REQUEST", (e as Error).message, `Run: npm run gatehouse -- ${command.name} --help`),
    };
  }
  const json = values.json === true;
  const missing = Object.entries(command.flags)
    .filter(([k, f]) => f.required && values[k] === undefined)
    .map(([k]) => `--${k}`);
  for (const group of command.oneOf ?? []) {
    const given = group.filter((k) => values[k] !== undefined);
    if (given.length !== 1) missing.push(`exactly one of ${group.map((k) => `--${k}`).join(" | ")}`);
  }
  if (missing.length) {
    return {
      kind: "output",
      output: failure(json, "VALIDATION_FAILED", `Missing: ${missing.join(", ")}`, `Run: npm run gatehouse -- ${command.name} --help`),
    };
  }
  return { kind: "command", command, values, json };
}

/** Argv for a parsed command (the inverse of parseCommandLine), e.g. after a prompt filled a flag in. */
export function toArgv(command: Command, values: FlagValues, json: boolean): string[] {
  const argv = [command.name];
  for (const [k, f] of Object.entries(command.flags)) {
    const v = values[k];
    if (v === undefined || v === false) continue;
    if (f.type === "boolean") argv.push(`--${k}`);
    else for (const item of Array.isArray(v) ? v : [v]) argv.push(`--${k}=${String(item)}`);
  }
  if (json) argv.push("--json");
  return argv;
}

/**
 * In the CLI process only: read `file: true` flags (relative to io.cwd, the operator's directory) and ask for
 * `prompt` flags on a terminal. The server never reads a path or prompts.
 */
export async function collectLocalInputs(
  command: Command,
  values: FlagValues,
  json: boolean,
  io: { cwd: string; interactive: boolean; promptHidden: (question: string) => Promise<string> },
): Promise<{ values: FlagValues; files: FileInputs }> {
  const out: FlagValues = { ...values };
  const files: FileInputs = {};
  for (const [k, f] of Object.entries(command.flags)) {
    const v = out[k];
    if (f.file && typeof v === "string") {
      try {
        files[k] = { content: readFileSync(path.resolve(io.cwd, v), "utf8") };
      } catch (e) {
        files[k] = { error: (e as Error).message };
      }
    }
    if (f.prompt && v === undefined && io.interactive && !json) {
      const answer = await io.promptHidden(f.prompt);
      if (answer) out[k] = answer;
    }
  }
  return { values: out, files };
}

/** Run a parsed command against a database and capture what it prints. Never throws. */
export async function executeCommand(
  command: Command,
  values: FlagValues,
  opts: { db: Db; appUrl: string; json: boolean; files?: FileInputs },
): Promise<CliOutput> {
  const { json } = opts;
  const stdout: string[] = [];
  try {
    const result = await command.run({
      db: opts.db,
      flags: values,
      json,
      appUrl: opts.appUrl,
      print: (line) => {
        if (!json) stdout.push(line);
      },
      readFile: (flag) => {
        const input = opts.files?.[flag];
        if (input && "content" in input) return input.content;
        throw new AppError("VALIDATION_FAILED", {
          message: `Cannot read ${String(values[flag])}: ${input?.error ?? "the CLI did not send the file"}`,
          fields: [{ path: flag, message: "Cannot read the file" }],
        });
      },
    });
    if (json) stdout.push(JSON.stringify(result, null, 2));
    return ok(stdout);
  } catch (err) {
    // Lines printed before the error stay, in order, as they did when the CLI printed directly.
    const f = failureFromError(json, err);
    return { ...f, stdout: [...stdout, ...f.stdout] };
  }
}

/** The CLI's rendering of any error (AppError, ZodError, anything else). */
export function failureFromError(json: boolean, err: unknown): CliOutput {
  if (err instanceof ZodError) {
    const e = validationError(err);
    const message = e.fields!.map((f) => `${f.path || "value"}: ${f.message}`).join("; ");
    return failure(json, e.code, message, "Fix the values and run again.", { fields: e.fields });
  }
  if (isAppError(err)) return failure(json, err.code, err.message, err.hint, { fields: err.fields, detail: err.detail });
  return failure(json, "INTERNAL", err instanceof Error ? err.message : String(err), "See the message above.");
}

/** An error as the CLI prints it: JSON on stdout with --json (like the REST API's `error`), else two lines on stderr. Exit code 1. */
export function failure(
  json: boolean,
  code: string,
  message: string,
  hint: string,
  extra: { fields?: FieldError[]; detail?: Record<string, unknown> } = {},
): CliOutput {
  if (json) {
    const error = {
      code,
      message,
      hint,
      ...(extra.fields ? { fields: extra.fields } : {}),
      ...(extra.detail ? { detail: extra.detail } : {}),
    };
    return { exitCode: 1, stdout: [JSON.stringify({ error }, null, 2)], stderr: [] };
  }
  return { exitCode: 1, stdout: [], stderr: [`Error ${code}: ${message}\nHint: ${hint}`] };
}

export function printOutput(o: CliOutput): void {
  for (const line of o.stdout) console.log(line);
  for (const line of o.stderr) console.error(line);
}

function helpText(): string[] {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    "Gatehouse operator CLI\n\nUsage: npm run gatehouse -- <command> [flags] [--json]\n\nCommands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "\nRun `npm run gatehouse -- <command> --help` for a command's flags. --json prints machine-readable output.",
  ];
}

function commandHelpText(c: Command): string[] {
  const lines = [`${c.name}: ${c.summary}\n\nFlags:`];
  for (const [k, f] of Object.entries(c.flags)) {
    lines.push(`  --${k}${f.type === "string" ? " <value>" : ""}${f.required ? " (required)" : ""}\n      ${f.description}`);
  }
  for (const g of c.oneOf ?? []) lines.push(`  (exactly one of ${g.map((k) => `--${k}`).join(", ")})`);
  lines.push("  --json\n      Print JSON");
  return lines;
}
