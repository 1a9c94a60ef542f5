/** The one page for an unknown, expired or revoked setup link: no hint which of them it is. */
export function SetupLinkInvalid() {
  return (
    <div role="alert" className="mx-auto max-w-md rounded-lg bg-white p-6 text-sm text-slate-700 shadow-sm ring-1 ring-slate-200">
      <h1 className="text-lg font-semibold text-slate-900">This setup link is not valid</h1>
      <p className="mt-2">
        It may have expired or been revoked, or it was not copied completely. Ask the person who sent it to you for a new setup link.
      </p>
    </div>
  );
}
