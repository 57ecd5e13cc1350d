import { ActionIcon, Badge, Group, ScrollArea, Stack, Tabs, Text, UnstyledButton } from "@mantine/core";
import { ErrorNote, Loading } from "../components/query-state.js";
import { formatTime } from "../format.js";
import { type Template, useDeleteSaved, useHistory, useSavedQueries, useTemplates } from "./hunt-api.js";

function QueryItem(p: { title: string; query: string; meta?: string; onLoad: () => void; testId: string }) {
  return (
    <UnstyledButton
      onClick={p.onLoad}
      p={6}
      style={{ borderRadius: 4, display: "block", width: "100%", minWidth: 0 }}
      className="hunt-item"
      data-testid={p.testId}
      title="Load into the editor"
    >
      <Text size="xs" fw={600} truncate>
        {p.title}
      </Text>
      <Text size="xs" c="dimmed" ff="monospace" lineClamp={2} style={{ overflowWrap: "anywhere" }}>
        {p.query}
      </Text>
      {p.meta && (
        <Text size="xs" c="dimmed">
          {p.meta}
        </Text>
      )}
    </UnstyledButton>
  );
}

/** History, saved queries and the shipped templates: a click loads one into the editor. */
export function SidePanel(p: { onLoad: (query: string) => void; onTemplate: (template: Template) => void }) {
  const history = useHistory();
  const saved = useSavedQueries();
  const templates = useTemplates();
  const remove = useDeleteSaved();
  return (
    <Tabs defaultValue="saved" data-testid="hunt-side">
      <Tabs.List grow>
        <Tabs.Tab value="saved" data-testid="hunt-tab-saved">
          Saved
        </Tabs.Tab>
        <Tabs.Tab value="history" data-testid="hunt-tab-history">
          History
        </Tabs.Tab>
        <Tabs.Tab value="templates" data-testid="hunt-tab-templates">
          Templates
        </Tabs.Tab>
      </Tabs.List>
      <ScrollArea.Autosize mah={560} type="auto">
        <Tabs.Panel value="saved" pt="xs">
          {saved.isPending ? (
            <Loading />
          ) : saved.error ? (
            <ErrorNote error={saved.error} compact onRetry={() => void saved.refetch()} />
          ) : saved.data?.length === 0 ? (
            <Text size="xs" c="dimmed" p="xs">
              No saved queries yet: write one and press Save.
            </Text>
          ) : (
            <Stack gap={2}>
              {saved.data?.map((s) => (
                <Group
                  key={s.id}
                  gap={4}
                  wrap="nowrap"
                  align="flex-start"
                  data-testid="hunt-saved-row"
                  data-name={s.name}
                >
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <QueryItem
                      title={s.name}
                      query={s.query}
                      onLoad={() => p.onLoad(s.query)}
                      testId="hunt-saved-load"
                    />
                  </div>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="sm"
                    mt={6}
                    aria-label={`Delete ${s.name}`}
                    loading={remove.isPending && remove.variables === s.id}
                    onClick={() => remove.mutate(s.id)}
                    data-testid="hunt-saved-delete"
                  >
                    ✕
                  </ActionIcon>
                </Group>
              ))}
            </Stack>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="xs">
          {history.isPending ? (
            <Loading />
          ) : history.error ? (
            <ErrorNote error={history.error} compact onRetry={() => void history.refetch()} />
          ) : history.data?.length === 0 ? (
            <Text size="xs" c="dimmed" p="xs">
              Queries you run appear here.
            </Text>
          ) : (
            <Stack gap={2}>
              {history.data?.map((h) => (
                <Group key={h.id} gap={4} wrap="nowrap" align="flex-start">
                  <Badge size="xs" mt={8} color={h.ok ? "green" : "red"} variant="light">
                    {h.ok ? "ok" : "refused"}
                  </Badge>
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <QueryItem
                      title={formatTime(h.ran_at)}
                      query={h.query}
                      meta={
                        h.ok && h.row_count !== null
                          ? `${h.row_count} rows · ${h.elapsed_ms ?? 0} ms`
                          : undefined
                      }
                      onLoad={() => p.onLoad(h.query)}
                      testId="hunt-history-item"
                    />
                  </div>
                </Group>
              ))}
            </Stack>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="templates" pt="xs">
          {templates.isPending ? (
            <Loading />
          ) : templates.error ? (
            <ErrorNote error={templates.error} compact onRetry={() => void templates.refetch()} />
          ) : (
            <Stack gap={2}>
              {templates.data?.map((t) => (
                <QueryItem
                  key={t.id}
                  title={t.name}
                  query={t.description}
                  meta={`Last ${t.range_days} day${t.range_days === 1 ? "" : "s"}`}
                  onLoad={() => p.onTemplate(t)}
                  testId="hunt-template"
                />
              ))}
            </Stack>
          )}
        </Tabs.Panel>
      </ScrollArea.Autosize>
    </Tabs>
  );
}
