import type PollRun from '#models/poll_run'
import { translator } from '#services/i18n/translator'
import { messageText, type Message, type MessageValue } from '#services/i18n/message'

/**
 * The refusals a person can act on, thrown by services, which know nothing
 * of HTTP. Each has a code and says what to do as a message key and its
 * values (`said`), so that each reader reads it in their language;
 * `message` is the English text, for the JSON API and the logs. They are
 * answered in one place, the exception handler (app/exceptions/handler.ts):
 * a page gets the message flashed in the reader's language and goes back to
 * the page of its form; the JSON API and the push API get
 * `{"errors":[{"message","field"?}]}` in English with `status`. See
 * docs/architecture.md, "Routes and boundaries", and docs/languages.md.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string
  /** What the refusal says, written out for each reader. */
  readonly said: Message
  /**
   * 422: cannot be done as asked; 409: conflicts with what is going on;
   * 503: Chorus could not finish it now (try again).
   */
  readonly status: 409 | 422 | 503 = 422
  /** The input at fault, when one is. */
  readonly field: string | null = null
  /** Signing in with Twitch again is the way out: a page offers it. */
  readonly reconnect: boolean = false

  constructor(key: string, values: Record<string, MessageValue> = {}) {
    super(messageText(translator('en'), { key, values }))
    this.said = { key, values }
  }
}

/**
 * An action on a campaign refused ("this login does not exist", "reconnect
 * your Twitch account").
 */
export class CampaignActionRefused extends DomainError {
  readonly code = 'E_CAMPAIGN_ACTION_REFUSED'
  readonly reconnect: boolean

  /** `key`: a message of resources/lang/<locale>/campaigns.json (`campaigns.refused.…`). */
  constructor(
    key: string,
    values: Record<string, MessageValue> = {},
    options: { reconnect?: boolean } = {}
  ) {
    super(key, values)
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

  private constructor(
    key: string,
    values: Record<string, MessageValue>,
    readonly liveRun: PollRun | null = null,
    readonly field: string | null = null
  ) {
    super(key, values)
    this.name = 'PollLaunchRefusedError'
  }

  static alreadyRunning(run: PollRun) {
    return new PollLaunchRefusedError(
      'polls.refused.already_running',
      { title: run.title, run: String(run.id) },
      run
    )
  }

  static keyUsedElsewhere() {
    return new PollLaunchRefusedError(
      'polls.refused.key_used_elsewhere',
      {},
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
    super(replayed ? 'polls.refused.interrupted_replayed' : 'polls.refused.interrupted', {
      title: run.title,
      run: String(run.id),
    })
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
    const said = IdempotencyKeyReusedError.naming(run, null)
    super(said.key, said.values)
    this.name = 'IdempotencyKeyReusedError'
  }

  /** The message naming the key the client sent, when it is known. */
  static naming(run: PollRun, key: string | null): Message {
    return {
      key: 'polls.refused.key_reused',
      values: { run: String(run.id), named: key === null ? 'no' : 'yes', key: key ?? '' },
    }
  }
}

/** A push endpoint Chorus will not send to; the message is safe to show. */
export class PushEndpointRefused extends DomainError {
  readonly code = 'E_PUSH_ENDPOINT_REFUSED'
  readonly field = 'endpoint'

  /** `problem`: a message of `notifications.push_refused`. */
  constructor(problem: string) {
    super(problem)
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
    super('account.refused.live_poll', { campaign: livePolls[0].campaignName })
    this.name = 'LivePollBlocksDeletionError'
  }
}
