import { and, eq, gt, isNull, or } from "drizzle-orm";
import type { Adapter, AdapterPayload } from "oidc-provider";
import type { Db } from "@/db";
import { oidcPayloads } from "@/db/schema";

/**
 * oidc-provider's storage adapter on one drizzle table (oidc_payloads), so it runs the same on
 * embedded PGlite and on Postgres. Clients are not stored here: applications live in their own table
 * and are read through `findClient`. A row past its expiry is invisible; the `oidc.sweep` job deletes it.
 */
export type AdapterDeps = {
  getDb: () => Promise<Db>;
  /** Client metadata of an application by client_id (undefined: unknown client). */
  findClient: (clientId: string) => Promise<AdapterPayload | undefined>;
  now?: () => Date;
};

const notExpired = (now: Date) => or(isNull(oidcPayloads.expiresAt), gt(oidcPayloads.expiresAt, now));

function str(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

export function createDrizzleAdapter(deps: AdapterDeps): new (model: string) => Adapter {
  const now = deps.now ?? (() => new Date());

  return class DrizzleAdapter implements Adapter {
    constructor(readonly model: string) {}

    private async load(where: ReturnType<typeof and>): Promise<AdapterPayload | undefined> {
      const db = await deps.getDb();
      const [row] = await db
        .select({ payload: oidcPayloads.payload, consumedAt: oidcPayloads.consumedAt })
        .from(oidcPayloads)
        .where(and(eq(oidcPayloads.model, this.model), where, notExpired(now())))
        .limit(1);
      if (!row) return undefined;
      const payload = { ...row.payload } as AdapterPayload;
      if (row.consumedAt) payload.consumed = Math.floor(row.consumedAt.getTime() / 1000);
      return payload;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.model === "Client") throw new Error("clients are registered by the operator, not through the provider");
      const db = await deps.getDb();
      const expiresAt = expiresIn ? new Date(now().getTime() + expiresIn * 1000) : null;
      const p = payload as Record<string, unknown>;
      const values = {
        payload: p,
        grantId: str(p.grantId),
        userCode: str(p.userCode),
        uid: str(p.uid),
        accountId: str(p.accountId),
        expiresAt,
      };
      await db
        .insert(oidcPayloads)
        .values({ model: this.model, id, ...values })
        .onConflictDoUpdate({ target: [oidcPayloads.model, oidcPayloads.id], set: values });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === "Client") return deps.findClient(id);
      return this.load(eq(oidcPayloads.id, id));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.load(eq(oidcPayloads.userCode, userCode));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.load(eq(oidcPayloads.uid, uid));
    }

    async consume(id: string): Promise<void> {
      const db = await deps.getDb();
      await db
        .update(oidcPayloads)
        .set({ consumedAt: now() })
        .where(and(eq(oidcPayloads.model, this.model), eq(oidcPayloads.id, id)));
    }

    async destroy(id: string): Promise<void> {
      const db = await deps.getDb();
      await db.delete(oidcPayloads).where(and(eq(oidcPayloads.model, this.model), eq(oidcPayloads.id, id)));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const db = await deps.getDb();
      await db.delete(oidcPayloads).where(and(eq(oidcPayloads.model, this.model), eq(oidcPayloads.grantId, grantId)));
    }
  };
}
