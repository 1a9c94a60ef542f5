// Compiles the operator CLI (lib/cli/index.ts) to one JavaScript file for the test suites, which run
// it hundreds of times: a process on the bundle starts about 3× sooner than one through tsx.
// `npm run gatehouse` itself runs the TypeScript entry; both are the same code.
import { renameSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { nodeBundleOptions } from "./build-server.mjs";

/** Builds the CLI into node_modules/.cache (packages resolve from node_modules) and returns its path. */
export async function buildCli(root) {
  const outfile = path.join(root, "node_modules", ".cache", "gatehouse", "cli.mjs");
  const tmp = `${outfile}.${process.pid}.mjs`;
  await build(nodeBundleOptions(root, path.join("lib", "cli", "index.ts"), tmp));
  renameSync(tmp, outfile);
  return outfile;
}
