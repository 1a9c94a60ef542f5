import { z } from "zod";

/** `{id}` path parameter: anything that is not a UUID cannot exist → 404 (never a database error). */
export const idParamsSchema = z.object({
  id: z.guid().meta({ description: "Resource id (UUID).", example: "3f0c2b1e-8d4a-4c6b-9e2f-1a2b3c4d5e6f" }),
});

/** `{ id, deleted: true }`, the data of a successful DELETE. */
export const deletedSchema = z.object({ id: z.string(), deleted: z.literal(true) }).meta({ id: "Deleted" });
