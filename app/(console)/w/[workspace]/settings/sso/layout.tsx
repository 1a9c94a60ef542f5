import { Toaster } from "@/components/ui/toast";

export default function SsoLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      {children}
      <Toaster />
    </>
  );
}
