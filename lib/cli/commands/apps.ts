import {
  createApplication,
  deleteApplication,
  listApplications,
  rotateApplicationSecret,
  type Application,
} from "@/lib/services/applications";
import { toApplicationDto } from "@/lib/api/dto/applications";
import { setConnectionDefaultApplication } from "@/lib/services/connection-default-app";
import { connectionOrThrow } from "./connections";
import { listOidcKeys, rotateOidcKey } from "@/lib/services/oidc-keys";
import { bool, defineCommand, optStr, str, type CliContext } from "../command";

/** Applications (OpenID Connect clients) and the provider's signing keys. */

const many = (ctx: CliContext, name: string): string[] => {
  const v = ctx.flags[name];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
};

function printApp(ctx: CliContext, a: Application) {
  ctx.print(`${a.clientId}  ${a.name}`);
  for (const u of a.redirectUris) ctx.print(`  redirect URI:             ${u}`);
  for (const u of a.postLogoutRedirectUris) ctx.print(`  post-logout redirect URI: ${u}`);
  if (a.backchannelLogoutUri) ctx.print(`  back-channel logout URI:  ${a.backchannelLogoutUri}`);
  if (a.initiateLoginUri) ctx.print(`  initiate login URI:       ${a.initiateLoginUri}`);
}

function printConnect(ctx: CliContext, clientId: string, secret: string) {
  ctx.print("");
  ctx.print(`  client_id:     ${clientId}`);
  ctx.print(`  client_secret: ${secret}`);
  ctx.print("");
  ctx.print("Copy the secret now: it is not shown again.");
  ctx.print(`Issuer (discovery at /.well-known/openid-configuration): ${ctx.appUrl}/oidc`);
}

export const appsCreate = defineCommand({
  name: "apps:create",
  summary: "Register an application (OpenID Connect client); prints client_id and client_secret (the secret once).",
  flags: {
    name: { type: "string", required: true, description: "Display name, shown on sign-in pages" },
    "redirect-uri": { type: "string", required: true, multiple: true, description: "Redirect URI, matched exactly (repeat for more)" },
    "post-logout-redirect-uri": { type: "string", multiple: true, description: "Where RP-initiated logout may return (repeat for more)" },
    "backchannel-logout-uri": { type: "string", description: "Receives OpenID Connect back-channel logout tokens" },
    "initiate-login-uri": { type: "string", description: "Starts a sign-in at the application (IdP-initiated landing)" },
  },
  async run(ctx) {
    const { application, clientSecret } = await createApplication(ctx.db, {
      name: str(ctx, "name"),
      redirectUris: many(ctx, "redirect-uri"),
      postLogoutRedirectUris: many(ctx, "post-logout-redirect-uri"),
      backchannelLogoutUri: optStr(ctx, "backchannel-logout-uri") ?? null,
      initiateLoginUri: optStr(ctx, "initiate-login-uri") ?? null,
    });
    ctx.print(`Registered application "${application.name}".`);
    printConnect(ctx, application.clientId, clientSecret);
    return { ...toApplicationDto(application, `${ctx.appUrl}/oidc`), client_secret: clientSecret };
  },
});

export const appsList = defineCommand({
  name: "apps:list",
  summary: "List applications: client_id, name and registered URIs (never secrets).",
  flags: {},
  async run(ctx) {
    const apps = await listApplications(ctx.db);
    if (!apps.length) ctx.print("No applications. Register one with apps:create.");
    for (const a of apps) printApp(ctx, a);
    return apps.map((a) => toApplicationDto(a, `${ctx.appUrl}/oidc`));
  },
});

