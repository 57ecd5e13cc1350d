import { Badge, Button, Group, Modal, Stack, Table, Text, Textarea, Tooltip } from "@mantine/core";
import { useState } from "react";
import { errorMessage } from "../api/problem.js";
import type { PendingBan } from "../api/response-types.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { formatTime } from "../format.js";
import { IpLink } from "../threats/ip-link.js";
import { useBanActions, usePendingBans } from "./ban-queries.js";
import { CountryCell } from "./country-cell.js";

type Verdict = "approve" | "reject";

const ZONE_COLOR = { authorized: "teal", hostile: "red", neutral: "gray" } as const;

/** Bans held for a person: from an authorized country without enough reputation, or a likely false positive. */
/** Why a ban waits: an unverified sender is a log line from a source nobody registered (it may be forged). */
const PENDING_LABEL: Record<string, { label: string; color: string }> = {
  false_positive: { label: "false positive?", color: "orange" },
  country_policy: { label: "country policy", color: "yellow" },
  unverified_sender: { label: "unregistered sender", color: "red" },
};

export function PendingBans({ canAct }: { canAct: boolean }) {
  const pending = usePendingBans();
  const [reviewing, setReviewing] = useState<{ item: PendingBan; verdict: Verdict } | null>(null);
  if (pending.isPending) return <Loading />;
  if (pending.error) return <ErrorNote error={pending.error} onRetry={() => void pending.refetch()} />;
  const rows = pending.data.filter((p) => p.status === "pending");
  if (rows.length === 0) return <Empty>Nothing waiting for approval.</Empty>;
  return (
    <>
      <Table highlightOnHover striped fz="xs" verticalSpacing={4} data-testid="bans-pending-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>IP</Table.Th>
            <Table.Th>Why held</Table.Th>
            <Table.Th>Country</Table.Th>
            <Table.Th>Zone</Table.Th>
            <Table.Th ta="right">Threat score</Table.Th>
            <Table.Th ta="right">Events</Table.Th>
            <Table.Th>Rule</Table.Th>
            <Table.Th>False-positive context</Table.Th>
            <Table.Th>Since</Table.Th>
            {canAct && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((p) => (
            <Table.Tr key={p.id} data-testid="bans-pending-row" data-ip={p.ip}>
              <Table.Td ff="monospace">
                <IpLink ip={p.ip} />
              </Table.Td>
              <Table.Td>
                <Tooltip label={p.reason || p.pending_type}>
                  <Badge size="sm" variant="light" color={PENDING_LABEL[p.pending_type]?.color ?? "gray"}>
                    {PENDING_LABEL[p.pending_type]?.label ?? p.pending_type}
                  </Badge>
                </Tooltip>
              </Table.Td>
              <Table.Td>
                <CountryCell code={p.country} />
              </Table.Td>
              <Table.Td>
                <Badge size="xs" variant="outline" color={ZONE_COLOR[p.geo_zone] ?? "gray"}>
                  {p.geo_zone}
                </Badge>
              </Table.Td>
              <Table.Td ta="right" className="num" title={p.threat_sources.join(", ")}>
                {p.threat_score}
              </Table.Td>
              <Table.Td ta="right" className="num">
                {p.event_count}
              </Table.Td>
              <Table.Td ff="monospace">{p.trigger_rule}</Table.Td>
              <Table.Td>
                {p.pending_type === "false_positive" ? (
                  <Text size="xs" ff="monospace">
                    rule {p.fp_rule_id || "?"} · {p.fp_hostname || "?"}
                    {p.fp_uri}
                  </Text>
                ) : (
                  <Text c="dimmed" size="xs">
                    —
                  </Text>
                )}
              </Table.Td>
              <Table.Td className="num">{formatTime(p.created_at)}</Table.Td>
              {canAct && (
                <Table.Td ta="right">
                  <Group gap={4} wrap="nowrap" justify="flex-end">
                    <Button
                      size="compact-xs"
                      color="red"
                      onClick={() => setReviewing({ item: p, verdict: "approve" })}
                      data-testid="approve-button"
                    >
                      Approve ban
                    </Button>
                    <Button
                      size="compact-xs"
                      variant="default"
                      onClick={() => setReviewing({ item: p, verdict: "reject" })}
                      data-testid="reject-button"
                    >
                      Reject
                    </Button>
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ReviewModal review={reviewing} onClose={() => setReviewing(null)} />
    </>
  );
}

function ReviewModal({
  review,
  onClose,
}: {
  review: { item: PendingBan; verdict: Verdict } | null;
  onClose: () => void;
}) {
  const { review: mutation } = useBanActions();
  const [note, setNote] = useState("");
  const approve = review?.verdict === "approve";
  return (
    <Modal
      opened={review !== null}
      onClose={onClose}
      title={review ? `${approve ? "Approve the ban of" : "Reject the ban of"} ${review.item.ip}` : ""}
      size="sm"
    >
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {approve
            ? "The IP is banned at once on every enforcement target, at its tier."
            : "The IP is not banned; the detection stays in its history."}
        </Text>
        <Textarea
          label="Note (optional)"
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          autosize
          minRows={2}
          data-testid="review-note"
        />
        {mutation.error && (
          <Text c="red.4" size="sm">
            {errorMessage(mutation.error)}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color={approve ? "red" : "gray"}
            loading={mutation.isPending}
            onClick={() => {
              if (!review) return;
              mutation.mutate(
                { id: review.item.id, verdict: review.verdict, note: note.trim() },
                {
                  onSuccess: () => {
                    setNote("");
                    onClose();
                  },
                },
              );
            }}
            data-testid="review-confirm"
          >
            {approve ? "Approve ban" : "Reject"}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
