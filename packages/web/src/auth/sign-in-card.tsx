import { Box, Center, Group, Paper, Stack, Text, Title } from "@mantine/core";
import type { FormEvent, ReactNode } from "react";
import { Logo } from "../components/logo.js";

/** The frame of every sign-in step (password, then a code): a centred card with the logo and a subtitle. */
export function SignInCard({
  subtitle,
  onSubmit,
  children,
  after,
}: {
  subtitle: string;
  onSubmit: (e: FormEvent) => void;
  children: ReactNode;
  /** Below the form, inside the card (e.g. the single sign-on button). */
  after?: ReactNode;
}) {
  return (
    <Center mih="100vh" bg="dark.9">
      <Paper w={360} p="xl" withBorder bg="dark.7">
        <form onSubmit={onSubmit}>
          <Stack gap="md">
            <Group gap="sm">
              <Logo size={32} />
              <Box>
                <Title order={3}>Vigil</Title>
                <Text size="xs" c="dimmed">
                  {subtitle}
                </Text>
              </Box>
            </Group>
            {children}
          </Stack>
        </form>
        {after}
      </Paper>
    </Center>
  );
}
