import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { DbHandle } from "@/db";

/**
 * The OpenID Connect round trip an application pays per sign-in, over real HTTP on loopback: the
 * authorization request (a person already signed in to Gatehouse, with a grant for this organization,
 * so no interaction), the redirect with the code, and the code + PKCE exchange at the token endpoint
 * by openid-client (ID token signature checked against the JWKS).
 */
export async function benchOidc(label: string, handle: DbHandle, n: number) {
  const { createWorkspace } = await import("@/lib/services/workspaces");
  const kit = await import("@/lib/testing/oidc-kit");
  const db = handle.db;
  const id = randomBytes(3).toString("hex");
  const { workspace, owner } = await createWorkspace(db, {
    slug: `oidc-bench-${id}`,
    name: "OIDC bench",
    ownerEmail: `owner@oidc-bench-${id}.test`,
  });
  const op = await kit.startOidcServer(db);
  try {
    const app = await kit.registerApp(db, op);
    const browser = new kit.HttpBrowser(op.url);
    await browser.signIn(owner, { amr: "pwd" });

    const once = async () => {
      const start = await kit.startAuthorization(app, { organization: workspace.slug });
      const r = await kit.authorize(browser, start);
      const tokens = await kit.exchange(app, start, r.location!);
      if (tokens.claims()?.org_id !== workspace.id) throw new Error("unexpected claims");
    };
    for (let i = 0; i < 10; i++) await once(); // the first one runs the login step and makes the grant
    const samples: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const s = performance.now();
      await once();
      samples.push(performance.now() - s);
    }
    const wall = performance.now() - t0;
    const sorted = [...samples].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    console.log(
      `  OIDC authorize → code → token       ${((n / wall) * 1000).toFixed(0).padStart(6)} /s   p50 ${q(0.5).toFixed(2).padStart(7)} ms   p99 ${q(0.99).toFixed(2).padStart(7)} ms   (n=${n}, ${label}, HTTP on loopback)`,
    );
  } finally {
    await op.close();
  }
}
