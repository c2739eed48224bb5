import { defineConfig, stores } from '@adonisjs/lock'

/**
 * Locks live in Redis so single flight holds across every web instance and
 * every `node ace` process.
 */
const lockConfig = defineConfig({
  default: 'redis',
  stores: {
    redis: stores.redis({ connectionName: 'main' }),
    memory: stores.memory(),
  },
})

export default lockConfig

declare module '@adonisjs/lock/types' {
  export interface LockStoresList extends InferLockStores<typeof lockConfig> {}
}
