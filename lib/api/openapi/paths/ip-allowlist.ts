import { apiIpAllowlistUpdateSchema } from "@/lib/api/schemas/ip-allowlist";
import { IpAllowlistDtoSchema } from "@/lib/schemas/ip-allowlist";
import { registerApiPath } from "../registry";

const tags = ["IP allowlist"];
const path = "/api/v1/workspace/ip-allowlist";
const scope =
  "When ranges are set, sign-ins (SSO, password, OpenID Connect) and every request of a session or of a workspace API key from an address outside them are refused with 403 `IP_NOT_ALLOWED`. Operator keys, the operator CLI and SCIM are not restricted. The client address follows the instance's TRUST_PROXY setting.";

registerApiPath({
  minRole: "owner",
  method: "get",
  path,
  summary: "Get the IP allowlist",
  description: `The workspace's sign-in IP allowlist (owner keys only), and the address this request comes from. ${scope}`,
  tags,
  response: IpAllowlistDtoSchema,
});

registerApiPath({
  minRole: "owner",
  method: "put",
  path,
  summary: "Set the IP allowlist",
  description: `Replaces the ranges (owner keys only; audited with before/after). Invalid entries are refused with 422 and one field per entry (\`ranges.N\`). Ranges that exclude the address this request comes from are refused with 409 \`IP_ALLOWLIST_CONFIRMATION_REQUIRED\` unless \`confirm_lockout\` is the workspace's slug. ${scope}`,
  tags,
  body: apiIpAllowlistUpdateSchema,
  response: IpAllowlistDtoSchema,
  errors: ["IP_ALLOWLIST_CONFIRMATION_REQUIRED", "IP_NOT_ALLOWED"],
});

registerApiPath({
  minRole: "owner",
  method: "delete",
  path,
  summary: "Clear the IP allowlist",
  description: "Removes every range: sign-ins and sessions are allowed from any address again (owner keys only; audited).",
  tags,
  response: IpAllowlistDtoSchema,
});
