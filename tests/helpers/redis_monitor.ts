import redis from '@adonisjs/redis/services/main'

/**
 * Watches the commands the shared Redis receives (MONITOR, on a connection
 * of its own), so a test can see another task reach a step — try a lock,
 * say — instead of guessing how long that takes.
 */
export async function watchRedisCommands() {
  const monitor = await redis.connection().ioConnection.monitor()
  const commands: string[][] = []
  monitor.on('monitor', (_time: string, args: string[]) => commands.push(args))
  return {
    /** Has a command naming `key` (among its arguments) been sent since the watch began? */
    sawKey: (key: string) => commands.some((args) => args.some((arg) => arg.includes(key))),
    stop: () => monitor.disconnect(),
  }
}
