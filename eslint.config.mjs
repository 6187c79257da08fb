import { defineConfig, globalIgnores } from "eslint/config";
import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// The engine layers (DESIGN.md) run inside Next.js route handlers, Inngest functions, the CLI and tests
// alike, so they must not depend on any one of those hosts.
const hostFrameworks = {
  group: ["next", "next/*", "@trpc/*", "inngest", "inngest/*"],
  message: "Engine code is framework-free: keep Next.js, tRPC and Inngest in app/, server/api/ and server/jobs/.",
};
const database = {
  regex: "^(~/server/db|(\\.\\./)+db)(/|$)",
  message: "Connectors talk to external systems only; the sync engine passes them what they need from the database.",
};
// Services hand runs to the job runners through dispatch-run only; the runners call services, never the reverse.
const jobsBeyondDispatch = {
  regex: "^(~/server/jobs|(\\.\\./)+jobs)/(?!dispatch-run$)",
  message: "Services reach server/jobs only through ~/server/jobs/dispatch-run (dispatchRun, dispatchRunCancel).",
};
const engineAndServices = {
  regex: "^(~/server/(sync|services)|(\\.\\./)+(sync|services))(/|$)",
  message: "Connectors sit below the engine and services: the sync engine drives them through the contract in types.ts.",
};
// Importing the registry loads every connector module, so drivers and SDKs are loaded on first use (a
// cached dynamic import()) and a process carries only the ones it runs. pg is not listed: Prisma's adapter loads it.
const eagerDrivers = {
  regex: "^((@duckdb|@google-cloud|@googleapis)/|(google-auth-library|libpg-query|mysql2|node-sql-parser|snowflake-sdk)(/|$))",
  allowTypeImports: true,
  message: "Load drivers on first use with a cached dynamic import(): a static import makes every process that imports the registry pay for it.",
};
const upperLayers = {
  regex: "^(~/server/(services|api)|(\\.\\./)+(services|api))(/|$)",
  message: "The sync engine sits below services and the API: have the caller pass the data or a callback in.",
};

const config = defineConfig([
  globalIgnores([
    ".next/",
    "node_modules/",
    "server/db/generated/",
    ".data/",
    ".test-data/",
    "test-results/",
    "playwright-report/",
    "next-env.d.ts",
  ]),
  ...nextCoreWebVitals,
  ...nextTypescript,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-unused-expressions": "error",
    },
  },
  {
    files: ["server/services/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [hostFrameworks, jobsBeyondDispatch] }] },
  },
  {
    files: ["server/connectors/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [hostFrameworks, database, engineAndServices] }] },
  },
  {
    files: ["server/connectors/**"],
    ignores: ["**/*.test.ts", "server/connectors/testing/**"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [eagerDrivers] }] },
  },
  {
    // Components run in the browser bundle: server code reaches them through tRPC, types only.
    files: ["components/**"],
    ignores: ["**/*.test.ts", "**/*.test.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              // server/api/same-origin.ts is pure and names the header the browser client must send.
              regex: "^(~/server|(\\.\\./)+server)(?!/api/same-origin$)(/|$)",
              allowTypeImports: true,
              message: "Components may only `import type` from server/: values come through tRPC.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["server/sync/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [hostFrameworks, upperLayers] }] },
  },
]);

export default config;