export const appsRotateSecret = defineCommand({
  name: "apps:rotate-secret",
  summary: "Issue a new client secret (printed once); the old one stops working at once.",
  flags: { "client-id": { type: "string", required: true, description: "The application's client_id" } },
  async run(ctx) {
    const { application, clientSecret } = await rotateApplicationSecret(ctx.db, str(ctx, "client-id"));
    ctx.print(`New secret for "${application.name}"; the previous one no longer works.`);
    printConnect(ctx, application.clientId, clientSecret);
    return { ...toApplicationDto(application, `${ctx.appUrl}/oidc`), client_secret: clientSecret };
  },
});

export const appsDelete = defineCommand({
  name: "apps:delete",
  summary: "Delete an application with its grants and tokens (people are signed out of it).",
  flags: { "client-id": { type: "string", required: true, description: "The application's client_id" } },
  async run(ctx) {
    const app = await deleteApplication(ctx.db, str(ctx, "client-id"));
    ctx.print(`Deleted "${app.name}" (${app.clientId}).`);
    return { client_id: app.clientId, deleted: true };
  },
});

export const oidcRotateKey = defineCommand({
  name: "oidc:rotate-key",
  summary: "Rotate the OpenID Connect signing key: --stage a next key (published in the JWKS), --activate it, then --retire the old one.",
  flags: {
    stage: { type: "boolean", description: "Create a next key, published in the JWKS beside the active one" },
    activate: { type: "boolean", description: "Sign with the next key; the previous one stays published so its tokens still verify" },
    retire: { type: "boolean", description: "Remove the previous key from the JWKS (after its tokens have expired)" },
  },
  oneOf: [["stage", "activate", "retire"]],
  async run(ctx) {
    const action = bool(ctx, "stage") ? "stage" : bool(ctx, "activate") ? "activate" : "retire";
    const keys = await rotateOidcKey(ctx.db, action);
    ctx.print(`${action}: done.`);
    for (const k of keys)
      ctx.print(
        `  ${k.state.padEnd(8)} kid ${k.kid}  created ${k.createdAt.toISOString()}${k.retiredAt ? `  removed from JWKS ${k.retiredAt.toISOString()}` : ""}`,
      );
    return { action, keys: keys.map(toKeyJson) };
  },
});

export const oidcKeys = defineCommand({
  name: "oidc:keys",
  summary: "List the OpenID Connect signing keys and their states.",
  flags: {},
  async run(ctx) {
    const keys = await listOidcKeys(ctx.db);
    for (const k of keys) ctx.print(`  ${k.state.padEnd(8)} kid ${k.kid}  created ${k.createdAt.toISOString()}`);
    return keys.map(toKeyJson);
  },
});

function toKeyJson(k: Awaited<ReturnType<typeof listOidcKeys>>[number]) {
  return {
    kid: k.kid,
    alg: k.alg,
    state: k.state,
    published: k.state !== "retired" || !k.retiredAt,
    created_at: k.createdAt.toISOString(),
    activated_at: k.activatedAt?.toISOString() ?? null,
    retired_at: k.retiredAt?.toISOString() ?? null,
  };
}

export const connectionsSetApp = defineCommand({
  name: "connections:set-app",
  summary: "IdP-initiated sign-ins through this connection land in an application (its initiate login URI); --none for the console.",
  flags: {
    slug: { type: "string", required: true, description: "Connection slug" },
    "client-id": { type: "string", description: "The application's client_id" },
    none: { type: "boolean", description: "Land in the Gatehouse console again" },
  },
  oneOf: [["client-id", "none"]],
  async run(ctx) {
    const found = await connectionOrThrow(ctx);
    const clientId = bool(ctx, "none") ? null : str(ctx, "client-id");
    await setConnectionDefaultApplication(ctx.db, found.workspace.id, found.connection.id, clientId, { userId: null });
    ctx.print(
      clientId
        ? `IdP-initiated sign-ins through ${found.connection.slug} now land in ${clientId}.`
        : `IdP-initiated sign-ins through ${found.connection.slug} land in the console.`,
    );
    return { connection: { id: found.connection.id, slug: found.connection.slug }, default_application: clientId };
  },
});
