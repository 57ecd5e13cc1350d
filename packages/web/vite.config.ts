import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API server the dev server forwards to (`npm run dev` at the repo root starts it on 8080).
const api = "http://localhost:8080";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      "/api/v1/ws": { target: api, ws: true, changeOrigin: true },
      "/api": { target: api, changeOrigin: true },
      "/health": { target: api, changeOrigin: true },
      "/metrics": { target: api, changeOrigin: true },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // ECharts (with zrender) is most of the weight; it loads lazily in its own chunk, and the world
    // outline in another, so the sign-in page and the table-only pages stay light.
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: "echarts", test: /node_modules[\\/](echarts|zrender)[\\/]/ },
            { name: "world-map", test: /node_modules[\\/](world-atlas|topojson-client)[\\/]/ },
            { name: "mantine", test: /node_modules[\\/]@mantine[\\/]/ },
            {
              name: "react",
              test: /node_modules[\\/](react|react-dom|react-router|scheduler|@tanstack)[\\/]/,
            },
          ],
        },
      },
    },
  },
});
