import { z } from "zod";
import { registerApiPath } from "../registry";

registerApiPath({
  method: "get",
  path: "/api/v1/openapi.json",
  summary: "This OpenAPI document",
  description:
    "The OpenAPI 3.1 description of the REST API, generated from the same zod schemas the handlers validate with. No API key needed. Returned as the bare document (no envelope).",
  tags: ["Meta"],
  public: true,
  response: z.record(z.string(), z.unknown()).meta({ description: "OpenAPI 3.1 document" }),
  successDescription: "The OpenAPI document itself (not wrapped in `data`).",
});
