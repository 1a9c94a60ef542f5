import type { DirectoryGuide } from "./idp-guides";

/** The IdP's setup steps, numbered. */
export function SetupSteps({ guide }: { guide: DirectoryGuide }) {
  return (
    <div>
      <h3 className="text-sm font-semibold text-slate-900">In {guide.label}</h3>
      <ol className="mt-2 list-decimal space-y-1.5 pl-5 text-sm text-slate-700">
        {guide.steps.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ol>
    </div>
  );
}
