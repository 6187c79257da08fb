import { CheckCircle2, ExternalLink, TriangleAlert } from "lucide-react";
import { Alert } from "~/components/ui/alert";
import { Card, CardBody, CardHeader } from "~/components/ui/card";
import { parseVerification } from "./parse-verification";

/** "N of M verified" from the read-back, the destination's dashboard links, and any differences found. */
export function VerificationPanel({ verification }: { verification: unknown }) {
  const view = parseVerification(verification);
  if (!view) return null;
  const allVerified = view.checked !== null && view.verified === view.checked;
  return (
    <Card className="mt-6">
      <CardHeader title="Verification" description="A sample of delivered records is read back through the destination's API and compared with what was sent." />
      <CardBody className="space-y-4 text-sm">
        {!view.readBackAvailable ? (
          <Alert tone="info" title="Not read back">
            {view.message ?? "The destination connection has no read credentials, so delivered records could not be read back. Add them to the connection to verify deliveries."}
          </Alert>
        ) : (
          <p className="flex items-center gap-2 text-base font-medium" data-testid="verification-summary">
            {allVerified ? <CheckCircle2 className="h-5 w-5 text-emerald-600" aria-hidden /> : <TriangleAlert className="h-5 w-5 text-amber-600" aria-hidden />}
            {view.verified ?? 0} of {view.checked ?? 0} verified
          </p>
        )}
        {view.links.length ? (
          <div>
            <h3 className="mb-1 font-medium text-slate-800">See it in the destination</h3>
            <ul className="space-y-1">
              {view.links.map((link) => (
                <li key={`${link.label} ${link.url}`}>
                  <a href={link.url} target="_blank" rel="noreferrer noopener" className="inline-flex items-center gap-1 text-brand-700 hover:underline">
                    {link.label} <ExternalLink className="h-3.5 w-3.5" aria-hidden />
                    <span className="sr-only">(opens in a new tab)</span>
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {view.differences.length ? (
          <div>
            <h3 className="mb-1 font-medium text-slate-800">Differences</h3>
            <table className="w-full text-sm" aria-label="Verification differences">
              <thead className="bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th className="px-3 py-1.5 font-medium">Record</th>
                  <th className="px-3 py-1.5 font-medium">Field</th>
                  <th className="px-3 py-1.5 font-medium">Sent</th>
                  <th className="px-3 py-1.5 font-medium">In the destination</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {view.differences.map((d, i) => (
                  <tr key={`${d.key}-${d.field ?? ""}-${i}`}>
                    <td className="px-3 py-1.5 font-mono text-xs">{d.key || "—"}</td>
                    <td className="px-3 py-1.5">{d.field ?? "—"}</td>
                    <td className="px-3 py-1.5 font-mono text-xs">{d.expected ?? <span className="italic text-slate-400">empty</span>}</td>
                    <td className="px-3 py-1.5 font-mono text-xs">{d.message ?? d.actual ?? <span className="italic text-slate-400">missing</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}
