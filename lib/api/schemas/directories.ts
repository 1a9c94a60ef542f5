import { z } from "zod";
import {
  directoryCreateSchema,
  directoryGroupRoleSchema,
  directoryTokenRotateSchema,
  directoryUpdateSchema,
} from "@/lib/schemas/directories";
import { apiSchema } from "../case";

/** REST API requests for directories (SCIM): the operation schemas under snake_case keys (see lib/api/case.ts). */
export const apiDirectoryCreateSchema = apiSchema(directoryCreateSchema, { acceptCamelCase: true, meta: { id: "DirectoryCreate" } });
export const apiDirectoryUpdateSchema = apiSchema(directoryUpdateSchema, { acceptCamelCase: true, meta: { id: "DirectoryUpdate" } });
export const apiDirectoryTokenRotateSchema = apiSchema(directoryTokenRotateSchema, {
  acceptCamelCase: true,
  meta: { id: "DirectoryTokenRotate" },
});
export const apiDirectoryGroupRoleSchema = apiSchema(directoryGroupRoleSchema, { meta: { id: "DirectoryGroupRole" } });

export const directoryGroupParamsSchema = z.object({
  id: z.guid().meta({ description: "Directory id." }),
  groupId: z.guid().meta({ description: "Group id (its SCIM id)." }),
});

export const directoryListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional().meta({ description: "At most this many (default 200)." }),
  offset: z.coerce.number().int().min(0).optional(),
});

export const scimRequestDtoSchema = z
  .object({
    id: z.string(),
    method: z.string(),
    path: z.string(),
    status: z.number().int(),
    scim_type: z.string().nullable(),
    error: z.string().nullable(),
    duration_ms: z.number().int(),
    request_body: z.unknown().meta({ description: "The body with secrets (password, tokens) removed." }),
    created_at: z.string(),
  })
  .meta({ id: "ScimRequest" });
