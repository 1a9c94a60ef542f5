import { toDirectoryDto } from "@/lib/api/dto/directories";
import { AppError } from "@/lib/errors";
import { directoryCreateSchema, directoryTokenRotateSchema } from "@/lib/schemas/directories";
import { createDirectory, directoryCounts, findDirectoryById, listDirectories, rotateDirectoryToken } from "@/lib/services/directories";
import { findWorkspaceBySlug } from "@/lib/services/workspaces";
import { defineCommand, optStr, str, type CliContext } from "../command";

async function workspaceOrThrow(ctx: CliContext) {
  const ws = await findWorkspaceBySlug(ctx.db, str(ctx, "workspace"));
  if (!ws)
    throw new AppError("NOT_FOUND", {
      message: `No workspace with slug "${str(ctx, "workspace")}".`,
      hint: "Check the slug (see the console URL /w/<slug>).",
    });
  return ws;
}

const OPERATOR = { userId: null };

export const directoriesCreate = defineCommand({
  name: "directories:create",
  summary: "Create a SCIM directory for a workspace; prints its SCIM base URL and bearer token (shown once).",
  flags: {
    workspace: { type: "string", required: true, description: "Workspace slug" },
    name: { type: "string", required: true, description: "Display name, e.g. Okta" },
    kind: { type: "string", required: true, description: "okta | entra | onelogin | jumpcloud | generic" },
  },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx);
    const data = directoryCreateSchema.parse({ name: str(ctx, "name"), kind: str(ctx, "kind") });
    const { directory, token } = await createDirectory(ctx.db, ws.id, data, OPERATOR);
    const dto = toDirectoryDto(directory, ctx.appUrl);
    ctx.print(`Created directory ${directory.name} (${directory.kind}) in ${ws.slug}. Enter these in your IdP's provisioning settings:`);
    ctx.print(`  SCIM base URL:  ${dto.scim_base_url}`);
    ctx.print(`  Bearer token:   ${token}`);
    ctx.print("Copy the token now: it is not shown again (rotate it with directories:rotate-token).");
    return { ...dto, token, workspace: { id: ws.id, slug: ws.slug } };
  },
});

export const directoriesList = defineCommand({
  name: "directories:list",
  summary: "List a workspace's SCIM directories with their base URLs, users and last request.",
  flags: { workspace: { type: "string", required: true, description: "Workspace slug" } },
  async run(ctx) {
    const ws = await workspaceOrThrow(ctx);
    const list = await listDirectories(ctx.db, ws.id);
    if (!list.length) ctx.print(`No directories in ${ws.slug}. Create one with directories:create.`);
    const out = [];
    for (const d of list) {
      const counts = await directoryCounts(ctx.db, d.id);
      const dto = { ...toDirectoryDto(d, ctx.appUrl), users: counts.users, groups: counts.groups };
      ctx.print(
        `${d.id}  ${d.active ? "active  " : "inactive"}  ${d.kind.padEnd(9)} ${d.name}  ${counts.users} users, ${counts.groups} groups  last request ${dto.last_request_at ?? "never"}  ${dto.scim_base_url}`,
      );
      out.push(dto);
    }
    return out;
  },
});

export const directoriesRotateToken = defineCommand({
  name: "directories:rotate-token",
  summary: "Give a directory a new bearer token (printed once); the previous one keeps working for --overlap-minutes (default 60).",
  flags: {
    id: { type: "string", required: true, description: "Directory id (see directories:list)" },
    "overlap-minutes": { type: "string", description: "How long the previous token keeps working (0 = stop at once; at most 10080)" },
  },
  async run(ctx) {
    const d = await findDirectoryById(ctx.db, str(ctx, "id"));
    const overlap = optStr(ctx, "overlap-minutes");
    const data = directoryTokenRotateSchema.parse(overlap === undefined ? {} : { overlapMinutes: Number(overlap) });
    const { token, previousValidUntil } = await rotateDirectoryToken(ctx.db, d.workspaceId, d.id, data, OPERATOR);
    ctx.print(`New bearer token for ${d.name} (copy it now, it is not shown again):`);
    ctx.print(`  ${token}`);
    ctx.print(`The previous token works until ${previousValidUntil.toISOString()}: update the IdP before then.`);
    return { id: d.id, token, previous_valid_until: previousValidUntil.toISOString() };
  },
});
