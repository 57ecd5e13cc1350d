import { Alert, Button, Group, List, Select, Text, TextInput, Tooltip } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../api/problem.js";
import { useSites } from "../api/queries.js";
import type { Ban } from "../api/response-types.js";
import { useApi, useAuth, useIsStaff } from "../auth/auth-context.js";
import { roleAtLeast } from "../auth/roles.js";
import { UnbanModal } from "../bans/active-bans.js";
import { confirmationNeeded } from "../bans/ban-enforcement.js";
import { DURATIONS } from "../bans/ban-format.js";
import { BAN_KEYS, type BanInput, useBanActions, useBanDetail } from "../bans/ban-queries.js";
import { useNow } from "../bans/use-now.js";
import { FormModal } from "../components/form-modal.js";
import { NO_SITE, onlySite } from "../components/site-options.js";
import { SiteSelect } from "../components/site-select.js";
import { WhitelistForm } from "../whitelist/whitelist-form.js";
import { tierPreview } from "./threat-format.js";
import { useThreatRefresh } from "./threat-queries.js";

/**
 * The IP's ban record (any status), or null when it was never banned; its history once there is one.
 * Read from the list (`q` matches IPs by prefix, so the exact one is picked here): GET /bans/:ip
 * answers 404 for an IP never banned, and most IPs an analyst opens never were.
 */
export function useBanRecord(ip: string) {
  const api = useApi();
  const list = useQuery({
    queryKey: [...BAN_KEYS.all, "ip-record", ip],
    queryFn: ({ signal }) => api.get<{ items: Ban[] }>("/api/v1/bans", { q: ip, limit: 100 }, signal),
    select: (data) => data.items.find((b) => b.ip === ip) ?? null,
  });
  const detail = useBanDetail(list.data ? ip : null);
  return {
    list,
    detail,
    ban: detail.data?.ban ?? list.data ?? null,
    history: detail.data?.history ?? [],
    never: list.isSuccess && list.data === null,
    loaded: list.isSuccess,
  };
}

function BanModal({
  ip,
  site,
  opened,
  onClose,
}: {
  ip: string;
  site?: string | undefined;
  opened: boolean;
  onClose: () => void;
}) {
  const { ban } = useBanActions();
  const record = useBanRecord(ip);
  const staff = useIsStaff();
  const sites = useSites();
  const now = useNow(30_000);
  const preview = tierPreview(record.ban, now);
  const [reason, setReason] = useState("");
  const [duration, setDuration] = useState("");
  const [picked, setPicked] = useState<string | null>(null);
  // Staff ban globally unless they pick a site; a client's user bans on the event's site or their only one.
  const chosenSite = picked ?? (staff ? NO_SITE : (site ?? onlySite(sites.data)));
  const risks = confirmationNeeded(ban.error);

  const close = () => {
    ban.reset();
    onClose();
  };
  const submit = () => {
    const input: BanInput = { ip, reason: reason.trim() || "Manual ban from the IP page" };
    if (duration) input.duration = duration;
    if (chosenSite && chosenSite !== NO_SITE) input.site = chosenSite;
    if (risks) input.confirm = true;
    ban.mutate(input, { onSuccess: close });
  };

  return (
    <FormModal
      opened={opened}
      title={`Ban ${ip}`}
      onClose={close}
      onSubmit={submit}
      error={risks ? null : ban.error}
      submitLabel={risks ? "Ban anyway" : "Ban"}
      submitting={ban.isPending}
      canSubmit={chosenSite !== null}
      testId="ip-ban-form"
    >
      <Text size="sm" data-testid="ip-ban-tier-preview">
        {record.loaded ? preview.text : "Reading the ban history…"}
      </Text>
      <TextInput
        label="Reason"
        placeholder="Why (kept in the history)"
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        data-testid="ip-ban-reason"
      />
      <Select
        label="Duration"
        data={DURATIONS.map((d) =>
          d.value === ""
            ? { value: "", label: `Tier default: tier ${preview.tier}, ${preview.duration}` }
            : { value: d.value, label: d.label },
        )}
        value={duration}
        onChange={(v) => setDuration(v ?? "")}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
        data-testid="ip-ban-duration"
      />
      <SiteSelect
        label="Site"
        none={staff ? "Global (every site)" : undefined}
        required={!staff}
        value={chosenSite}
        onChange={setPicked}
        testId="ip-ban-site"
      />
      {risks && (
        <Alert color="yellow" variant="light" title={`Ban ${ip}?`} data-testid="ip-ban-confirm">
          <List size="sm" spacing={2}>
            {risks.map((r) => (
              <List.Item key={r.detail}>{r.detail}</List.Item>
            ))}
          </List>
          <Text size="sm" mt={6}>
            Banning it may cut off your own network or a log sender rather than an attacker.
          </Text>
        </Alert>
      )}
    </FormModal>
  );
}

/**
 * What an analyst does with an IP — Ban (with the tier it would get), Unban, Whitelist, Look up
 * again — wherever the IP is shown: its page, the event drawer, an alert. Audit sees the buttons
 * disabled with the reason; whitelisting is the operator's (staff), as on the Whitelist page.
 */
export function IpActions({ ip, site, size = "xs" }: { ip: string; site?: string; size?: "xs" | "sm" }) {
  const { user } = useAuth();
  const staff = useIsStaff();
  const analyst = roleAtLeast(user?.role, "analyst");
  const record = useBanRecord(ip);
  const now = useNow(30_000);
  const bannedNow = tierPreview(record.ban, now).banned;
  const refresh = useThreatRefresh();
  const [open, setOpen] = useState<"ban" | "unban" | "whitelist" | null>(null);
  const why = analyst ? undefined : "Needs the analyst role";

  const button = (
    label: string,
    testId: string,
    onClick: () => void,
    extra: { color?: string; disabled?: boolean; loading?: boolean } = {},
  ) => (
    <Tooltip label={why} disabled={!why}>
      <Button
        size={size}
        variant={extra.color ? "filled" : "default"}
        color={extra.color}
        disabled={!analyst || extra.disabled}
        loading={extra.loading}
        onClick={onClick}
        data-testid={testId}
      >
        {label}
      </Button>
    </Tooltip>
  );

  return (
    <>
      <Group gap="xs" wrap="wrap" data-testid="ip-actions" data-ip={ip}>
        {bannedNow
          ? button("Unban", "ip-action-unban", () => setOpen("unban"), { color: "teal" })
          : button("Ban", "ip-action-ban", () => setOpen("ban"), { color: "red" })}
        {staff && button("Whitelist", "ip-action-whitelist", () => setOpen("whitelist"))}
        {button("Look up again", "ip-action-lookup", () => refresh.mutate(ip), {
          loading: refresh.isPending,
        })}
      </Group>
      {refresh.error && (
        <Text size="xs" c="red.4" data-testid="ip-action-lookup-error">
          {errorMessage(refresh.error)}
        </Text>
      )}
      {analyst && (
        <>
          <BanModal ip={ip} site={site} opened={open === "ban"} onClose={() => setOpen(null)} />
          <UnbanModal ban={open === "unban" ? record.ban : null} onClose={() => setOpen(null)} />
          {staff && (
            <WhitelistForm opened={open === "whitelist"} onClose={() => setOpen(null)} initialIp={ip} />
          )}
        </>
      )}
    </>
  );
}
