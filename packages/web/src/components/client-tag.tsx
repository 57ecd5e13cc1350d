import { Badge } from "@mantine/core";

/**
 * Whose a rule or channel is: a client's name, or nothing for the operator's own. Client users only
 * ever see their own client's, so the tag matters to operator staff telling clients apart.
 */
export function ClientTag({ client }: { client?: string | null | undefined }) {
  if (!client) return null;
  return (
    <Badge size="xs" variant="light" color="grape" data-testid="client-tag">
      {client}
    </Badge>
  );
}
