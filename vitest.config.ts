import { defineConfig } from 'vitest/config';

// Tiers follow DESIGN.md: *.unit.spec.ts (pure), *.int.spec.ts (in-process, ports 0),
// *.e2e.spec.ts (whole appliance, child processes, browser).
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['**/*.unit.spec.ts', '**/*.unit.spec.tsx'], exclude: ['node_modules/**'] } },
      { extends: true, test: { name: 'int', include: ['**/*.int.spec.ts', '**/*.int.spec.tsx'], exclude: ['node_modules/**'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'e2e', include: ['**/*.e2e.spec.ts'], exclude: ['node_modules/**'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
    ],
  },
});
