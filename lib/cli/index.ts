import path from "node:path";
import { env, operatorCwd } from "@/lib/env";
import { openPglite, openPostgres } from "@/db";
import { findRunningServer, forwardCommand } from "./forward";
import { promptHidden } from "./prompt";
import { collectLocalInputs, executeCommand, failureFromError, parseCommandLine, printOutput, toArgv, type CliOutput } from "./run";

/**
 * npm run gatehouse -- <command> [--flags] [--json]
 * On real Postgres (DATABASE_URL) the CLI opens the database itself. On the embedded database it does
 * too, unless a server owns it (DATA_DIR/server.json): then the server runs the command for it.
 */
async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv);
  if (parsed.kind === "output") {
    printOutput(parsed.output);
    return parsed.output.exitCode;
  }
  const { command, json } = parsed;
  const e = env();
  const { values, files } = await collectLocalInputs(command, parsed.values, json, {
    cwd: operatorCwd(),
    interactive: process.stdin.isTTY === true,
    promptHidden,
  });

  let output: CliOutput;
  const server = e.databaseUrl ? null : findRunningServer(e.dataDir);
  if (server) {
    output = await forwardCommand(server, e.dataDir, toArgv(command, values, json), files, json);
  } else {
    const handle = e.databaseUrl ? await openPostgres(e.databaseUrl, { max: 4 }) : await openPglite(path.join(e.dataDir, "pglite"));
    try {
      await handle.migrate();
      output = await executeCommand(command, values, { db: handle.db, appUrl: e.appUrl, json, files });
    } catch (err) {
      output = failureFromError(json, err);
    } finally {
      await handle.close();
    }
  }
  printOutput(output);
  return output.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
