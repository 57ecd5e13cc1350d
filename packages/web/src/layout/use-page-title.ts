import { useEffect } from "react";

/** "Alerts · Vigil": the page first, so a row of browser tabs (or a phone's tab list) tells them apart. */
export function pageTitle(title: string | null | undefined): string {
  return title ? `${title} · Vigil` : "Vigil";
}

/** Sets the browser tab's title while the page is shown; every page calls it once. */
export function usePageTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = pageTitle(title);
  }, [title]);
}
