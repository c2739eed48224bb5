import { indexEntities } from '@adonisjs/core'
import { defineConfig } from '@adonisjs/core/app'

export default defineConfig({
  /*
  | Ace commands: the framework's, Lucid's, and the app's own in ./commands
  */
  commands: [
    () => import('@adonisjs/core/commands'),
    () => import('@adonisjs/lucid/commands'),
    () => import('@adonisjs/session/commands'),
  ],

  providers: [
    () => import('@adonisjs/core/providers/app_provider'),
    () => import('@adonisjs/core/providers/hash_provider'),
    {
      file: () => import('@adonisjs/core/providers/repl_provider'),
      environment: ['repl', 'test'],
    },
    () => import('@adonisjs/core/providers/vinejs_provider'),
    () => import('@adonisjs/core/providers/edge_provider'),
    () => import('@adonisjs/session/session_provider'),
    () => import('@adonisjs/shield/shield_provider'),
    () => import('@adonisjs/static/static_provider'),
    () => import('@adonisjs/lucid/database_provider'),
    () => import('@adonisjs/auth/auth_provider'),
    () => import('@adonisjs/redis/redis_provider'),
    () => import('@adonisjs/ally/ally_provider'),
    () => import('@adonisjs/lock/lock_provider'),
    // Rate limits with counters in Redis (config/limiter.ts)
    () => import('@adonisjs/limiter/limiter_provider'),
    // PostgreSQL and Redis outages: logged once, answered with 503 (docs/operations.md)
    () => import('#providers/availability_provider'),
    // Live poll results over SSE, fanned out through Redis (docs/live-results.md)
    () => import('@adonisjs/transmit/transmit_provider'),
    // Web push as a delivery channel of the NotificationService (docs/notifications.md)
    () => import('#providers/push_provider'),
    // Events pushing live results, Twitch's EventSub handlers (docs/eventsub.md)
    () => import('#providers/live_results_provider'),
    () => import('#providers/eventsub_conduit_provider'),
    // Cross-origin calls to the JSON API only (config/cors.ts, docs/api.md)
    () => import('@adonisjs/cors/cors_provider'),
    // Overlays' results queue as a singleton (docs/overlay.md)
    () => import('#providers/overlay_provider'),
    // Languages: ICU messages in resources/lang (docs/languages.md)
    () => import('@adonisjs/i18n/i18n_provider'),
    // Token refresh scheduler and authorization-expiry notices, run by the web process
    () => import('#providers/token_refresh_provider'),
  ],

  preloads: [
    () => import('#start/routes'),
    () => import('#start/kernel'),
    () => import('#start/view'),
    () => import('#start/validator'),
    // Transmit routes and channel authorization (docs/live-results.md)
    { file: () => import('#start/transmit'), environment: ['web', 'test'] },
  ],

  tests: {
    suites: [
      {
        files: ['tests/unit/**/*.spec.{ts,js}'],
        name: 'unit',
        timeout: 10000,
      },
      {
        files: ['tests/functional/**/*.spec.{ts,js}'],
        name: 'functional',
        timeout: 30000,
      },
      {
        files: ['tests/browser/**/*.spec.{ts,js}'],
        name: 'browser',
        timeout: 60000,
      },
    ],
    forceExit: false,
  },

  /*
  | Assembler hooks: generate the typed route registry (.adonisjs/) before
  | serve, build and test. Routes import their controllers lazily, so no
  | barrel of controllers is generated.
  */
  hooks: {
    init: [indexEntities({ controllers: { enabled: false } })],
  },

  metaFiles: [
    {
      pattern: 'resources/views/**/*.edge',
      reloadServer: false,
    },
    {
      pattern: 'public/**',
      reloadServer: false,
    },
    {
      pattern: 'resources/lang/**/*.{json,yaml,yml}',
      reloadServer: false,
    },
  ],
})
