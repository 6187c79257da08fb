"use client";

import { useQuery } from "@tanstack/react-query";
import { ChevronDown, ChevronRight, Lock, Table2 } from "lucide-react";
import { clsx } from "clsx";
import { useState } from "react";
import { useTRPC } from "~/components/providers/trpc-react-provider";
import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { Input, Textarea } from "~/components/ui/field";
import { QueryState } from "~/components/ui/query-state";
import { Spinner } from "~/components/ui/spinner";
import { useWorkspace } from "~/components/workspace/workspace-context";
import type { SourceCatalogView } from "./connection-types";
import { PreviewTable } from "./preview-table";

type TableRef = { schema: string; table: string };
type Tab = "tables" | "sql";

// Source errors are the database's own answer: asking again gives the same one.
const TABLE_QUERY_OPTIONS = { retry: false, staleTime: 60_000 } as const;
// "Preview" again means read again, so a query's rows are not kept once its panel is gone.
const SQL_QUERY_OPTIONS = { retry: false, gcTime: 0 } as const;

function PreviewPanel({ connectionId, model, label }: { connectionId: string; model: { type: "table"; schema: string; table: string } | { type: "sql"; sql: string }; label: string }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const preview = useQuery(trpc.connection.preview.queryOptions({ workspaceId: workspace.id, connectionId, model }, model.type === "sql" ? SQL_QUERY_OPTIONS : TABLE_QUERY_OPTIONS));
  if (preview.isPending) {
    return (
      <div className="flex items-center gap-2 py-8 text-sm text-slate-500" aria-busy="true">
        <Spinner className="h-4 w-4" /> Reading the first 100 rows…
      </div>
    );
  }
  if (preview.error) return <Alert title="The database refused this preview">{preview.error.message}</Alert>;
  return <PreviewTable result={preview.data} label={label} />;
}

