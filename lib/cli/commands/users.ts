import { generatePassword } from "@/lib/auth/password";
import { passwordSchema } from "@/lib/schemas/workspaces";
import { setUserPassword } from "@/lib/services/users";
import { defineCommand, optStr, str } from "../command";

export const usersSetPassword = defineCommand({
  name: "users:set-password",
  summary: "Set a user's password (prompted on a terminal, generated and printed otherwise). Ends their sessions.",
  flags: {
    email: { type: "string", required: true, description: "The user's email" },
    password: {
      type: "string",
      prompt: "New password (empty to generate one): ",
      description: "The new password (avoid: it lands in shell history; asked for on a terminal when omitted)",
    },
  },
  async run(ctx) {
    let password = optStr(ctx, "password");
    let generated = false;
    if (!password) {
      password = generatePassword();
      generated = true;
    }
    passwordSchema.parse(password);
    const user = await setUserPassword(ctx.db, str(ctx, "email"), password);
    ctx.print(`Password set for ${user.email}.${generated ? ` New password: ${password}` : ""}`);
    return { user: { id: user.id, email: user.email }, ...(generated ? { password } : {}) };
  },
});
