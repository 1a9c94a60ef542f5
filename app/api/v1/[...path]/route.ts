// Any other /api/v1 path: a JSON 404 in the API's envelope (with X-Request-Id), never an HTML page.
import { publicApiRoute } from "@/lib/api/handler";
import { AppError } from "@/lib/errors";

const notFound = publicApiRoute(async () => {
  throw new AppError("NOT_FOUND", { message: "No such API endpoint.", hint: "See /api/v1/openapi.json for the endpoints." });
});

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
