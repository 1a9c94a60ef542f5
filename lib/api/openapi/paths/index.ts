/**
 * Every REST API resource registers its operations in its own file here; add one import line per
 * resource. (The route ↔ document test fails when a route under app/api/v1 is missing.)
 */
import "./openapi";
