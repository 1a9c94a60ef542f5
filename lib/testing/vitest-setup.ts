import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPglite, MIGRATIONS_FOLDER } from "@/db";
import { assertPostgresWhenRequired, ensurePostgresTemplate, PG_TEMPLATE_ENV, PGLITE_TEMPLATE_ENV, postgresReachable } from "./test-db";
import { CLI_BUNDLE_ENV, PGLITE_DIR_TEMPLATE_ENV } from "./run-cli";
import { madeOnce } from "./made-once";
import { ensureRsaKeyPoolFile, RSA_KEY_POOL_ENV } from "./rsa-key-pool";

/**
 * Vitest global setup (runs once, before the workers start): fail at once when CI requires Postgres
 * and it is missing; make (or find) the migrated Postgres template every Postgres test database is
 * copied from; dump one migrated PGlite data directory that every PGlite test database loads, and
 * keep one on disk that CLI test processes start from;
 * compile the operator CLI once for the suites that run it as a process; make (or find) the pool of
 * RSA keys the workers hand out instead of generating one per workspace and connection.
 */
export default async function setup() {
  await assertPostgresWhenRequired();
  // Suites that run on both engines (bothTestDbKinds) use the PGlite template even when Postgres answers.
  const h = createHash("sha256");
  for (const f of readdirSync(MIGRATIONS_FOLDER).sort())
    if (f.endsWith(".sql")) h.update(f).update(readFileSync(path.join(MIGRATIONS_FOLDER, f)));
  const migrationsHash = h.digest("hex").slice(0, 16);
  if (await postgresReachable()) process.env[PG_TEMPLATE_ENV] = await ensurePostgresTemplate(migrationsHash);
  process.env[PGLITE_TEMPLATE_ENV] = await madeOnce(
    path.join(os.tmpdir(), `gatehouse-pglite-template-${migrationsHash}.tar`),
    async (tmp) => {
      const handle = await openPglite(undefined);
      await handle.migrate();
      const client = (handle.db as unknown as { $client: { dumpDataDir: (c: "none") => Promise<Blob> } }).$client;
      writeFileSync(tmp, Buffer.from(await (await client.dumpDataDir("none")).arrayBuffer()));
      await handle.close();
    },
  );
  process.env[PGLITE_DIR_TEMPLATE_ENV] = await madeOnce(
    path.join(os.tmpdir(), `gatehouse-pglite-dir-template-${migrationsHash}`),
    async (tmp) => {
      const handle = await openPglite(path.join(tmp, "pglite"));
      await handle.migrate();
      await handle.close();
    },
  );
  process.env[RSA_KEY_POOL_ENV] = await ensureRsaKeyPoolFile();
  const { buildCli } = (await import(path.join(process.cwd(), "scripts", "build-cli.mjs"))) as {
    buildCli: (root: string) => Promise<string>;
  };
  process.env[CLI_BUNDLE_ENV] = await buildCli(process.cwd());
}
