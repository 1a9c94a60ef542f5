import { lt } from "drizzle-orm";
import type { Db } from "@/db";
import { oidcPayloads } from "@/db/schema";
import { sweepLogoutDeliveries } from "./oidc-backchannel";
import { sweepGrantContexts } from "./oidc-grants";

/**
 * The `oidc.sweep` job: the provider's expired rows (sessions, interactions, codes, tokens, grants),
 * the grant contexts that expired with their grants, and old settled back-channel deliveries.
 */
export async function sweepOidcState(db: Db, now: Date): Promise<{ payloads: number; grants: number; deliveries: number }> {
  const payloads = await db.delete(oidcPayloads).where(lt(oidcPayloads.expiresAt, now)).returning({ id: oidcPayloads.id });
  return { payloads: payloads.length, grants: await sweepGrantContexts(db, now), deliveries: await sweepLogoutDeliveries(db, now) };
}
