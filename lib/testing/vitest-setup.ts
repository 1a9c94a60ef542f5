import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPglite, MIGRATIONS_FOLDER } from "@/db";
import { assertPostgresWhenRequired, ensurePostgresTemplate, PG_TEMPLATE_ENV, PGLITE_TEMPLATE_ENV, postgresReachable } from "./test-db";
import { CLI_BUNDLE_ENV, PGLITE_DIR_TEMPLATE_ENV } from "./run-cli";
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
  const file = path.join(os.tmpdir(), `gatehouse-pglite-template-${migrationsHash}.tar`);
  if (!existsSync(file)) {
    const handle = await openPglite(undefined);
    await handle.migrate();
    const client = (handle.db as unknown as { $client: { dumpDataDir: (c: "none") => Promise<Blob> } }).$client;
    const dump = Buffer.from(await (await client.dumpDataDir("none")).arrayBuffer());
    await handle.close();
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, dump);
    renameSync(tmp, file);
  }
  process.env[PGLITE_TEMPLATE_ENV] = file;
  const dirTemplate = path.join(os.tmpdir(), `gatehouse-pglite-dir-template-${migrationsHash}`);
  if (!existsSync(dirTemplate)) {
    const tmp = `${dirTemplate}.${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    const handle = await openPglite(path.join(tmp, "pglite"));
    await handle.migrate();
    await handle.close();
    renameSync(tmp, dirTemplate);
  }
  process.env[PGLITE_DIR_TEMPLATE_ENV] = dirTemplate;
  process.env[RSA_KEY_POOL_ENV] = await ensureRsaKeyPoolFile();
  const { buildCli } = (await import(path.join(process.cwd(), "scripts", "build-cli.mjs"))) as {
    buildCli: (root: string) => Promise<string>;
  };
  process.env[CLI_BUNDLE_ENV] = await buildCli(process.cwd());
}
