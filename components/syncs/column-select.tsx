import { forwardRef, type SelectHTMLAttributes } from "react";
import { Select } from "~/components/ui/field";
import type { ModelColumn } from "./sync-types";

/** A select of the model's columns, each with its type; `placeholder` is the empty choice. */
export const ColumnSelect = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement> & { columns: ModelColumn[]; placeholder: string }>(function ColumnSelect({ columns, placeholder, ...rest }, ref) {
  return (
    <Select ref={ref} {...rest}>
      <option value="">{placeholder}</option>
      {columns.map((c) => (
        <option key={c.name} value={c.name}>
          {c.name} ({c.nativeType})
        </option>
      ))}
    </Select>
  );
});
