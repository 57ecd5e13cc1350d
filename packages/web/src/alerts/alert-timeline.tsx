import { Button, Group, Stack, Text, Textarea, Timeline } from "@mantine/core";
import { useState } from "react";
import { errorMessage } from "../api/problem.js";
import { formatTime } from "../format.js";
import { actionColor, describeAction } from "./alert-format.js";
import { useAlertCommands } from "./alert-queries.js";
import type { AlertAction } from "./alert-types.js";

/** What happened to the alert, oldest first: who did what, when ("system" is Vigil itself). */
export function AlertTimeline({ history }: { history: AlertAction[] }) {
  if (history.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="alert-history">
        No history yet.
      </Text>
    );
  return (
    <Timeline bulletSize={12} lineWidth={2} data-testid="alert-history">
      {history.map((a) => (
        <Timeline.Item
          key={a.id}
          color={actionColor(a.action)}
          data-testid="alert-history-item"
          data-action={a.action}
          title={
            <Group gap={6} wrap="nowrap">
              <Text size="sm" fw={600}>
                {a.actor}
              </Text>
              <Text size="xs" c="dimmed" className="num">
                {formatTime(a.at)}
              </Text>
            </Group>
          }
        >
          <Text
            size="sm"
            c={a.action === "notify_failed" ? "orange.4" : undefined}
            style={a.action === "comment" ? { whiteSpace: "pre-wrap" } : undefined}
          >
            {describeAction(a)}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

export function CommentBox({ alertId }: { alertId: string }) {
  const { comment } = useAlertCommands(alertId);
  const [text, setText] = useState("");
  const submit = () => {
    const value = text.trim();
    if (!value) return;
    comment.mutate(value, { onSuccess: () => setText("") });
  };
  return (
    <Stack gap={4}>
      <Textarea
        placeholder="Add a comment (Ctrl+Enter to post)"
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit();
        }}
        autosize
        minRows={2}
        maxRows={8}
        data-testid="alert-comment-input"
      />
      <Group justify="space-between">
        <Text size="xs" c="red.4">
          {comment.error ? errorMessage(comment.error) : ""}
        </Text>
        <Button
          size="xs"
          variant="light"
          onClick={submit}
          disabled={!text.trim()}
          loading={comment.isPending}
          data-testid="alert-comment-submit"
        >
          Comment
        </Button>
      </Group>
    </Stack>
  );
}
