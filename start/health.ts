/*
|--------------------------------------------------------------------------
| Health checks
|--------------------------------------------------------------------------
|
| What `GET /health` checks: PostgreSQL answers a query and Redis a PING,
| each within availabilityConfig.healthCheckTimeoutMs (docs/operations.md).
*/
import { HealthChecks } from '@adonisjs/core/health'
import { DbCheck } from '@adonisjs/lucid/database'
import db from '@adonisjs/lucid/services/db'
import redis from '@adonisjs/redis/services/main'
import availabilityConfig from '#config/availability'
import { RedisPingCheck, TimeBoundCheck } from '#services/availability/health_checks'

const timeoutMs = availabilityConfig.healthCheckTimeoutMs

export const healthChecks = new HealthChecks().register([
  new TimeBoundCheck(new DbCheck(db.connection()).as('database'), timeoutMs),
  new TimeBoundCheck(new RedisPingCheck(redis.connection('main')), timeoutMs),
])
