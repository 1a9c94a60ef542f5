import { getIdp } from "@/lib/idp-catalogue";
import { cn } from "@/components/ui/cn";

/** The IdP's monogram tile (decorative: the IdP name is always written beside it). */
export function IdpLogo({ type, size = "md" }: { type: string; size?: "sm" | "md" | "lg" }) {
  const idp = getIdp(type);
  const dims = size === "sm" ? "h-6 w-6 text-[10px]" : size === "lg" ? "h-10 w-10 text-sm" : "h-8 w-8 text-xs";
  return (
    <span
      aria-hidden="true"
      className={cn("inline-flex shrink-0 items-center justify-center rounded-md font-bold text-white shadow-sm", dims)}
      style={{ backgroundColor: idp.color }}
    >
      {idp.monogram}
    </span>
  );
}
