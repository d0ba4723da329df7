// Two suites in one run: LWC components (sfdx-lwc-jest preset, jsdom) and the TypeScript
// scripts (node). The broken fixture project under scripts/gate/__fixtures__ is only ever
// run by the gate's own tests, in a child process.
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

const scriptsTransform = [
  'babel-jest',
  {
    babelrc: false,
    configFile: false,
    presets: [['@babel/preset-typescript', { allowDeclareFields: true }]],
    plugins: ['@babel/plugin-transform-modules-commonjs']
  }
];

module.exports = {
  coverageDirectory: 'coverage',
  coverageReporters: ['text-summary', 'lcov'],
  projects: [
    {
      ...jestConfig,
      displayName: 'lwc',
      rootDir: __dirname,
      roots: ['<rootDir>/force-app'],
      moduleFileExtensions: ['ts', 'js', 'html', 'json'],
      testMatch: ['**/lwc/**/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/__fixtures__/'],
      collectCoverageFrom: ['force-app/**/lwc/**/*.ts', '!**/__tests__/**', '!**/*.d.ts']
    },
    {
      displayName: 'scripts',
      rootDir: __dirname,
      testEnvironment: 'node',
      roots: ['<rootDir>/scripts'],
      moduleFileExtensions: ['ts', 'js', 'json'],
      testMatch: ['**/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/__fixtures__/'],
      transform: { '\\.ts$': scriptsTransform },
      setupFiles: ['<rootDir>/scripts/testing/jest-sf-home.ts'],
      collectCoverageFrom: ['scripts/**/*.ts', '!**/__tests__/**', '!**/__fixtures__/**']
    },
    {
      // The offline Apex runtime's own tests (tools/apex-runtime); its fixtures are run by them.
      displayName: 'apex-runtime',
      rootDir: __dirname,
      testEnvironment: 'node',
      testEnvironmentOptions: { customExportConditions: ['node', 'require'] },
      roots: ['<rootDir>/tools/apex-runtime'],
      moduleFileExtensions: ['ts', 'js', 'json'],
      testMatch: ['**/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/__fixtures__/'],
      transform: { '\\.ts$': scriptsTransform },
      collectCoverageFrom: []
    },
    {
      // The call timeline in Debian's Chromium (rollup bundle, loopback server, playwright-core);
      // writes screenshots to build/screenshots. See docs/timeline.md. And the local org end to
      // end (npm start in a temporary state dir), docs/local-org.md.
      displayName: 'browser',
      rootDir: __dirname,
      testEnvironment: 'node',
      roots: ['<rootDir>/scripts/lwc', '<rootDir>/scripts/local-org'],
      moduleFileExtensions: ['ts', 'js', 'json'],
      testMatch: ['**/__browser__/**/*.test.ts'],
      transform: { '\\.ts$': scriptsTransform },
      collectCoverageFrom: []
    }
  ]
};
