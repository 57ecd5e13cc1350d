import { Button } from "@mantine/core";
import { useEffect, useState } from "react";

/**
 * navigator.clipboard exists only on secure origins; consoles are often opened over plain http on a
 * LAN, so fall back to a hidden textarea and execCommand there.
 */
async function copyText(value: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(value);
      return true;
    } catch {
      // Permission refused: try the fallback below.
    }
  }
  const area = document.createElement("textarea");
  area.value = value;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

export function CopyTextButton({ value, "data-testid": testId }: { value: string; "data-testid"?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <Button
      size="compact-xs"
      variant="default"
      color={state === "failed" ? "red" : undefined}
      onClick={() => {
        copyText(value)
          .then((ok) => setState(ok ? "copied" : "failed"))
          .catch(() => setState("failed"));
      }}
      data-testid={testId}
    >
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : "Copy"}
    </Button>
  );
}
