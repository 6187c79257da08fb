import { CheckCircle2, XCircle } from "lucide-react";

/** The outcome of "Test": green with the connector's message, or red with its exact error. */
export function ConnectionTestResult({ result }: { result: { ok: boolean; message: string } }) {
  return result.ok ? (
    <div role="status" data-testid="test-result" className="flex items-start gap-2 rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-800">
      <CheckCircle2 className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
      <p>
        <span className="font-medium">Connection succeeded.</span> {result.message}
      </p>
    </div>
  ) : (
    <div role="alert" data-testid="test-result" className="flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      <XCircle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
      <p className="min-w-0 break-words">
        <span className="font-medium">Connection failed.</span> {result.message}
      </p>
    </div>
  );
}
