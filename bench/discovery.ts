/**
 * Discovery timing per case (part of `npm run bench`): the routed answer and every 404 case
 * (unknown, pending, failing, unrouted, inactive connection) should take the same time, because
 * they run the same rate-limit hit and the same single query. Not a test: it prints numbers.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { DbHandle } from "@/db";

const N = Number(process.env.BENCH_DISCOVERY_N ?? 400);

export async function benchDiscovery(label: string, handle: DbHandle): Promise<void> {
  const { eq } = await import("drizzle-orm");
  const { domains } = await import("@/db/schema");
  const { discoverSso } = await import("@/lib/services/discovery");
  const { addDomain } = await import("@/lib/services/domains");
  const { makeConnection, makeWorkspace } = await import("@/lib/testing/fixtures");
  const db = handle.db;
  await handle.migrate();

  const { workspace } = await makeWorkspace(db);
  const active = await makeConnection(db, workspace.id);
  const inactive = await makeConnection(db, workspace.id, { active: false });
  const id = randomBytes(3).toString("hex");
  const inState = async (name: string, status: "pending" | "verified" | "failing", connectionId: string | null) => {
    const d = await addDomain(db, workspace.id, `${name}-${id}.bench.test`, {});
    await db.update(domains).set({ status, connectionId }).where(eq(domains.id, d.id));
    return d.domain;
  };
  const cases: Record<string, string> = {
    routed: await inState("routed", "verified", active.id),
    unknown: `unknown-${id}.bench.test`,
    pending: await inState("pending", "pending", active.id),
    failing: await inState("failing", "failing", active.id),
    unrouted: await inState("unrouted", "verified", null),
    inactive: await inState("inactive", "verified", inactive.id),
  };

  let ip = 0;
  const run = (domain: string) =>
    discoverSso(db, {
      email: `user@${domain}`,
      ip: `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip++ & 255}`,
      appUrl: "http://localhost:3999",
    });
  // Warm-up, interleaved.
  for (let i = 0; i < 50; i++) for (const d of Object.values(cases)) await run(d);
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  // Interleave the cases so drift (GC, autovacuum) hits them all alike.
  for (let i = 0; i < N; i++) {
    for (const [k, d] of Object.entries(cases)) {
      const s = performance.now();
      await run(d);
      samples[k]!.push(performance.now() - s);
    }
  }
  const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  const base = q(samples.routed!, 0.5);
  console.log(`\n${label} — POST /auth/sso/discover use-case (${N} per case, interleaved)`);
  for (const [k, xs] of Object.entries(samples)) {
    const p50 = q(xs, 0.5);
    console.log(
      `  ${k.padEnd(9)} p50 ${p50.toFixed(3).padStart(7)} ms   p90 ${q(xs, 0.9).toFixed(3).padStart(7)} ms   p50 vs routed ${(((p50 - base) / base) * 100).toFixed(1).padStart(6)} %`,
    );
  }
}
