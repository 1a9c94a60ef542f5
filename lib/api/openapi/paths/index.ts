/**
 * Every REST API resource registers its operations in its own file here; add one import line per
 * resource. (lib/api/openapi/document.test.ts fails when a route under app/api/v1 is undocumented.)
 */
import "./openapi";
import "./connections";
import "./sso-events";
import "./tenant";
import "./members";
import "./domains";
import "./organizations";
import "./apps";
import "./directories";
import "./webhooks";
import "./ip-allowlist";
import "./setup-links";
