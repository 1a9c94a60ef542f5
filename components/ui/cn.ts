import { twMerge } from "tailwind-merge";

/**
 * Join class names; later Tailwind classes win over conflicting earlier ones (so `className="w-32"`
 * really overrides a primitive's `w-full`, whatever order Tailwind emits them in).
 */
export function cn(...parts: Array<string | false | null | undefined>): string {
  return twMerge(parts.filter(Boolean).join(" "));
}
