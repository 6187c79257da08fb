import { clsx } from "clsx";

/**
 * A determinate progress bar (value 0..1), or an indeterminate one when value is null. The label names
 * what progresses, for screen readers; `valueText` says it in words ("120 of 1,000 rows").
 */
export function ProgressBar({ value, label, valueText, className }: { value: number | null; label: string; valueText?: string; className?: string }) {
  const percent = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={valueText}
      className={clsx("h-2.5 w-full overflow-hidden rounded-full bg-slate-200", className)}
    >
      {percent === null ? (
        <div className="h-full w-1/3 animate-pulse rounded-full bg-brand-500" />
      ) : (
        <div className="h-full rounded-full bg-brand-500 transition-[width] duration-500" style={{ width: `${percent}%` }} />
      )}
    </div>
  );
}
