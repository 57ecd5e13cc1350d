import { Textarea } from "@mantine/core";

/** The free-text description of a client or a site (sent as null when left empty). */
export function DescriptionField(p: { value: string; onChange: (value: string) => void; testId: string }) {
  return (
    <Textarea
      label="Description"
      autosize
      minRows={2}
      maxLength={500}
      value={p.value}
      onChange={(e) => p.onChange(e.currentTarget.value)}
      data-testid={p.testId}
    />
  );
}
