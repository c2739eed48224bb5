import { defineConfig, stores } from '@adonisjs/limiter'
import type { InferLimiters } from '@adonisjs/limiter/types'

/**
 * Rate limits count in Redis so they hold across every web instance
 * (docs/operations.md, "Rate limits").
 */
const limiterConfig = defineConfig({
  default: 'redis',
  stores: {
    redis: stores.redis({ connectionName: 'main', keyPrefix: 'chorus:rate_limit' }),
  },
})

export default limiterConfig

/**
 * How many requests each limited action allows, per window. Sign-in counts
 * per client IP (nobody is signed in yet); the others per signed-in user.
 */
export const rateLimits = {
  /** `GET /auth/twitch/redirect`: a person signs in a few times a day at most. */
  signIn: { requests: 20, every: '1 minute' },
  /** Invitations sent by one GM. */
  invitations: { requests: 20, every: '10 minutes' },
  /** Readiness "Check now": each one asks Twitch about every streamer. */
  readinessChecks: { requests: 6, every: '1 minute' },
  /** Poll launches: each one creates a poll on every channel. */
  pollLaunches: { requests: 10, every: '1 minute' },
} satisfies Record<string, { requests: number; every: string }>

declare module '@adonisjs/limiter/types' {
  export interface LimitersList extends InferLimiters<typeof limiterConfig> {}
}
