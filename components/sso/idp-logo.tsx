import { getIdp } from "@/lib/idp-catalogue";
import { cn } from "@/components/ui/cn";
import { IDP_MARKS } from "./idp-marks";

const GENERIC_MARK =
  // A key in a shield: "an identity provider", no brand.
  "M12 1.5 3.5 5v6.2c0 5.3 3.6 10.2 8.5 11.3 4.9-1.1 8.5-6 8.5-11.3V5L12 1.5Zm0 5a3.25 3.25 0 0 1 1 6.34V14h1.5v1.75H13v1.75h-2v-4.66A3.25 3.25 0 0 1 12 6.5Zm0 2a1.25 1.25 0 1 0 0 2.5 1.25 1.25 0 0 0 0-2.5Z";

/**
 * The IdP's mark (its brand icon where simple-icons has one, else a neutral generic mark), named for
 * screen readers ("Okta logo"); `decorative` where the IdP's name is written right beside it.
 */
export function IdpLogo({ type, size = "md", decorative = false }: { type: string; size?: "sm" | "md" | "lg"; decorative?: boolean }) {
  const idp = getIdp(type);
  const mark = IDP_MARKS[idp.type];
  const box = size === "sm" ? "h-6 w-6" : size === "lg" ? "h-10 w-10" : "h-8 w-8";
  const icon = size === "sm" ? "h-4 w-4" : size === "lg" ? "h-6 w-6" : "h-5 w-5";
  const a11y = decorative ? { "aria-hidden": true as const } : { role: "img", "aria-label": `${idp.displayName} logo` };
  return (
    <span
      {...a11y}
      data-idp-mark={mark ? idp.type : "generic"}
      className="inline-flex shrink-0 items-center justify-center rounded-md bg-white shadow-sm ring-1 ring-inset ring-slate-200"
    >
      <span className={cn("inline-flex items-center justify-center", box)}>
        <svg viewBox="0 0 24 24" className={icon} aria-hidden="true" focusable="false">
          <path d={mark ? mark.path : GENERIC_MARK} fill={mark ? `#${mark.hex}` : "#475569"} />
        </svg>
      </span>
    </span>
  );
}
