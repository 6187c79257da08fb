import type { PreviewResult } from "./connection-types";

function formatCell(value: unknown): { text: string; isNull: boolean } {
  if (value === null || value === undefined) return { text: "NULL", isNull: true };
  if (value instanceof Date) return { text: Number.isNaN(value.getTime()) ? String(value) : value.toISOString(), isNull: false };
  if (typeof value === "object") return { text: JSON.stringify(value), isNull: false };
  return { text: String(value), isNull: false };
}

/** Preview rows in a scrollable grid; each header shows the column's logical and native type. */
export function PreviewTable({ result, label }: { result: PreviewResult; label: string }) {
  const { columns, rows } = result;
  return (
    <div className="space-y-2">
      <p className="text-xs text-slate-500" data-testid="preview-count">
        {rows.length === 0 ? "No rows." : rows.length === 1 ? "1 row" : `${rows.length} rows`}
        {rows.length >= 100 ? " (the first 100)" : ""} · {columns.length} {columns.length === 1 ? "column" : "columns"}
      </p>
      <div className="max-h-[28rem] overflow-auto rounded-md border border-slate-200">
        <table className="min-w-full border-separate border-spacing-0 text-xs" aria-label={label}>
          <thead>
            <tr>
              {columns.map((col) => (
                <th key={col.name} scope="col" className="sticky top-0 z-10 whitespace-nowrap border-b border-slate-200 bg-slate-50 px-3 py-2 text-left align-bottom">
                  <span className="block font-semibold text-slate-800">{col.name}</span>
                  <span className="block font-normal text-slate-500" title={col.nativeType}>
                    {col.type} · {col.nativeType}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i} className="odd:bg-white even:bg-slate-50/60">
                {columns.map((col) => {
                  const cell = formatCell(row[col.name]);
                  return (
                    <td key={col.name} className="max-w-xs truncate whitespace-nowrap border-b border-slate-100 px-3 py-1.5 font-mono text-slate-700" title={cell.text.length > 40 ? cell.text : undefined}>
                      {cell.isNull ? <span className="italic text-slate-400">NULL</span> : cell.text}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
