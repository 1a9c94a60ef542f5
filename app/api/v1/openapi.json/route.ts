// GET /api/v1/openapi.json: the OpenAPI 3.1 document (no API key needed).
import { publicApiRoute } from "@/lib/api/handler";
import { buildOpenApiDocument } from "@/lib/api/openapi/document";
import { env } from "@/lib/env";

export const GET = publicApiRoute(async () => ({ data: buildOpenApiDocument(env().appUrl), raw: true }));
