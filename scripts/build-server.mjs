// Compiles server/index.ts (the HTTP server, scheduler and CLI bridge) to one plain JavaScript file,
// so production runs `node` on JavaScript: no TypeScript loader in the serving process.
// Packages stay external (loaded from node_modules); the project's own code is bundled.
import path from "node:path";
import { build } from "esbuild";

export const SERVER_BUNDLE = "gatehouse-server.mjs";

/** esbuild options for one TypeScript entry of ours as a single ESM file for Node (packages external). */
export function nodeBundleOptions(root, entry, outfile) {
  return {
    absWorkingDir: root,
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "warning",
  };
}

export async function buildServer(root, distDir = process.env.NEXT_DIST_DIR || ".next") {
  const outfile = path.join(root, distDir, SERVER_BUNDLE);
  await build({
    ...nodeBundleOptions(root, path.join("server", "index.ts"), outfile),
    sourcemap: "linked",
    define: { "process.env.NEXT_RUNTIME": '"nodejs"' },
  });
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
  buildServer(root).then(
    (out) => console.log(`server bundle: ${path.relative(root, out)}`),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
