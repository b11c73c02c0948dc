import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.js';

export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    projects: [...projects],
    reporters: ['default'],
  },
});
