/**
 * NestJS 12 and aedes (the embedded MQTT broker) ship as ES modules only. Node runs them from our CommonJS build
 * through require(esm), but Jest's module loader cannot on Node 20, so Jest turns
 * node_modules/@nestjs and node_modules/aedes into CommonJS (test/jest/esm-to-cjs.transformer.js, cached after the
 * first run) beside our TypeScript.
 * @type {import('jest').Config}
 */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
  '/node_modules/(@nestjs|aedes)/.+\\.js$': '<rootDir>/test/jest/esm-to-cjs.transformer.js',
};
const transformIgnorePatterns = ['/node_modules/(?!(@nestjs|aedes)/)'];
/**
 * The web app's modules import each other as the browser loads them (`./format.js`); the tests
 * that read them (src/web/*.spec.ts) take the TypeScript beside that name.
 */
const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };

const project = (displayName, testMatch, extra = {}) => ({
  displayName,
  testEnvironment: 'node',
  rootDir: '.',
  testMatch,
  transform,
  transformIgnorePatterns,
  moduleNameMapper,
  ...extra,
});

module.exports = {
  // A global option (Jest ignores it inside a project): end-to-end tests start real services,
  // and `npm test` runs most of them in the idle scheduling class (scripts/e2e-runs.js), where a
  // test or a set-up waits for a core while the real-time suites beside it take both.
  testTimeout: 120000,
  projects: [
    project('unit', ['<rootDir>/src/**/*.spec.ts', '<rootDir>/scripts/**/*.spec.js']),
    project('e2e', ['<rootDir>/test/**/*.e2e-spec.ts']),
  ],
};
