import { AlertTriangle, CheckCircle2, XCircle } from "lucide-react";

type TestResult = { ok: boolean; message: string; warning?: string };

/**
 * The outcome of "Test": green with the connector's message, or red with its exact error. A warning
 * (a source user that may write) follows in amber; its lines after the first are SQL to copy.
 */
export function ConnectionTestResult({ result }: { result: TestResult }) {
  if (!result.ok) {
    return (
      <div role="alert" data-testid="test-result" className="flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
        <XCircle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
        <p className="min-w-0 break-words">
          <span className="font-medium">Connection failed.</span> {result.message}
        </p>
      </div>
    );
  }
  const [explanation, ...statements] = result.warning?.split("\n") ?? [];
  return (
    <div className="space-y-3">
      <div role="status" data-testid="test-result" className="flex items-start gap-2 rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-800">
        <CheckCircle2 className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
        <p className="min-w-0 break-words">
          <span className="font-medium">Connection succeeded.</span> {result.message}
        </p>
      </div>
      {result.warning ? (
        <div role="alert" data-testid="test-warning" className="flex items-start gap-2 rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
          <div className="min-w-0 space-y-2">
            <p className="break-words">
              <span className="font-medium">Warning.</span> {explanation}
            </p>
            {statements.length ? (
              <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded border border-amber-200 bg-white px-3 py-2 font-mono text-xs text-gray-900">{statements.join("\n")}</pre>
            ) : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}
