/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// In development the ASP.NET host runs beside Vite; everything under /api goes to it,
// so cookies and the antiforgery token stay same-origin as in production.
const server = process.env.KATASERVER_URL ?? "http://127.0.0.1:5917";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { "/api": { target: server, changeOrigin: false } },
  },
  preview: {
    proxy: { "/api": { target: server, changeOrigin: false } },
  },
  build: {
    outDir: "dist",
    // Monaco is one large chunk by nature; it is loaded only on the kata page.
    chunkSizeWarningLimit: 4096,
  },
  worker: { format: "es" },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
