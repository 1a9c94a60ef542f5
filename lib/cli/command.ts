import type { Db } from "@/db";

export type FlagSpec = {
  type: "string" | "boolean";
  required?: boolean;
  description: string;
  multiple?: boolean;
  /** The value is a path read by the CLI process (relative to the operator's cwd); commands get the content through ctx.readFile. */
  file?: boolean;
  /** When the flag is not given, ask for it (hidden) on a terminal, in the CLI process, unless --json. An empty answer leaves it unset. */
  prompt?: string;
};

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export type CliContext = {
  db: Db;
  flags: FlagValues;
  json: boolean;
  /** The content of a `file: true` flag, read by the CLI process (throws VALIDATION_FAILED when it could not be read). */
  readFile: (flag: string) => string;
  /** Human output (suppressed with --json). */
  print: (line: string) => void;
  appUrl: string;
};

export type Command = {
  name: string;
  summary: string;
  flags: Record<string, FlagSpec>;
  /** Flag groups of which exactly one must be given, e.g. [["metadata-file", "metadata-url"]]. */
  oneOf?: string[][];
  /** The value printed as JSON with --json. */
  run: (ctx: CliContext) => Promise<unknown>;
};

export function defineCommand(c: Command): Command {
  return c;
}

export function str(ctx: CliContext, name: string): string {
  const v = ctx.flags[name];
  return typeof v === "string" ? v : "";
}

export function optStr(ctx: CliContext, name: string): string | undefined {
  const v = ctx.flags[name];
  return typeof v === "string" ? v : undefined;
}

export function bool(ctx: CliContext, name: string): boolean {
  return ctx.flags[name] === true;
}
