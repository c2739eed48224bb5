import { BaseCheck, Result } from '@adonisjs/core/health'
import type { HealthCheckContract, HealthCheckResult } from '@adonisjs/core/types/health'
import type { RedisConnection } from '@adonisjs/redis'
import { errorMessage } from '#services/error_message'

/**
 * Redis answers PING. Unlike the framework's Redis check, a connection that
 * has not connected yet (Chorus connects to Redis lazily) is connected by
 * the ping itself rather than reported as down.
 */
export class RedisPingCheck extends BaseCheck {
  name = 'redis'

  constructor(private connection: RedisConnection) {
    super()
  }

  async run() {
    try {
      await this.connection.ping()
      return Result.ok('Redis answered PING')
    } catch (error) {
      return Result.failed(errorMessage(error))
    }
  }
}

/**
 * Another check, failed when it takes longer than `timeoutMs`: an
 * unreachable host (packets dropped, not refused) must not hold the health
 * endpoint, nor the load balancer polling it.
 */
export class TimeBoundCheck extends BaseCheck {
  name: string

  constructor(
    private check: HealthCheckContract,
    private timeoutMs: number
  ) {
    super()
    this.name = check.name
  }

  async run(): Promise<HealthCheckResult> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<HealthCheckResult>((resolve) => {
      timer = setTimeout(
        () => resolve(Result.failed(`No answer within ${this.timeoutMs} ms`)),
        this.timeoutMs
      )
    })
    try {
      return await Promise.race([this.check.run(), timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}
