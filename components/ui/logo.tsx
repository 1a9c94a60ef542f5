import Image from "next/image";

/** The Gatehouse mark (public/logo.svg); decorative beside the product name. */
export function Logo({ size = 28, className }: { size?: number; className?: string }) {
  return <Image src="/logo.svg" width={size} height={size} alt="" aria-hidden="true" unoptimized priority className={className} />;
}
