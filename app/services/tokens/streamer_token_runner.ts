import { Exception } from '@adonisjs/core/exceptions'
import { inject } from '@adonisjs/core'
import type Streamer from '#models/streamer'
import { Clock } from '#services/clock'
import { TwitchUnauthorizedError } from '#services/twitch/twitch_errors'
import { StreamerRefresher } from '#services/tokens/streamer_refresher'
import { streamerLabel, type RefreshOutcome } from '#services/tokens/refresh_outcome'

/**
 * The streamer's token cannot be used and could not be renewed. `outcome`
 * says why (deactivated, refresh refused, Twitch unreachable).
 */
export class StreamerTokenUnavailableError extends Exception {
  static status = 409
  static code = 'E_STREAMER_TOKEN_UNAVAILABLE'

  constructor(
    readonly streamer: Streamer,
    readonly outcome: RefreshOutcome | null,
    reason: string,
    options?: ErrorOptions
  ) {
    super(`Twitch token of ${streamerLabel(streamer)} unavailable: ${reason}`, options)
  }

  /** True when signing in with Twitch again is the way out. */
  get needsReconnect() {
    return (
      !this.streamer.isActive ||
      (this.outcome?.status === 'failed' && this.outcome.kind === 'permanent')
    )
  }
}

/**
 * Runs a Helix call with a streamer's access token. A 401 from Helix means
 * the token is no longer accepted: the runner refreshes it through the
 * streamer refresher (same lock, policy and tracking columns) and
 * retries the call once. An expired token is refreshed before the call.
 *
 *   const poll = await runner.run(streamer, (token) => helix.createPoll(token, input))
 */
@inject()
export class StreamerTokenRunner {
  constructor(
    private clock: Clock,
    private refresher: StreamerRefresher
  ) {}

  async run<T>(streamer: Streamer, call: (accessToken: string) => Promise<T>): Promise<T> {
    if (!streamer.isActive) {
      throw new StreamerTokenUnavailableError(streamer, null, 'deactivated, needs to reconnect')
    }

    let accessToken = streamer.accessToken
    if (!accessToken || streamer.isTokenExpired(this.clock.now())) {
      accessToken = await this.#renew(streamer, null)
    }

    try {
      return await call(accessToken)
    } catch (error) {
      if (!(error instanceof TwitchUnauthorizedError)) throw error
      const renewed = await this.#renew(streamer, error)
      return call(renewed)
    }
  }

  async #renew(streamer: Streamer, cause: TwitchUnauthorizedError | null): Promise<string> {
    const outcome = await this.refresher.refreshStreamer(streamer, {
      force: true,
      trigger: cause ? 'helix_401' : 'helix_call',
    })
    const accessToken = outcome.status === 'refreshed' ? streamer.accessToken : null
    if (!accessToken) {
      throw new StreamerTokenUnavailableError(streamer, outcome, outcome.reason, {
        cause: cause ?? undefined,
      })
    }
    return accessToken
  }
}
