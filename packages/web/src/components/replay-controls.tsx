import { Button, Group, Select } from "@mantine/core";
import { useState } from "react";
import { REPLAY_RANGES } from "./replay-chart.js";

/**
 * "Replay over the last N hours" for a scenario backtest or an alert rule test: a range picker and
 * the button; `onRun` gets the [from, to) range as ISO times, ending now.
 */
export function ReplayControls(p: {
  label: string;
  button: string;
  testId: string;
  pending: boolean;
  onRun: (from: string, to: string) => void;
}) {
  const [range, setRange] = useState("86400000");
  const run = () => {
    const to = Date.now();
    p.onRun(new Date(to - Number(range)).toISOString(), new Date(to).toISOString());
  };
  return (
    <Group gap="xs" align="flex-end">
      <Select
        size="xs"
        label={p.label}
        data={REPLAY_RANGES}
        value={range}
        onChange={(v) => v && setRange(v)}
        allowDeselect={false}
        w={160}
      />
      <Button size="xs" variant="light" onClick={run} loading={p.pending} data-testid={p.testId}>
        {p.button}
      </Button>
    </Group>
  );
}
