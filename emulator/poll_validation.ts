/**
 * Twitch's Create Poll rules, checked on a JSON body that has already been
 * parsed but not trusted. Broadcaster identity, affiliate status, the
 * one-active-poll rule and AutoMod are checked by the route, which knows the
 * caller and the channel.
 */

export const POLL_LIMITS = {
  titleMax: 60,
  choicesMin: 2,
  choicesMax: 5,
  choiceTitleMax: 25,
  durationMin: 15,
  durationMax: 1800,
  channelPointsMin: 1,
  channelPointsMax: 1_000_000,
} as const

export interface PollDraft {
  title: string
  choiceTitles: string[]
  duration: number
  channelPointsVotingEnabled: boolean
  channelPointsPerVote: number
}

export type PollDraftResult = { ok: true; draft: PollDraft } | { ok: false; message: string }

/** Twitch counts characters, not UTF-16 units: an emoji is one character. */
function characterCount(text: string): number {
  return [...text].length
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function readPollDraft(body: Record<string, unknown>): PollDraftResult {
  const fail = (message: string): PollDraftResult => ({ ok: false, message })
  const { titleMax, choicesMin, choicesMax, choiceTitleMax, durationMin, durationMax } = POLL_LIMITS

  const title = body.title
  if (typeof title !== 'string' || title.trim().length === 0) {
    return fail('Missing required parameter "title"')
  }
  if (characterCount(title) > titleMax) {
    return fail(`The parameter "title" may contain at most ${titleMax} characters`)
  }

  const choices = body.choices
  if (!Array.isArray(choices)) {
    return fail('Missing required parameter "choices"')
  }
  if (choices.length < choicesMin || choices.length > choicesMax) {
    return fail(`The poll must have between ${choicesMin} and ${choicesMax} choices`)
  }
  const choiceTitles: string[] = []
  for (const choice of choices) {
    const choiceTitle = isRecord(choice) ? choice.title : undefined
    if (typeof choiceTitle !== 'string' || choiceTitle.trim().length === 0) {
      return fail('Each choice requires a "title"')
    }
    if (characterCount(choiceTitle) > choiceTitleMax) {
      return fail(`A choice "title" may contain at most ${choiceTitleMax} characters`)
    }
    choiceTitles.push(choiceTitle)
  }

  const duration = body.duration
  if (duration === undefined) {
    return fail('Missing required parameter "duration"')
  }
  if (
    typeof duration !== 'number' ||
    !Number.isInteger(duration) ||
    duration < durationMin ||
    duration > durationMax
  ) {
    return fail(
      `The parameter "duration" must be an integer from ${durationMin} to ${durationMax} seconds`
    )
  }

  const enabled = body.channel_points_voting_enabled ?? false
  if (typeof enabled !== 'boolean') {
    return fail('The parameter "channel_points_voting_enabled" must be a boolean')
  }
  let perVote = 0
  if (enabled) {
    const { channelPointsMin, channelPointsMax } = POLL_LIMITS
    const requested = body.channel_points_per_vote
    if (
      typeof requested !== 'number' ||
      !Number.isInteger(requested) ||
      requested < channelPointsMin ||
      requested > channelPointsMax
    ) {
      return fail(
        `The parameter "channel_points_per_vote" must be an integer from ${channelPointsMin} ` +
          `to ${channelPointsMax} when channel points voting is enabled`
      )
    }
    perVote = requested
  }

  return {
    ok: true,
    draft: {
      title,
      choiceTitles,
      duration,
      channelPointsVotingEnabled: enabled,
      channelPointsPerVote: perVote,
    },
  }
}
