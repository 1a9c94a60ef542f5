"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const ITEMS = [
  { href: "settings/sso", label: "SSO" },
  { href: "settings/domains", label: "Domains" },
  { href: "settings/members", label: "Members" },
  { href: "settings/directory-sync", label: "Directory sync" },
  { href: "settings/api-keys", label: "API keys" },
  { href: "settings/webhooks", label: "Webhooks" },
  { href: "settings/security", label: "Security" },
  { href: "settings/audit", label: "Audit log" },
];

export function NavLinks({ slug }: { slug: string }) {
  const pathname = usePathname();
  return (
    <ul className="space-y-1">
      {ITEMS.map((item) => {
        const href = `/w/${slug}/${item.href}`;
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <li key={item.href}>
            <Link
              href={href}
              aria-current={active ? "page" : undefined}
              className={cn(
                "block rounded-md px-3 py-2 text-sm font-medium",
                active ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900",
              )}
            >
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
