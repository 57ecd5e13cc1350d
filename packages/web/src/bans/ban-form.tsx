import { Alert, Button, Group, List, Paper, Select, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { errorMessage } from "../api/problem.js";
import { useSites } from "../api/queries.js";
import { useIsStaff } from "../auth/auth-context.js";
import { NO_SITE, onlySite } from "../components/site-options.js";
import { SiteSelect } from "../components/site-select.js";
import { confirmationNeeded } from "./ban-enforcement.js";
import { DURATIONS, looksLikeIp } from "./ban-format.js";
import { type BanInput, useBanActions } from "./ban-queries.js";

/**
 * "Ban an IP": manual ban; without a duration the server applies the next tier (4h → 24h → 7d →
 * permanent). A private, log-source or whitelisted address comes back as a question (409 with
 * confirm_required): the form shows why and offers "Ban anyway", which resends with confirm.
 * Operator staff may leave the site out (a global ban, on every site's firewalls); a client's user
 * bans on one of their sites, their only one unless they pick another.
 */
export function BanForm() {
  const { ban } = useBanActions();
  const staff = useIsStaff();
  const sites = useSites();
  const [ip, setIp] = useState("");
  const [reason, setReason] = useState("");
  const [duration, setDuration] = useState<string>("");
  const [picked, setPicked] = useState<string | null>(null);
  const site = picked ?? (staff ? NO_SITE : onlySite(sites.data));
  const [asked, setAsked] = useState<BanInput | null>(null);
  const ipError = ip.trim() && !looksLikeIp(ip) ? "Not an IPv4 or IPv6 address" : null;
  const risks = confirmationNeeded(ban.error);

  const send = (input: BanInput) => {
    setAsked(input);
    ban.mutate(input, {
      onSuccess: () => {
        setIp("");
        setReason("");
        setAsked(null);
      },
    });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input: BanInput = { ip: ip.trim(), reason: reason.trim() || "Manual ban" };
    if (duration) input.duration = duration;
    if (site && site !== NO_SITE) input.site = site;
    send(input);
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
          <SiteSelect
            size="xs"
            w={200}
            label="Site"
            none={staff ? "Global (every site)" : undefined}
            required={!staff}
            value={site}
            onChange={setPicked}
            testId="ban-form-site"
          />
          <Button
            size="xs"
            color="red"
            type="submit"
            mt={22}
            loading={ban.isPending}
            disabled={!ip.trim() || ipError !== null || site === null}
            data-testid="ban-form-submit"
          >
            Ban
          </Button>
        </Group>
      </form>
      {risks && asked ? (
        <Alert
          color="yellow"
          variant="light"
          mt="xs"
          title={`Ban ${asked.ip}?`}
          data-testid="ban-form-confirm"
        >
          <List size="sm" spacing={2}>
            {risks.map((r) => (
              <List.Item key={r.detail}>{r.detail}</List.Item>
            ))}
          </List>
          <Text size="sm" mt={6}>
            Banning it may cut off your own network or a log sender rather than an attacker.
          </Text>
          <Group gap="xs" mt="xs">
            <Button
              size="xs"
              color="red"
              loading={ban.isPending}
              onClick={() => send({ ...asked, confirm: true })}
              data-testid="ban-form-confirm-yes"
            >
              Ban anyway
            </Button>
            <Button size="xs" variant="default" onClick={() => ban.reset()} data-testid="ban-form-confirm-no">
              Cancel
            </Button>
          </Group>
        </Alert>
      ) : (
        ban.error && (
          <Alert color="red" variant="light" mt="xs" data-testid="ban-form-error">
            {errorMessage(ban.error)}
          </Alert>
        )
      )}
    </Paper>
  );
}
