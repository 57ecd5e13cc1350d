import { createTheme, type MantineColorsTuple } from "@mantine/core";

// A darker, bluer "dark" than Mantine's default: more contrast for text on a wall screen across a room.
const dark: MantineColorsTuple = [
  "#e9ecf2",
  "#c1c7d4",
  "#98a1b3",
  "#6b7489",
  "#3b4356",
  "#2a3142",
  "#1c2230",
  "#141925",
  "#0f131c",
  "#0b0e14",
];

export const theme = createTheme({
  primaryColor: "blue",
  colors: { dark },
  fontFamily: "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  fontFamilyMonospace: "'JetBrains Mono', ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace",
  defaultRadius: "sm",
  fontSizes: { xs: "12px", sm: "13px", md: "14px", lg: "16px", xl: "20px" },
  components: {
    Table: { defaultProps: { verticalSpacing: 4, horizontalSpacing: 8, fz: "sm" } },
    Card: { defaultProps: { withBorder: true, padding: "sm", bg: "dark.7" } },
  },
});
