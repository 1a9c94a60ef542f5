import { CopyField } from "@/components/ui/copy-field";

/**
 * A value to register in the IdP, labelled with the IdP's field name in its exact casing.
 */
export function ValueField({ id, label, value, caption }: { id: string; label: string; value: string; caption?: React.ReactNode }) {
  return <CopyField id={id} label={label} value={value} caption={caption} exactLabel />;
}
