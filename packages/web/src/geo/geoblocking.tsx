import { Alert, Badge, Button, Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../api/problem.js";
import type { GeoBlockRule } from "../api/response-types.js";
import { useApi } from "../auth/auth-context.js";
import { CountryCell } from "../bans/country-cell.js";
import { Empty, ErrorNote, Loading } from "../components/query-state.js";
import { countryOptions } from "./countries.js";

/** Country rules: `block` bans a country's sources at their first offence, `allow` never bans them automatically. */
export function GeoBlocking({ canEdit }: { canEdit: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const rules = useQuery({
    queryKey: ["geoblocking"],
    queryFn: ({ signal }) => api.get<{ items: GeoBlockRule[] }>("/api/v1/geoblocking", undefined, signal),
    select: (d) => d.items,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["geoblocking"] });
  const add = useMutation({
    mutationFn: (body: Omit<GeoBlockRule, "id">) => api.post("/api/v1/geoblocking", body),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/geoblocking/${encodeURIComponent(id)}`),
    onSuccess: refresh,
  });
  const [country, setCountry] = useState<string | null>(null);
  const [action, setAction] = useState<"block" | "allow">("block");
  const [reason, setReason] = useState("");

  return (
    <Stack gap="xs">
      {canEdit && (
        <Group gap="xs" align="flex-end">
          <Select
            size="xs"
            label="Country"
            data={countryOptions()}
            value={country}
            onChange={setCountry}
            searchable
            w={260}
          />
          <Select
            size="xs"
            label="Action"
            data={["block", "allow"]}
            value={action}
            onChange={(v) => v && setAction(v as "block" | "allow")}
            allowDeselect={false}
            w={100}
          />
          <TextInput
            size="xs"
            label="Reason"
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            w={260}
          />
          <Button
            size="xs"
            disabled={!country}
            loading={add.isPending}
            onClick={() => {
              if (country)
                add.mutate({ country, action, reason: reason.trim() }, { onSuccess: () => setReason("") });
            }}
          >
            Add rule
          </Button>
        </Group>
      )}
      {(add.error || remove.error) && (
        <Alert color="red" variant="light">
          {errorMessage(add.error ?? remove.error)}
        </Alert>
      )}
      {rules.isPending ? (
        <Loading h={60} />
      ) : rules.error ? (
        <ErrorNote error={rules.error} onRetry={() => void rules.refetch()} />
      ) : rules.data.length === 0 ? (
        <Empty h={60}>No country rules.</Empty>
      ) : (
        <Table striped fz="xs" verticalSpacing={4} data-testid="geoblocking-table">
          <Table.Tbody>
            {rules.data.map((r) => (
              <Table.Tr key={r.id}>
                <Table.Td w={120}>
                  <CountryCell code={r.country} />
                </Table.Td>
                <Table.Td w={90}>
                  <Badge size="sm" color={r.action === "block" ? "red" : "teal"} variant="light">
                    {r.action}
                  </Badge>
                </Table.Td>
                <Table.Td>{r.reason || <Text c="dimmed">—</Text>}</Table.Td>
                {canEdit && (
                  <Table.Td ta="right">
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      onClick={() => remove.mutate(r.id)}
                    >
                      Delete
                    </Button>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
