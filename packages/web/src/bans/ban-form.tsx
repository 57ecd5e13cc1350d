import { Alert, Button, Group, Paper, Select, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/problem.js";
import { DURATIONS, looksLikeIp } from "./ban-format.js";
import { useBanActions } from "./ban-queries.js";

/** "Ban an IP": manual ban; without a duration the server applies the next tier (4h → 24h → 7d → permanent). */
export function BanForm() {
  const { ban } = useBanActions();
  const [ip, setIp] = useState("");
  const [reason, setReason] = useState("");
  const [duration, setDuration] = useState<string>("");
  const ipError = ip.trim() && !looksLikeIp(ip) ? "Not an IPv4 or IPv6 address" : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input: { ip: string; reason: string; duration?: string } = {
      ip: ip.trim(),
      reason: reason.trim() || "Manual ban",
    };
    if (duration) input.duration = duration;
    ban.mutate(input, {
      onSuccess: () => {
        setIp("");
        setReason("");
      },
    });
  };

  return (
    <Paper withBorder p="xs" bg="dark.7">
      <form onSubmit={submit}>
        <Group gap="xs" align="flex-start" wrap="wrap">
          <TextInput
            size="xs"
            label="IP to ban"
            placeholder="203.0.113.9"
            value={ip}
            onChange={(e) => setIp(e.currentTarget.value)}
            error={ipError}
            w={200}
            data-testid="ban-form-ip"
          />
          <TextInput
            size="xs"
            label="Reason"
            placeholder="Why (kept in the history)"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            w={280}
            data-testid="ban-form-reason"
          />
          <Select
            size="xs"
            label="Duration"
            data={DURATIONS.map((d) => ({ value: d.value, label: d.label }))}
            value={duration}
            onChange={(v) => setDuration(v ?? "")}
            allowDeselect={false}
            w={200}
            data-testid="ban-form-duration"
          />
          <Button
            size="xs"
            color="red"
            type="submit"
            mt={22}
            loading={ban.isPending}
            disabled={!ip.trim() || ipError !== null}
            data-testid="ban-form-submit"
          >
            Ban
          </Button>
        </Group>
      </form>
      {ban.error && (
        <Alert color="red" variant="light" mt="xs" data-testid="ban-form-error">
          {errorMessage(ban.error)}
        </Alert>
      )}
    </Paper>
  );
}
