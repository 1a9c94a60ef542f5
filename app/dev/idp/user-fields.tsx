import { Field, Input } from "@/components/ui/input";

/** The user the built-in IdP asserts: email, names and groups, with defaults that just work. */
export function DevIdpUserFields() {
  return (
    <div className="space-y-4">
      <Field id="email" label="Email" hint="Sent as the NameID (emailAddress) and as the email attribute.">
        <Input id="email" name="email" type="email" required defaultValue="jane.doe@acme.test" autoComplete="off" />
      </Field>
      <div className="grid grid-cols-2 gap-4">
        <Field id="first_name" label="First name">
          <Input id="first_name" name="first_name" defaultValue="Jane" autoComplete="off" />
        </Field>
        <Field id="last_name" label="Last name">
          <Input id="last_name" name="last_name" defaultValue="Doe" autoComplete="off" />
        </Field>
      </div>
      <Field id="groups" label="Groups" hint="Comma-separated; sent as the multi-valued “groups” attribute for role mapping.">
        <Input id="groups" name="groups" defaultValue="engineering" autoComplete="off" />
      </Field>
    </div>
  );
}

export function DevIdpFrame({ title, description, children }: { title: string; description: React.ReactNode; children: React.ReactNode }) {
  return (
    <main className="mx-auto max-w-lg px-4 py-12">
      <p className="text-xs font-semibold uppercase tracking-wide text-amber-700">Built-in test IdP · development only</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
      <div className="mt-1 text-sm text-slate-600">{description}</div>
      <section className="mt-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">{children}</section>
    </main>
  );
}
