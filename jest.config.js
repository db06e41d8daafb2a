/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }
    ]
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup-nock.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  // `npm run test:coverage`: src/ as the unit tests reach it (the end-to-end tests run the bundle
  // in child processes, which is not counted: the entries main.ts, post.ts, follow.ts show 0%).
  // Measured on 2026-11-26 (after this round's features): 83.2% statements, 79.8% branches,
  // 84.9% functions, 83.5% lines.
  // The floor sits a little under that; raise it when the figure rises.
  collectCoverageFrom: ['src/**/*.ts'],
  coverageReporters: ['text-summary', 'text', 'lcov'],
  coverageThreshold: { global: { statements: 81, branches: 77, functions: 82, lines: 81 } }
}
