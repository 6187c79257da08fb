import { CheckCircle2, Circle } from "lucide-react";
import Link from "next/link";
import { Card, CardHeader } from "~/components/ui/card";

export type ChecklistStep = { title: string; description: string; done: boolean; href: string; action: string };

/** The four steps from an empty workspace to data in the destination; each shows whether it is done. */
export function GettingStarted({ steps }: { steps: ChecklistStep[] }) {
  const doneCount = steps.filter((s) => s.done).length;
  const nextIndex = steps.findIndex((s) => !s.done);
  return (
    <Card>
      <CardHeader title="Getting started" description={doneCount === steps.length ? "All set: your data is flowing." : `${doneCount} of ${steps.length} done`} />
      <ol className="divide-y divide-slate-100" aria-label="Getting started checklist">
        {steps.map((step, i) => (
          <li key={step.title} className="flex items-center gap-4 px-5 py-3" data-testid={`checklist-${i + 1}`} data-done={step.done}>
            {step.done ? <CheckCircle2 className="h-5 w-5 shrink-0 text-emerald-600" aria-hidden /> : <Circle className="h-5 w-5 shrink-0 text-slate-300" aria-hidden />}
            <div className="min-w-0 flex-1">
              <p className={`text-sm font-medium ${step.done ? "text-slate-500" : "text-slate-900"}`}>
                {i + 1}. {step.title}
                <span className="sr-only">{step.done ? " (done)" : " (to do)"}</span>
              </p>
              <p className="text-xs text-slate-500">{step.description}</p>
            </div>
            <Link
              href={step.href}
              className={
                i === nextIndex
                  ? "shrink-0 rounded-md bg-brand-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-brand-700"
                  : "shrink-0 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-xs font-medium text-slate-700 hover:bg-slate-50"
              }
            >
              {step.action}
            </Link>
          </li>
        ))}
      </ol>
    </Card>
  );
}
