import { Toaster } from "@/components/ui/toast";

export default function DomainsLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      {children}
      <Toaster />
    </>
  );
}
