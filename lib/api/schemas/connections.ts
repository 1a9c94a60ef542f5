import { z } from "zod";
import { connectionCreateSchema, connectionUpdateSchema, spKeyActionSchema } from "@/lib/schemas/connections";
import { roleMappingsReplaceSchema } from "@/lib/schemas/role-mappings";
import { apiSchema } from "../case";

/** REST API request bodies for connections: the operation schemas under snake_case keys (see lib/api/case.ts). */
export const apiConnectionCreateSchema = apiSchema(connectionCreateSchema, {
  acceptCamelCase: true,
  meta: { id: "ConnectionCreate", description: "Give the IdP one way (metadata_url, metadata_xml or manual), or none yet." },
});

export const apiConnectionUpdateSchema = apiSchema(connectionUpdateSchema, {
  acceptCamelCase: true,
  meta: { id: "ConnectionUpdate", description: "A patch: only the fields given change. The slug is immutable." },
});

export const apiSpKeyActionSchema = apiSchema(spKeyActionSchema, { meta: { id: "SpKeyAction" } });

/** PUT body: `{ rules: [...] }` (a bare array of rules is accepted too). */
export const apiRoleMappingsReplaceSchema = z.preprocess(
  (v) => (Array.isArray(v) ? { rules: v } : v),
  apiSchema(roleMappingsReplaceSchema, {
    acceptCamelCase: true,
    meta: {
      id: "RoleMappingsReplace",
      description:
        "The full, ordered list of rules (replaces the current one). A user matching several rules gets the highest role; owner is never granted.",
    },
  }),
);
