import env from '#start/env'
import app from '@adonisjs/core/services/app'
import { defineConfig, targets } from '@adonisjs/core/logger'

/**
 * A console command's own output is its stdout (`node ace api:token` prints
 * the token alone on the last line, for scripts): the app's log lines, which
 * pino writes from a worker thread whenever it gets to them, go to stderr
 * there, so a boot warning can never land after the command's last line.
 */
const logDestination = app.getEnvironment() === 'console' ? 2 : 1

/**
 * Tokens never reach a log line: besides never passing them to the logger,
 * pino's redaction blanks the usual token keys should one slip into an object.
 */
const loggerConfig = defineConfig({
  default: 'app',
  loggers: {
    app: {
      enabled: true,
      name: 'chorus',
      level: env.get('LOG_LEVEL', 'info'),
      redact: {
        paths: [
          '*.access_token',
          '*.refresh_token',
          '*.accessToken',
          '*.refreshToken',
          '*.authorization',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        censor: '[redacted]',
      },
      transport: {
        targets: targets()
          .pushIf(!app.inProduction, targets.pretty({ destination: logDestination }))
          .pushIf(app.inProduction, targets.file({ destination: logDestination }))
          .toArray(),
      },
    },
  },
})

export default loggerConfig

declare module '@adonisjs/core/types' {
  export interface LoggersList extends InferLoggers<typeof loggerConfig> {}
}
