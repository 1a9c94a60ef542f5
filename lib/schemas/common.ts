import { z } from "zod";

/** A row id (UUID) as a console action receives it. */
export const idSchema = z.uuid();
