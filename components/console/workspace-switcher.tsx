"use client";

import { useRouter } from "next/navigation";

export function WorkspaceSwitcher({ current, workspaces }: { current: string; workspaces: { slug: string; name: string }[] }) {
  const router = useRouter();
  return (
    <label className="flex items-center">
      <span className="sr-only">Workspace</span>
      <select
        aria-label="Switch workspace"
        value={current}
        onChange={(e) => router.push(`/w/${e.target.value}`)}
        className="rounded-md border-0 bg-transparent py-1 pl-2 pr-8 text-sm font-medium text-slate-900 ring-1 ring-inset ring-slate-200 hover:bg-slate-50"
      >
        {workspaces.map((w) => (
          <option key={w.slug} value={w.slug}>
            {w.name}
          </option>
        ))}
      </select>
    </label>
  );
}
