import type { DateTime } from 'luxon'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import { NotificationService } from '#services/notifications/notification_service'
import { TokenRefreshService } from '#services/tokens/token_refresh_service'
import { formatDuration } from '#services/tokens/token_refresh_policy'
import { streamerLabel, type CycleReport } from '#services/tokens/refresh_outcome'

/** Below this many streamers the run is quick: no progress output. */
const PROGRESS_FROM = 20

/**
 * `node ace token:refresh [streamerId] [--force] [--dry-run]` (docs/token-policy.md, "The console").
 */
export default class TokenRefresh extends BaseCommand {
  static commandName = 'token:refresh'
  static description =
    'Refresh the Twitch tokens of streamers with active authorization (or of one streamer)'
  static help = [
    'Without an id: streamers with active authorization; only due tokens are refreshed.',
    'With an id: that streamer only, whether or not it has active authorization.',
    'Exit code 1 when any refresh failed (a deactivation included) or the input was wrong.',
  ]

  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Id of one streamer', required: false })
  declare streamerId?: string

  @flags.boolean({ description: 'Refresh every streamer in scope, due or not' })
  declare force?: boolean

  @flags.boolean({
    flagName: 'dry-run',
    description: 'Say what would be done: no call to Twitch, no write to the database',
  })
  declare dryRun?: boolean

  async run() {
    const service = await this.app.container.make(TokenRefreshService)
    const streamers = await this.#streamersInScope(service)
    if (streamers === null) {
      this.exitCode = 1
      return
    }

    await this.#list(service, streamers)
    if (this.dryRun) {
      this.logger.log('Dry run: no call to Twitch, no write to the database.')
    }

    const progress = this.#progress(streamers.length)
    const report = await service.runCycle(streamers, {
      force: this.force ?? false,
      dryRun: this.dryRun ?? false,
      trigger: 'command',
      onProgress: progress.update,
    })
    progress.stop()
    await NotificationService.settleDeliveries()

    this.#report(report)
    this.exitCode = !this.dryRun && report.failed > 0 ? 1 : 0
  }

  /**
   * One streamer by id (any state), or the streamers with active
   * authorization. Null (after saying so) when the id matches nobody.
   */
  async #streamersInScope(service: TokenRefreshService): Promise<Streamer[] | null> {
    if (this.streamerId === undefined) {
      const streamers = await service.findStreamersWithActiveAuthorization()
      this.logger.log(`Streamers with active authorization: ${streamers.length}`)
      return streamers
    }
    const id = /^\d{1,9}$/.test(this.streamerId) ? Number(this.streamerId) : null
    const streamer = id === null ? null : await Streamer.find(id)
    if (!streamer) {
      this.logger.error(`Streamer not found: ${this.streamerId}`)
      return null
    }
    this.logger.log(`Streamer #${streamer.id}:`)
    return [streamer]
  }

  /**
   * `- DisplayName (login)`, marked when the token is expiring (due).
   */
  async #list(service: TokenRefreshService, streamers: Streamer[]) {
    const clock = await this.app.container.make(Clock)
    const now = clock.now()
    const nextTick = service.nextTick(now)
    for (const streamer of streamers) {
      this.logger.log(`- ${streamerLabel(streamer)}${mark(service, streamer, now, nextTick)}`)
    }
  }

  #progress(total: number) {
    if (total < PROGRESS_FROM) {
      return { update: () => {}, stop: () => {} }
    }
    const verb = this.dryRun ? 'Checking' : 'Refreshing'
    if (process.stdout.isTTY) {
      const spinner = this.logger.await(`${verb} ${total} streamers`).start()
      return {
        update: (done: number) => spinner.update(`${verb} streamers: ${done}/${total}`),
        stop: () => spinner.stop(),
      }
    }
    const step = Math.max(1, Math.floor(total / 10))
    return {
      update: (done: number) => {
        if (done % step === 0 || done === total) {
          this.logger.log(`${verb} streamers: ${done}/${total}`)
        }
      },
      stop: () => {},
    }
  }

  /**
   * The report operators grep (docs/token-policy.md, "The console"): these four lines exactly, then one
   * line per streamer.
   */
  #report(report: CycleReport) {
    this.logger.log(`Total streamers: ${report.total}`)
    this.logger.log(`Success: ${report.success}`)
    this.logger.log(`Failed: ${report.failed}`)
    this.logger.log(`Skipped: ${report.skipped}`)
    for (const line of report.lines) {
      this.logger.log(line)
    }
    if (report.deactivated > 0) {
      this.logger.warning(
        `Deactivated: ${report.deactivated} (they must sign in with Twitch again)`
      )
    }
  }
}

function mark(service: TokenRefreshService, streamer: Streamer, now: DateTime, nextTick: DateTime) {
  if (!streamer.isActive) return ' [deactivated]'
  if (!streamer.tokenExpiresAt) return ' [expiring: expiry unknown]'
  if (streamer.isTokenExpired(now)) return ' [expired]'
  const due = service.dueDecision(streamer, now, nextTick)
  return due.due ? ` [expiring in ${formatDuration(streamer.tokenExpiresAt.diff(now))}]` : ''
}
