import type { DateTime } from 'luxon'
import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import type Streamer from '#models/streamer'
import { NotificationChannelRegistry } from '#services/notifications/notification_channel'
import { RefreshCycle } from '#services/tokens/refresh_cycle'
import { RefreshSelection, type StreamerPages } from '#services/tokens/refresh_selection'
import { RefreshTiming } from '#services/tokens/refresh_timing'
import { formatDuration } from '#services/tokens/token_refresh_policy'
import { printable } from '#services/twitch/printable_text'
import { streamerIds, streamerLabel, type CycleReport } from '#services/tokens/refresh_outcome'
import { findStreamerByReference, STREAMER_MATCH_LABELS } from '#services/tokens/streamer_reference'

/** Below this many streamers the run is quick: no progress output. */
const PROGRESS_FROM = 20

/** The streamers a run covers, walked page by page (once to list, once to refresh). */
interface Scope {
  total: number
  pages: () => StreamerPages
}

/**
 * `node ace token:refresh [streamerId] [--force] [--dry-run]` (docs/token-policy.md, "The console").
 */
export default class TokenRefresh extends BaseCommand {
  static commandName = 'token:refresh'
  static description =
    'Refresh the Twitch tokens of streamers with active authorization (or of one streamer)'
  static help = [
    'Without an argument: the streamers with active authorization; only due tokens are refreshed.',
    'With an argument: that streamer only, whether or not it has active authorization. Name it by',
    "Chorus's streamer id, its Twitch user id or its Twitch login (e.g. 12, 1002 or bram_rolls);",
    'the output says which matched. Every listed streamer shows both of its ids.',
    '--force refreshes every streamer in scope, due or not.',
    '--dry-run lists what would be done (summary: "Would refresh: N"): no call to Twitch, no write.',
    'Exit code 1 when any refresh failed (a deactivation included) or the streamer is unknown.',
  ]

  static options: CommandOptions = { startApp: true }

  @args.string({
    description: "One streamer: Chorus's streamer id, a Twitch user id or a Twitch login",
    required: false,
  })
  declare streamerId?: string

  @flags.boolean({ description: 'Refresh every streamer in scope, due or not' })
  declare force?: boolean

  @flags.boolean({
    flagName: 'dry-run',
    description: 'Say what would be done: no call to Twitch, no write to the database',
  })
  declare dryRun?: boolean

  async run() {
    const timing = await this.app.container.make(RefreshTiming)
    const scope = await this.#scope()
    if (scope === null) {
      this.exitCode = 1
      return
    }

    await this.#list(timing, scope.pages())
    if (this.dryRun) {
      this.logger.log('Dry run: no call to Twitch, no write to the database.')
    }

    const cycle = await this.app.container.make(RefreshCycle)
    const progress = this.#progress(scope.total)
    const report = await cycle.run(scope.pages(), {
      force: this.force ?? false,
      dryRun: this.dryRun ?? false,
      trigger: 'command',
      collectLines: true,
      onProgress: progress.update,
    })
    progress.stop()
    // The notifications a deactivation sent are delivered before the process exits.
    const notificationChannels = await this.app.container.make(NotificationChannelRegistry)
    await notificationChannels.settle()

    this.#report(report)
    this.exitCode = !this.dryRun && report.failed > 0 ? 1 : 0
  }

  /**
   * One streamer (any state) named by either id or its login, or the
   * streamers with active authorization. Null (after saying so) when the
   * argument matches nobody.
   */
  async #scope(): Promise<Scope | null> {
    if (this.streamerId === undefined) {
      const selection = await this.app.container.make(RefreshSelection)
      const total = await selection.countWithActiveAuthorization()
      this.logger.log(`Streamers with active authorization: ${total}`)
      return { total, pages: () => selection.withActiveAuthorization() }
    }
    const found = await findStreamerByReference(this.streamerId)
    if (!found) {
      this.logger.error(`Streamer not found: ${printable(this.streamerId)}`)
      return null
    }
    const { streamer, matchedBy, alsoMatched } = found
    this.logger.log(
      `Streamer #${streamer.id}, matched by its ${STREAMER_MATCH_LABELS[matchedBy]} ${printable(this.streamerId.trim())}:`
    )
    if (alsoMatched) {
      this.logger.warning(
        `${printable(this.streamerId.trim())} is also the Twitch user id of ${streamerLabel(alsoMatched)}: pass its login to refresh that one.`
      )
    }
    return { total: 1, pages: () => onePage(streamer) }
  }

  /**
   * `- DisplayName (login)`, marked when the token is expiring (due).
   */
  async #list(timing: RefreshTiming, pages: StreamerPages) {
    const now = timing.now()
    const nextTick = timing.nextTick(now)
    for await (const page of pages) {
      for (const streamer of page) {
        this.logger.log(
          `- ${streamerLabel(streamer)}${mark(timing, streamer, now, nextTick)} · ${streamerIds(streamer)}`
        )
      }
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
    if (this.dryRun) {
      this.logger.log(`Would refresh: ${report.wouldRefresh} (dry run: nothing was done)`)
    }
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

async function* onePage(streamer: Streamer): StreamerPages {
  yield [streamer]
}

function mark(timing: RefreshTiming, streamer: Streamer, now: DateTime, nextTick: DateTime) {
  if (!streamer.isActive) return ' [deactivated]'
  if (!streamer.tokenExpiresAt) return ' [expiring: expiry unknown]'
  if (streamer.isTokenExpired(now)) return ' [expired]'
  const due = timing.dueDecision(streamer, now, nextTick)
  return due.due ? ` [expiring in ${formatDuration(streamer.tokenExpiresAt.diff(now))}]` : ''
}
