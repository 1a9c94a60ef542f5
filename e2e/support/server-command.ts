import path from "node:path";

/** How e2e starts a Gatehouse server: the compiled bundle `npm start` runs (built by global setup). */
export function serverArgs(): string[] {
  return ["--enable-source-maps", path.join(process.env.NEXT_DIST_DIR || ".next", "gatehouse-server.mjs")];
}
