import { Badge, Button, Group, Modal, NumberInput, Stack, Table, Text } from "@mantine/core";
import { useState } from "react";
import type { Ban } from "../api/response-types.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { sitesLabel } from "../components/site-options.js";
import { formatTime } from "../format.js";
import { IpLink } from "../threats/ip-link.js";
import { formatRemaining, STATUS_COLOR, tierLabel } from "./ban-format.js";
import { BAN_PAGE, useBanActions, useBans } from "./ban-queries.js";
import { CountryCell } from "./country-cell.js";
import { useNow } from "./use-now.js";

function StatusBadge({ ban }: { ban: Ban }) {
  return (
    <Badge size="sm" variant="light" color={STATUS_COLOR[ban.status] ?? "gray"}>
      {ban.status.replace("_", " ")}
    </Badge>
  );
}

/** Active and permanent bans, with a live countdown; a row opens the detail drawer. */
export function ActiveBans({
  q,
  site = "",
  canAct,
  onOpen,
}: {
  q: string;
  /** Only this site's bans (empty: every visible site). */
  site?: string;
  canAct: boolean;
  onOpen: (ip: string) => void;
}) {
  const bans = useBans("active,permanent", q, site);
  const now = useNow();
  const [unbanning, setUnbanning] = useState<Ban | null>(null);
  if (bans.isPending) return <Loading />;
  if (bans.error) return <ErrorNote error={bans.error} onRetry={() => void bans.refetch()} />;
  const rows = bans.data.items;
  const more = bans.data.next_cursor !== null;
  if (rows.length === 0)
    return (
      <Empty>
        {q
          ? `No active ban matches “${q}”.`
          : "No active bans. Attackers that trip a scenario appear here at once."}
      </Empty>
    );
  return (
    <>
      <Table highlightOnHover striped fz="xs" verticalSpacing={4} data-testid="bans-active-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>IP</Table.Th>
            <Table.Th>Country</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Tier</Table.Th>
            <Table.Th ta="right">Bans</Table.Th>
            <Table.Th>Expires in</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th>Rule</Table.Th>
            <Table.Th>Sites</Table.Th>
            {canAct && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((b) => (
            <Table.Tr
              key={b.ip}
              data-testid="bans-active-row"
              data-ip={b.ip}
              style={{ cursor: "pointer" }}
              onClick={() => onOpen(b.ip)}
            >
              <Table.Td ff="monospace">
                <IpLink ip={b.ip} />
              </Table.Td>
              <Table.Td>
                <CountryCell code={b.country} />
              </Table.Td>
              <Table.Td>
                <StatusBadge ban={b} />
              </Table.Td>
              <Table.Td>
                {b.current_tier}{" "}
                <Text span c="dimmed" size="xs">
                  ({tierLabel(b.current_tier)})
                </Text>
              </Table.Td>
              <Table.Td ta="right" className="num">
                {b.ban_count}
              </Table.Td>
              <Table.Td className="num" title={b.expires_at ? formatTime(b.expires_at) : "permanent"}>
                {formatRemaining(b.expires_at, now)}
              </Table.Td>
              <Table.Td
                maw={260}
                style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}
              >
                {b.reason}
              </Table.Td>
              <Table.Td ff="monospace">{b.trigger_rule || "—"}</Table.Td>
              <Table.Td data-testid="ban-sites">{sitesLabel(b.sites, "Global")}</Table.Td>
              {canAct && (
                <Table.Td ta="right">
                  <Button
                    size="compact-xs"
                    variant="light"
                    color="gray"
                    onClick={(e) => {
                      e.stopPropagation();
                      setUnbanning(b);
                    }}
                    data-testid="unban-button"
                  >
                    Unban
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {more && <MoreNote />}
      <UnbanModal ban={unbanning} onClose={() => setUnbanning(null)} />
    </>
  );
}

/** Unban with optional immunity: the IP cannot be banned again automatically for that many hours. */
export function UnbanModal({ ban, onClose }: { ban: Ban | null; onClose: () => void }) {
  const { unban } = useBanActions();
  const [hours, setHours] = useState<number | string>("");
  return (
    <Modal opened={ban !== null} onClose={onClose} title={`Unban ${ban?.ip ?? ""}`} size="sm">
      <Stack gap="sm">
        <NumberInput
          label="Immunity (hours, optional)"
          description="Detection will not ban this IP again until then; a manual ban still can."
          min={0}
          max={8760}
          value={hours}
          onChange={setHours}
          data-testid="unban-immunity"
        />
        {unban.error && (
          <Text c="red.4" size="sm">
            {unban.error.message}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            loading={unban.isPending}
            onClick={() => {
              if (!ban) return;
              const n = typeof hours === "number" && hours > 0 ? hours : null;
              unban.mutate({ ip: ban.ip, immunityHours: n }, { onSuccess: onClose });
            }}
            data-testid="unban-confirm"
          >
            Unban
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Shown under a table cut at BAN_PAGE rows. */
export function MoreNote() {
  return (
    <Text size="xs" c="dimmed" mt={4}>
      Showing the {BAN_PAGE} most recent; search by IP or reason to find others.
    </Text>
  );
}

export { StatusBadge };