function TableTree({ catalog, selected, onSelect }: { catalog: SourceCatalogView; selected: TableRef | null; onSelect: (t: TableRef) => void }) {
  const [filter, setFilter] = useState("");
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const tableCount = catalog.schemas.reduce((n, s) => n + s.tables.length, 0);
  const needle = filter.trim().toLowerCase();
  return (
    <div className="space-y-2">
      {tableCount > 10 ? <Input type="search" aria-label="Filter tables" placeholder="Filter tables" value={filter} onChange={(e) => setFilter(e.target.value)} /> : null}
      <ul className="space-y-1 text-sm" aria-label="Schemas">
        {catalog.schemas.map((schema) => {
          const tables = schema.tables.filter((t) => !needle || t.name.toLowerCase().includes(needle));
          const open = !collapsed.has(schema.name) || !!needle;
          return (
            <li key={schema.name}>
              <button
                type="button"
                aria-expanded={open}
                className="flex w-full items-center gap-1 rounded px-1.5 py-1 text-left font-medium text-slate-700 hover:bg-slate-100"
                onClick={() =>
                  setCollapsed((prev) => {
                    const next = new Set(prev);
                    if (next.has(schema.name)) next.delete(schema.name);
                    else next.add(schema.name);
                    return next;
                  })
                }
              >
                {open ? <ChevronDown className="h-3.5 w-3.5" aria-hidden /> : <ChevronRight className="h-3.5 w-3.5" aria-hidden />}
                <span className="truncate">{schema.name}</span>
                <span className="ml-auto text-xs font-normal text-slate-400">{schema.tables.length}</span>
              </button>
              {open ? (
                <ul className="ml-4 mt-0.5 space-y-0.5 border-l border-slate-200 pl-2" aria-label={`Tables in ${schema.name}`}>
                  {tables.length === 0 ? <li className="px-1.5 py-1 text-xs text-slate-400">{needle ? "No match" : "No tables"}</li> : null}
                  {tables.map((t) => {
                    const isSelected = selected?.schema === schema.name && selected.table === t.name;
                    return (
                      <li key={t.name}>
                        <button
                          type="button"
                          aria-current={isSelected ? "true" : undefined}
                          onClick={() => onSelect({ schema: schema.name, table: t.name })}
                          className={clsx("flex w-full items-center gap-1.5 rounded px-1.5 py-1 text-left", isSelected ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100")}
                        >
                          <Table2 className="h-3.5 w-3.5 shrink-0 text-slate-400" aria-hidden />
                          <span className="truncate">{t.name}</span>
                        </button>
                        {isSelected ? (
                          <ul className="mb-1 ml-6 mt-0.5 space-y-0.5 text-xs" aria-label={`Columns of ${t.name}`}>
                            {t.columns.map((col) => (
                              <li key={col.name} className="flex items-baseline justify-between gap-2">
                                <span className="truncate font-mono text-slate-700">{col.name}</span>
                                <span className="shrink-0 text-slate-400" title={col.nativeType}>
                                  {col.type}
                                </span>
                              </li>
                            ))}
                          </ul>
                        ) : null}
                      </li>
                    );
                  })}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function TablesTab({ connectionId }: { connectionId: string }) {
  const trpc = useTRPC();
  const workspace = useWorkspace();
  const catalog = useQuery(trpc.connection.discover.queryOptions({ workspaceId: workspace.id, connectionId }, TABLE_QUERY_OPTIONS));
  const [selected, setSelected] = useState<TableRef | null>(null);
  return (
    <QueryState isPending={catalog.isPending} error={catalog.error}>
      {catalog.data && catalog.data.schemas.every((s) => s.tables.length === 0) ? (
        <p className="py-6 text-sm text-slate-500">This source has no tables or views the connection’s user can read. Grant it SELECT on the tables you want to sync, or write a query in the SQL tab.</p>
      ) : catalog.data ? (
        <div className="grid gap-5 md:grid-cols-[16rem_minmax(0,1fr)]">
          <div className="max-h-[32rem] overflow-y-auto pr-1">
            <TableTree catalog={catalog.data} selected={selected} onSelect={setSelected} />
          </div>
          <div className="min-w-0">
            {selected ? (
              <div className="space-y-2">
                <h3 className="font-mono text-sm font-semibold text-slate-900">
                  {selected.schema}.{selected.table}
                </h3>
                <PreviewPanel connectionId={connectionId} model={{ type: "table", ...selected }} label={`Preview of ${selected.schema}.${selected.table}`} />
              </div>
            ) : (
              <p className="rounded-md border border-dashed border-slate-300 px-4 py-10 text-center text-sm text-slate-500">Select a table to see its columns and its first 100 rows.</p>
            )}
          </div>
        </div>
      ) : null}
    </QueryState>
  );
}

function SqlTab({ connectionId }: { connectionId: string }) {
  const [draft, setDraft] = useState("");
  const [submitted, setSubmitted] = useState<{ sql: string; run: number } | null>(null);
  const run = () => {
    const sql = draft.trim();
    if (sql) setSubmitted((prev) => ({ sql, run: (prev?.run ?? 0) + 1 }));
  };
  return (
    <div className="space-y-4">
      <form
        className="space-y-2"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <label htmlFor="source-sql" className="block text-sm font-medium text-slate-800">
          SQL query
        </label>
        <Textarea
          id="source-sql"
          rows={5}
          spellCheck={false}
          value={draft}
          aria-describedby="source-sql-help"
          placeholder="select id, email, created_at from public.users"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) {
              e.preventDefault();
              run();
            }
          }}
        />
        <div className="flex flex-wrap items-center justify-between gap-2">
          <p id="source-sql-help" className="text-xs text-slate-500">
            One SELECT or WITH query. It runs read-only, and the preview shows its first 100 rows. Ctrl+Enter runs it.
          </p>
          <Button type="submit" variant="secondary" disabled={!draft.trim()}>
            Preview
          </Button>
        </div>
      </form>
      {submitted ? <PreviewPanel key={submitted.run} connectionId={connectionId} model={{ type: "sql", sql: submitted.sql }} label="Preview of the SQL query" /> : null}
    </div>
  );
}

/** Browse a source: schemas → tables → columns, a table's first 100 rows, or a SQL query's. */
export function SourceBrowser({ connectionId }: { connectionId: string }) {
  const workspace = useWorkspace();
  const [tab, setTab] = useState<Tab>("tables");
  if (!workspace.can("models.query")) {
    return (
      <Card>
        <CardHeader title="Browse data" />
        <CardBody className="flex items-start gap-3 text-sm text-slate-600">
          <Lock className="mt-0.5 h-4 w-4 shrink-0 text-slate-400" aria-hidden />
          <p>
            <span className="font-medium text-slate-800">Browsing tables and previewing queries runs SQL on this source, which your role ({workspace.role.toLowerCase()}) cannot do.</span>{" "}
            You can read the results of past sync runs. Ask an admin to make you a member if you need to explore the data.
          </p>
        </CardBody>
      </Card>
    );
  }
  const tabs: { id: Tab; label: string }[] = [
    { id: "tables", label: "Tables" },
    { id: "sql", label: "SQL query" },
  ];
  return (
    <Card>
      <CardHeader title="Browse data" description="What syncs can read from this source: pick a table, or preview a query." />
      <div role="tablist" aria-label="Browse data" className="flex gap-1 border-b border-slate-100 px-5">
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`source-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`source-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
              const next = tab === "tables" ? "sql" : "tables";
              setTab(next);
              document.getElementById(`source-tab-${next}`)?.focus();
            }}
            className={clsx("-mb-px border-b-2 px-3 py-2.5 text-sm font-medium", tab === t.id ? "border-brand-600 text-brand-700" : "border-transparent text-slate-500 hover:text-slate-800")}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id={`source-panel-${tab}`} role="tabpanel" aria-labelledby={`source-tab-${tab}`} className="px-5 py-4">
        {tab === "tables" ? <TablesTab connectionId={connectionId} /> : <SqlTab connectionId={connectionId} />}
      </div>
    </Card>
  );
}
