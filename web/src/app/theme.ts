import { useEffect, useState } from "react";

export type Theme = "light" | "dark";

/** The saved choice, else the system's; applied as data-theme on <html>. */
export function useTheme(): [Theme, (t: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(() => {
    const saved = localStorage.getItem("theme");
    if (saved === "light" || saved === "dark") return saved;
    return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  });
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return [theme, (t) => {
    localStorage.setItem("theme", t);
    setTheme(t);
  }];
}
