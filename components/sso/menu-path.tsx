/** "Applications › Applications › Create App Integration" as a readable, screen-reader friendly path. */
export function MenuPath({ path }: { path: string[] }) {
  return (
    <p className="text-xs text-slate-600">
      <span className="sr-only">Menu path: </span>
      {path.map((p, i) => (
        <span key={i}>
          {i > 0 && (
            <span className="mx-1 text-slate-400" aria-hidden="true">
              ›
            </span>
          )}
          <span className="rounded bg-slate-100 px-1.5 py-0.5 font-medium text-slate-700">{p}</span>
        </span>
      ))}
    </p>
  );
}
