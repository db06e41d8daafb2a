import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.node24/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Type-aware rules (floating promises, unsafe `any`, awaiting non-promises, ...) for the
  // TypeScript sources and tests, with the types tsconfig.json gives them.
  ...tseslint.configs.recommendedTypeChecked.map(config => ({
    ...config,
    files: ['**/*.ts']
  })),
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname }
    }
  },
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly'
      }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  {
    // CommonJS scripts (a preload for `node --require`).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    files: ['**/*.ts'],
    rules: {
      // Passing on an error caught as `unknown` is fine; making up a new one is not.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }]
    }
  },
  {
    // Tests read JSON answers and fake clients loosely on purpose (an `any` answer, an async stub
    // with nothing to await); the rules about promises (floating, misused, awaited) still apply.
    files: ['__tests__/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off'
    }
  },
  {
    // The Flow layer (HTTP client, errors, response types) knows nothing of GitHub, so it could
    // serve a CLI or another CI: no @actions/* and nothing from the action or follow layers.
    files: ['src/flow/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // HTTP is node:http(s) itself (exchange.ts), proxy support included.
              group: ['@actions/*'],
              message: 'src/flow/ must not depend on GitHub Actions.'
            },
            {
              group: ['../action/*', '../follow/*', '../github/*'],
              message: 'src/flow/ is the lowest layer: it may import only src/common/.'
            }
          ]
        }
      ]
    }
  },
  {
    // Shared helpers sit below every layer.
    files: ['src/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@actions/*'], message: 'src/common/ must not depend on GitHub Actions.' },
            {
              group: ['../action/*', '../follow/*', '../flow/*', '../github/*'],
              message: 'src/common/ imports no other layer.'
            }
          ]
        }
      ]
    }
  },
  {
    // The GitHub API calls (commit status, deployments, context-envs), loaded only when a GitHub
    // input is set: no @actions/* (HTTP is handed in by the action layer, so the code stays small
    // and uses the same proxy-aware transport as Yunxiao) and no other layer.
    files: ['src/github/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@actions/*'],
              message: 'src/github/ gets HTTP handed in: it imports no @actions/* package.'
            },
            {
              group: ['../action/*', '../follow/*', '../flow/*'],
              message: 'src/github/ may import src/common/ only.'
            }
          ]
        }
      ]
    }
  },
  {
    // The action layer writes its workflow commands itself (src/action/output/commands.ts, as
    // @actions/core writes them): @actions/core costs every start more than it gives (README
    // "Performance"). It is a devDependency, for the test that compares the two.
    files: ['src/action/**/*.ts', 'src/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@actions/*'],
              message: 'src/action/ writes workflow commands with commands.ts, not @actions/*.'
            }
          ]
        }
      ]
    }
  },
  {
    // The follow engine (wait loop, progress, job logs, stop, cancel) is told what to do and logs
    // through the Logger interface; the action layer maps that onto GitHub.
    files: ['src/follow/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@actions/*'], message: 'src/follow/ must not depend on GitHub Actions.' },
            {
              group: ['../action/*', '../github/*'],
              message: 'src/follow/ may import src/flow/ and src/common/ only.'
            }
          ]
        }
      ]
    }
  },
  {
    // The rooms of src/action/: inputs/ reads and checks the inputs, before any step runs.
    files: ['src/action/inputs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@actions/*'],
              message: 'src/action/ writes workflow commands with commands.ts.'
            },
            {
              group: ['../steps/*', '../output/*'],
              message:
                'src/action/inputs/ reads and checks the inputs: it imports no step and writes nothing.'
            }
          ]
        }
      ]
    }
  },
  {
    // A file a newcomer can read: at most 400 lines, a function at most 80.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400 }],
      'max-lines-per-function': ['error', { max: 80 }],
      // js-yaml comes through action/inputs/js-yaml.ts, built into dist/js-yaml.js of its own:
      // imported anywhere else, it would be bundled into dist/index.js, which every start parses.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            ':matches(ImportDeclaration, ImportExpression, ExportNamedDeclaration, ExportAllDeclaration)[source.value="js-yaml"]',
          message: "Import js-yaml's names from src/action/inputs/js-yaml.ts (dist/js-yaml.js)."
        }
      ]
    }
  },
  {
    files: ['src/action/inputs/js-yaml.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ExportAllDeclaration[source.value='js-yaml']",
          message: "Export js-yaml's names one by one: esbuild then bundles only what is used."
        }
      ]
    }
  }
)
