import { Autocomplete, Badge, Button, Group, SegmentedControl, Stack, Text } from "@mantine/core";
import { type InfiniteData, useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useUsernames } from "../alerts/alert-queries.js";
import { errorMessage } from "../api/problem.js";
import type { ApiEvent, EventDetail } from "../api/types.js";
import { useApi, useAuth } from "../auth/auth-context.js";
import { roleAtLeast } from "../auth/roles.js";
import { TRIAGE_COLOR, TRIAGE_STATUSES, type Triage, triageOf, withTriage } from "./triage.js";

/** A small badge for the explorer's Triage column; nothing for an untriaged event. */
export function TriageBadge({ event }: { event: ApiEvent }) {
  const triage = triageOf(event);
  if (!triage) return null;
  return (
    <Badge
      size="xs"
      variant="light"
      color={TRIAGE_COLOR[triage.status]}
      title={triage.assigned_to ? `assigned to ${triage.assigned_to}` : undefined}
      data-testid="event-triage"
      data-status={triage.status}
    >
      {triage.status}
      {triage.assigned_to ? ` · ${triage.assigned_to}` : ""}
    </Badge>
  );
}

type Page = { items: ApiEvent[] };

function useTriage(eventId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<Triage>) =>
      api.request<Triage & { event_id: string }>(
        "PATCH",
        `/api/v1/events/${encodeURIComponent(eventId)}/status`,
        {
          body,
        },
      ),
    onSuccess: (saved) => {
      const triage: Triage = { status: saved.status, assigned_to: saved.assigned_to };
      // Patch the open drawer and the explorer's pages in place: refetching every page would lose the scroll.
      queryClient.setQueryData<EventDetail>(["events", "detail", eventId], (old) =>
        old ? { ...old, event: withTriage(old.event, eventId, triage) } : old,
      );
      queryClient.setQueriesData<InfiniteData<Page>>({ queryKey: ["events", "list"] }, (old) =>
        old
          ? {
              ...old,
              pages: old.pages.map((p) => ({
                ...p,
                items: p.items.map((e) => withTriage(e, eventId, triage)),
              })),
            }
          : old,
      );
    },
  });
}

/** Status and assignee of an event, in the drawer. The audit role sees them without controls. */
export function TriageControls({ event }: { event: ApiEvent }) {
  const { user } = useAuth();
  const canAct = roleAtLeast(user?.role, "analyst");
  const triage = triageOf(event);
  const mutation = useTriage(event.event_id);
  const users = useUsernames();
  const [assignee, setAssignee] = useState(triage?.assigned_to ?? "");
  useEffect(() => setAssignee(triage?.assigned_to ?? ""), [triage?.assigned_to]);
  const current = triage?.status ?? "new";

  return (
    <Stack gap={4} data-testid="event-triage-controls">
      <Text size="xs" tt="uppercase" c="dimmed" fw={700}>
        Triage
      </Text>
      <Group gap="sm" align="flex-end">
        <SegmentedControl
          size="xs"
          data={TRIAGE_STATUSES.map((s) => ({ value: s, label: s }))}
          value={current}
          onChange={(v) => mutation.mutate({ status: v as Triage["status"] })}
          disabled={!canAct || mutation.isPending}
          data-testid="event-triage-status"
        />
        {canAct ? (
          <Group gap={4} align="flex-end">
            <Autocomplete
              size="xs"
              placeholder="assign to (username)"
              data={users.data ?? []}
              value={assignee}
              onChange={setAssignee}
              w={180}
              data-testid="event-triage-assignee"
            />
            <Button
              size="xs"
              variant="default"
              disabled={assignee.trim() === (triage?.assigned_to ?? "")}
              loading={mutation.isPending}
              onClick={() => mutation.mutate({ assigned_to: assignee.trim() || null })}
              data-testid="event-triage-assign"
            >
              {!assignee.trim() && triage?.assigned_to ? "Unassign" : "Assign"}
            </Button>
            {user && assignee.trim() !== user.username && (
              <Button
                size="xs"
                variant="subtle"
                onClick={() => mutation.mutate({ assigned_to: user.username })}
                data-testid="event-triage-assign-me"
              >
                Take it
              </Button>
            )}
          </Group>
        ) : (
          <Text size="sm">{triage?.assigned_to ? `assigned to ${triage.assigned_to}` : "unassigned"}</Text>
        )}
      </Group>
      {mutation.error && (
        <Text size="xs" c="red.4">
          {errorMessage(mutation.error)}
        </Text>
      )}
    </Stack>
  );
}
