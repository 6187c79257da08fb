"use client";

import { useEffect, useState } from "react";
import { Input } from "./field";

const DELAY_MS = 300;

/** A search box that reports its text once typing pauses, and follows `value` when it changes elsewhere (Clear, back). */
export function SearchInput({ value, onSearch, label, placeholder, className }: { value: string; onSearch: (text: string) => void; label: string; placeholder: string; className?: string }) {
  const [text, setText] = useState(value);
  const [previousValue, setPreviousValue] = useState(value);
  if (value !== previousValue) {
    setPreviousValue(value);
    if (value !== text.trim()) setText(value);
  }
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => onSearch(text.trim()), DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);
  return <Input type="search" aria-label={label} placeholder={placeholder} className={className} value={text} onChange={(e) => setText(e.target.value)} />;
}
