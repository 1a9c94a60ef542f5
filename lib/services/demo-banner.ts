import { DEMO_DOMAIN, DEMO_SSO_USER, DEMO_WORKSPACE } from "./demo-seed";

/**
 * What a development start prints about the demo workspace: the first time, the owner's generated
 * password (once); on every later start, the owner's email and how to reset the password with the
 * CLI, never the password. Both say how to try SSO. Production prints nothing (never called).
 */
export function demoBannerLines(appUrl: string, password: string | null): string[] {
  const reset = `npm run gatehouse -- users:set-password --email ${DEMO_WORKSPACE.ownerEmail}`;
  const sso = `Try SSO: type ${DEMO_SSO_USER} at ${appUrl}/login (${DEMO_DOMAIN} is routed to the Demo IdP).`;
  return password
    ? [
        "Gatehouse demo workspace created (shown once, development only):",
        `  URL:      ${appUrl}/login`,
        `  Email:    ${DEMO_WORKSPACE.ownerEmail}`,
        `  Password: ${password}`,
        `Lost it? ${reset}`,
        sso,
      ]
    : [
        "Gatehouse demo workspace (development only):",
        `  URL:      ${appUrl}/login`,
        `  Owner:    ${DEMO_WORKSPACE.ownerEmail}`,
        `Forgot the owner's password? Reset it: ${reset}`,
        sso,
      ];
}

export function boxed(lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  return ["┌" + "─".repeat(width) + "┐", ...lines.map((l) => "│ " + l.padEnd(width - 1) + "│"), "└" + "─".repeat(width) + "┘"].join("\n");
}
