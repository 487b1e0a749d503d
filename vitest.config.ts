import { defineConfig } from 'vitest/config';

// Temporal's native bridge cannot run inside worker threads, so every project uses forks.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'unit',
          pool: 'forks',
          include: ['packages/*/src/**/*.test.ts'],
          exclude: ['packages/*/src/**/*.integration.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          pool: 'forks',
          include: ['packages/*/src/**/*.integration.test.ts'],
          globalSetup: ['packages/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
