/**
 * The HTTP bench's workload: signed IdP-initiated responses made before any timing, and the seed
 * (workspace, connections, an OpenID Connect application) written into each server's fresh database
 * before the server starts. Slugs, IdP keys and the public URL are the same for every server of a
 * run, so the very same responses drive the baseline build and this one (each on its own database).
 */
import { randomBytes } from "node:crypto";
import type { Db } from "@/db";
import type { DevIdp } from "@/lib/dev-idp";
import { spValues } from "@/lib/services/sp-values";

export type Login = { slug: string; body: string; ip: string };
export type Phase = { concurrency: number; kind: "new" | "returning"; logins: Login[] };
export type Workload = { connections: { slug: string; idp: DevIdp }[]; warmup: Login[]; phases: Phase[]; appUrl: string };

/** Group values as an IdP sends them: with the names and attributes, a response of about 4 KB. */
const GROUPS = ["engineering", "staff", "sso-users", "vpn", "github-org-members", "jira-users", "confluence-users", "payroll-readers"];

let ipCounter = 0;
/** A distinct client address per login (X-Forwarded-For; the servers run with TRUST_PROXY=1), so per-IP limits never bind. */
const nextIp = () => {
  const n = ipCounter++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

function response(idp: DevIdp, appUrl: string, slug: string, email: string, i: number): string {
  const now = new Date();
  const sp = spValues(appUrl, slug);
  const samlResponse = idp.createResponse({
    acsUrl: sp.acsUrl,
    audience: sp.entityId,
    nameId: email,
    now,
    // Long enough for every server of the run (each has its own replay store).
    notOnOrAfter: new Date(now.getTime() + 90 * 60_000),
    attributes: { firstName: "Bench", lastName: `User ${i}`, email, groups: GROUPS },
  });
  return new URLSearchParams({ SAMLResponse: samlResponse, RelayState: "" }).toString();
}

/**
 * One connection per concurrency level (its users sign in new, then again as returning users), so no
 * connection passes its per-minute limit (1,200); `memory` adds a run spread over 20 connections.
 */
export async function makeWorkload(o: { appUrl: string; sizes: Record<number, number>; memory?: number }): Promise<Workload> {
  const { createDevIdp } = await import("@/lib/dev-idp");
  const run = randomBytes(2).toString("hex");
  const connections: Workload["connections"] = [];
  const phases: Phase[] = [];
  const connection = (slug: string) => {
    const c = { slug, idp: createDevIdp({ entityId: `https://idp.${slug}.bench.test` }) };
    connections.push(c);
    return c;
  };
  const w = connection(`bench-${run}-warmup`);
  const warmup = Array.from({ length: 30 }, (_, i) => ({
    slug: w.slug,
    body: response(w.idp, o.appUrl, w.slug, `w${i % 10}@bench-${run}.test`, i),
    ip: nextIp(),
  }));
  for (const [conc, n] of Object.entries(o.sizes)) {
    const c = connection(`bench-${run}-c${conc}`);
    const emails = Array.from({ length: n }, (_, i) => `u${i}.c${conc}@bench-${run}.test`);
    for (const kind of ["new", "returning"] as const) {
      phases.push({
        concurrency: Number(conc),
        kind,
        logins: emails.map((e, i) => ({ slug: c.slug, body: response(c.idp, o.appUrl, c.slug, e, i), ip: nextIp() })),
      });
    }
  }
  if (o.memory) {
    const cs = Array.from({ length: 20 }, (_, k) => connection(`bench-${run}-m${k}`));
    // Every fourth login is a returning user (the same person signs in again), the rest are new.
    const logins: Login[] = [];
    for (let i = 0; i < o.memory; i++) {
      // A returning person signs in again through the connection (the IdP) that first signed them in.
      const person = i % 4 === 3 ? i - 3 : i;
      const c = cs[person % cs.length]!;
      logins.push({ slug: c.slug, body: response(c.idp, o.appUrl, c.slug, `m${person}@bench-${run}.test`, person), ip: nextIp() });
    }
    // Reported in slices of 2,000, so RSS shows as it goes.
    for (let i = 0; i < logins.length; i += 2000) phases.push({ concurrency: 16, kind: "new", logins: logins.slice(i, i + 2000) });
  }
  return { connections, warmup, phases, appUrl: o.appUrl };
}

/** The workspace, the connections (IdP-initiated allowed) and an OIDC application, written before the server starts. */
export type Seeded = {
  owner: { id: string; email: string; name: string | null; sessionVersion: number };
  clientId: string;
  clientSecret: string;
};

export async function seedWorkload(db: Db, w: Workload): Promise<Seeded> {
  const { createWorkspace } = await import("@/lib/services/workspaces");
  const { createConnection } = await import("@/lib/services/connections");
  const { createApplication } = await import("@/lib/services/applications");
  const { OPERATOR } = await import("@/lib/services/actor");
  const { connectionCreateSchema } = await import("@/lib/schemas/connections");
  const { CALLBACK } = await import("@/lib/testing/oidc-kit");
  const { workspace, owner } = await createWorkspace(db, { slug: "bench", name: "Bench", ownerEmail: "owner@bench.test" });
  for (const c of w.connections) {
    await createConnection(
      db,
      workspace.id,
      connectionCreateSchema.parse({
        name: c.slug,
        slug: c.slug,
        metadataXml: c.idp.metadataXml(`https://idp.${c.slug}.bench.test/sso`),
        allowIdpInitiated: true,
      }),
      OPERATOR,
    );
  }
  const { application, clientSecret } = await createApplication(db, {
    name: "Bench app",
    redirectUris: [CALLBACK],
    postLogoutRedirectUris: [],
    backchannelLogoutUri: null,
    initiateLoginUri: null,
  });
  return {
    owner: { id: owner.id, email: owner.email, name: owner.name, sessionVersion: owner.sessionVersion },
    clientId: application.clientId,
    clientSecret,
  };
}
