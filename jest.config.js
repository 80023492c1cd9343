/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Tests run as CommonJS compiled by swc. middy 7 ships ESM only, so swc compiles it too and
  // the mapper points at its ESM entry (its package exports have no "require" condition).
  // d3-scale and d3-shape (the report's charts) and their d3 dependencies are ESM only as well;
  // their exports' "default" condition already names the ESM file, so only swc is needed.
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(?:@middy|d3-[a-z-]+|internmap)/)'],
  moduleNameMapper: { '^@middy/(core|util)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 30000,
};
