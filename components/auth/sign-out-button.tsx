"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/** Sign out (everywhere) and land on the sign-in page, e.g. to sign in with another account. */
export function SignOutButton({ label = "Sign out" }: { label?: string }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      type="button"
      pending={pending}
      onClick={async () => {
        setPending(true);
        await signOut({ callbackUrl: "/login" });
      }}
    >
      {pending ? "Signing out…" : label}
    </Button>
  );
}
