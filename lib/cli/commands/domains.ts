import type { Db } from "@/db";
import { OPERATOR } from "@/lib/services/actor";
import { AppError } from "@/lib/errors";
import { toDomainDto, toEnforcementDto } from "@/lib/api/dto/domains";
import { ENFORCEMENT_MODES, type EnforcementMode } from "@/lib/schemas/domains";
import { findConnectionBySlug } from "@/lib/services/connections";
import { addDomain, getDomainByNameOrThrow, routeDomain, verifyDomain, type DomainView } from "@/lib/services/domains";
import { setEnforcement } from "@/lib/services/sso-enforcement";
import { findWorkspaceBySlug } from "@/lib/services/workspaces";
import { defineCommand, str, type CliContext } from "../command";

// The operator CLI acts as the system in the audit log (no user).

async function workspaceOrThrow(db: Db, slug: string) {
  const ws = await findWorkspaceBySlug(db, slug);
  if (!ws)
    throw new AppError("NOT_FOUND", {
      message: `No workspace with slug "${slug}".`,
      hint: "Check the slug (see the console URL /w/<slug>).",
    });
  return ws;
}

function output(d: DomainView, ws: { id: string; slug: string }) {
  return { ...toDomainDto(d), txt_record: d.record, workspace: { id: ws.id, slug: ws.slug } };
}

function printRecord(ctx: CliContext, d: DomainView) {
  ctx.print(`  Type:  TXT`);
  ctx.print(`  Name:  ${d.record.name}`);
  ctx.print(`  Value: ${d.record.value}`);
}

export const domainsAdd = defineCommand({
  name: "domains:add",
  summary: "Claim an email domain for a workspace; prints the DNS TXT record to create (adding it again prints the same record).",
  flags: {
    workspace: { type: "string", required: true, description: "Workspace slug" },
    domain: { type: "string", required: true, description: "Domain, e.g. example.com" },
  },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx.db, str(ctx, "workspace"));
    const d = await addDomain(ctx.db, ws.id, str(ctx, "domain"), OPERATOR);
    ctx.print(`${d.domain} is ${d.status} in ${ws.slug}. Create this DNS record, then run domains:verify:`);
    printRecord(ctx, d);
    return output(d, ws);
  },
});

export const domainsVerify = defineCommand({
  name: "domains:verify",
  summary: "Look the domain's TXT record up now (DNS_SERVERS overrides the name servers); exits 1 with the precise reason when it fails.",
  flags: {
    workspace: { type: "string", required: true, description: "Workspace slug" },
    domain: { type: "string", required: true, description: "Domain, e.g. example.com" },
  },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx.db, str(ctx, "workspace"));
    const existing = await getDomainByNameOrThrow(ctx.db, ws.id, str(ctx, "domain"));
    const d = await verifyDomain(ctx.db, ws.id, existing.id, OPERATOR);
    ctx.print(
      `${d.domain} is verified for ${ws.slug}.${d.connectionId ? "" : ` Route it to a connection: domains:route --domain ${d.domain} --connection <slug>`}`,
    );
    return output(d, ws);
  },
});

export const domainsRoute = defineCommand({
  name: "domains:route",
  summary: "Send sign-ins for a verified domain to a connection (of the domain's workspace).",
  flags: {
    domain: { type: "string", required: true, description: "Domain, e.g. example.com" },
    connection: { type: "string", required: true, description: "Connection slug" },
  },
  async run(ctx) {
    const found = await findConnectionBySlug(ctx.db, str(ctx, "connection"));
    if (!found)
      throw new AppError("NOT_FOUND", {
        message: `No connection with slug "${str(ctx, "connection")}".`,
        hint: "See the connection's page in Settings → SSO.",
      });
    const { connection, workspace } = found;
    const d = await getDomainByNameOrThrow(ctx.db, workspace.id, str(ctx, "domain")).catch((e) => {
      if (e instanceof AppError && e.code === "NOT_FOUND") {
        throw new AppError("NOT_FOUND", {
          message: `The domain is not claimed by ${workspace.slug}, the workspace of connection ${connection.slug}.`,
          hint: `Add and verify it first: domains:add --workspace ${workspace.slug} --domain <domain>`,
        });
      }
      throw e;
    });
    const routed = await routeDomain(ctx.db, workspace.id, d.id, connection.id, OPERATOR);
    ctx.print(`Sign-ins for ${routed.domain} now go to ${connection.name} (${connection.slug}).`);
    return { ...output(routed, workspace), connection: { id: connection.id, slug: connection.slug, name: connection.name } };
  },
});

export const workspacesEnforce = defineCommand({
  name: "workspaces:enforce",
  summary: `Set a workspace's SSO enforcement: ${ENFORCEMENT_MODES.join(" | ")}. Lock-out warnings are printed (the operator is explicit).`,
  flags: {
    workspace: { type: "string", required: true, description: "Workspace slug" },
    mode: { type: "string", required: true, description: ENFORCEMENT_MODES.join(" | ") },
  },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx.db, str(ctx, "workspace"));
    const mode = str(ctx, "mode");
    if (!(ENFORCEMENT_MODES as readonly string[]).includes(mode)) {
      throw new AppError("VALIDATION_FAILED", {
        message: `--mode must be one of ${ENFORCEMENT_MODES.join(", ")}.`,
        fields: [{ path: "mode", message: `One of ${ENFORCEMENT_MODES.join(", ")}` }],
      });
    }
    const r = await setEnforcement(ctx.db, ws.id, mode as EnforcementMode, OPERATOR, { confirm: true });
    ctx.print(`SSO enforcement for ${ws.slug}: ${r.mode}`);
    for (const w of r.warnings) ctx.print(`  warning (${w.code}): ${w.message}`);
    return { workspace: { id: ws.id, slug: ws.slug }, ...toEnforcementDto(r) };
  },
});
