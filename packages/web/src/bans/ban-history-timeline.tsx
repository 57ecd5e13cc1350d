import { Badge, Group, Text, Timeline } from "@mantine/core";
import type { BanAction, BanHistoryEntry } from "../api/response-types.js";
import { formatTime } from "../format.js";
import { formatSpan } from "./ban-format.js";

const ACTION_COLOR: Record<BanAction, string> = {
  ban: "red",
  escalate: "orange",
  approve: "red",
  pending: "yellow",
  unban: "teal",
  expire: "gray",
  reject: "gray",
};

/** A threat score with the providers or feeds that voted for it ("87 (otx, abuseipdb)"). */
export function threatText(score: number, sources: readonly string[]): string {
  return sources.length > 0 ? `${score} (${sources.join(", ")})` : String(score);
}

/**
 * Every transition of one IP's ban, newest first: what, when, tier and duration, who, why, and the
 * threat score that counted. Shown in the ban drawer and on the IP page.
 */
export function BanHistoryTimeline({
  history,
  testId,
}: {
  history: readonly BanHistoryEntry[];
  testId: string;
}) {
  const newestFirst = [...history].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <Timeline bulletSize={14} lineWidth={2} data-testid={testId}>
      {newestFirst.map((h) => (
        <Timeline.Item
          key={h.id}
          color={ACTION_COLOR[h.action] ?? "gray"}
          title={
            <Group gap="xs">
              <Badge size="xs" color={ACTION_COLOR[h.action] ?? "gray"}>
                {h.action}
              </Badge>
              <Text size="xs" className="num">
                {formatTime(h.at)}
              </Text>
            </Group>
          }
        >
          <Text size="xs">
            tier {h.tier}
            {h.duration_ms !== null ? ` · ${formatSpan(h.duration_ms)}` : ""} · {h.actor} ({h.source})
            {h.threat_score !== null && h.threat_sources.length > 0
              ? ` · threat score ${threatText(h.threat_score, h.threat_sources)}`
              : ""}
          </Text>
          {h.reason && (
            <Text size="xs" c="dimmed" style={{ wordBreak: "break-word" }}>
              {h.reason}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
