import env from '#start/env'
import { defineConfig, stores } from '@adonisjs/limiter'

/**
 * Rate-limit counters. Redis by default, so a limit holds across every web
 * instance; `memory` only for a single process. The limits themselves are
 * defined in start/limiter.ts.
 */
const limiterConfig = defineConfig({
  default: env.get('LIMITER_STORE', 'redis'),
  stores: {
    redis: stores.redis({ connectionName: 'main' }),
    memory: stores.memory({}),
  },
})

export default limiterConfig

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}
