import { defineConfig } from 'vitest/config';

const integration = {
  pool: 'forks' as const,
  globalSetup: ['packages/testing/src/global-setup.ts'],
};

// Temporal's native bridge cannot run inside worker threads, so every project uses forks.
// `npm test` runs unit and integration; the long fault drills run with `npm run test:faults`.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          pool: 'forks',
          include: ['packages/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['packages/*/src/**/*.integration.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          ...integration,
          include: ['packages/*/src/**/*.integration.test.ts'],
          exclude: ['packages/*/src/**/*.drill.integration.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'faults',
          ...integration,
          include: ['packages/*/src/**/*.drill.integration.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
