import type PollRun from '#models/poll_run'

/**
 * The refusals a person can act on, thrown by services, which know nothing
 * of HTTP. Each has a code and a message that says what to do. They are
 * answered in one place, the exception handler (app/exceptions/handler.ts):
 * a page gets the message flashed and goes back to the page of its form; the
 * JSON API and the push API get `{"errors":[{"message","field"?}]}` with
 * `status`. See docs/architecture.md, "Routes and boundaries".
 */
export abstract class DomainError extends Error {
  abstract readonly code: string
  /**
   * 422: cannot be done as asked; 409: conflicts with what is going on;
   * 503: Chorus could not finish it now (try again).
   */
  readonly status: 409 | 422 | 503 = 422
  /** The input at fault, when one is. */
  readonly field: string | null = null
  /** Signing in with Twitch again is the way out: a page offers it. */
  readonly reconnect: boolean = false
}

/**
 * An action on a campaign refused ("this login does not exist", "reconnect
 * your Twitch account").
 */
export class CampaignActionRefused extends DomainError {
  readonly code = 'E_CAMPAIGN_ACTION_REFUSED'
  readonly reconnect: boolean

  constructor(message: string, options: { reconnect?: boolean } = {}) {
    super(message)
    this.name = 'CampaignActionRefused'
    this.reconnect = options.reconnect ?? false
  }
}

/**
 * A launch refused before anything reached Twitch: the campaign already has
 * a poll launching, running or ending (`liveRun`), or the launch key belongs
 * to another campaign.
 */
export class PollLaunchRefusedError extends DomainError {
  readonly code = 'E_POLL_LAUNCH_REFUSED'
  readonly status = 409

  constructor(
    message: string,
    readonly liveRun: PollRun | null = null,
    readonly field: string | null = null
  ) {
    super(message)
    this.name = 'PollLaunchRefusedError'
  }

  static alreadyRunning(run: PollRun) {
    return new PollLaunchRefusedError(
      `"${run.title}" (run ${run.id}) is still running in this campaign: end it before ` +
        'launching another poll.',
      run
    )
  }

  static keyUsedElsewhere() {
    return new PollLaunchRefusedError(
      'This launch key was already used in another campaign: reload the page (or send a new ' +
        'Idempotency-Key) and launch again.',
      null,
      'idempotency_key'
    )
  }
}

/**
 * A launch interrupted on Chorus's side after it began (a database write
 * failed): the polls already created on Twitch were ended and nothing runs
 * (503, launch again). `replayed`: the same launch asked again with its
 * key is told it failed for good (409).
 */
export class PollLaunchInterruptedError extends DomainError {
  readonly code = 'E_POLL_LAUNCH_INTERRUPTED'
  readonly status: 409 | 503

  constructor(
    readonly run: PollRun,
    readonly replayed: boolean
  ) {
    super(
      replayed
        ? `This launch of "${run.title}" (run ${run.id}) failed: it was interrupted, and nothing runs. Launch it again (with a new Idempotency-Key through the API).`
        : `The launch of "${run.title}" was interrupted: the polls already created on Twitch were ended and nothing runs. Launch again.`
    )
    this.name = 'PollLaunchInterruptedError'
    this.status = replayed ? 409 : 503
  }
}

/**
 * The same launch key sent again with another request: refused rather than
 * answered with the earlier launch.
 */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'E_IDEMPOTENCY_KEY_REUSED'
  readonly field = 'idempotency_key'

  constructor(readonly run: PollRun) {
    super(IdempotencyKeyReusedError.naming(run, null))
    this.name = 'IdempotencyKeyReusedError'
  }

  /** The message naming the key the client sent, when it is known. */
  static naming(run: PollRun, key: string | null) {
    const which = key === null ? 'This Idempotency-Key' : `The Idempotency-Key "${key}"`
    return `${which} was already used for another launch (run ${run.id}) with a different request: send a new key, or repeat that request exactly.`
  }
}

/** A push endpoint Chorus will not send to; the message is safe to show. */
export class PushEndpointRefused extends DomainError {
  readonly code = 'E_PUSH_ENDPOINT_REFUSED'
  readonly field = 'endpoint'

  constructor(message: string) {
    super(message)
    this.name = 'PushEndpointRefused'
  }
}

/**
 * Deletion refused: a poll is live on the person's channel or in one of
 * their campaigns. Deleting then would leave polls running on Twitch that
 * nobody could end or read; they end within minutes.
 */
export class LivePollBlocksDeletionError extends DomainError {
  readonly code = 'E_LIVE_POLL_BLOCKS_DELETION'
  readonly status = 409

  constructor(readonly livePolls: { campaignId: number; campaignName: string; title: string }[]) {
    super(
      `A poll is live in "${livePolls[0].campaignName}": end it, or let it end, ` +
        'before deleting your account.'
    )
    this.name = 'LivePollBlocksDeletionError'
  }
}
