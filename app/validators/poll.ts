import vine, { SimpleMessagesProvider } from '@vinejs/vine'

/**
 * Twitch's rules for a poll (docs/live-results.md, "A poll's rules"), checked before anything reaches Twitch.
 */
export const POLL_LIMITS = {
  titleMax: 60,
  choicesMin: 2,
  choicesMax: 5,
  choiceMax: 25,
  durationMin: 15,
  durationMax: 1800,
  channelPointsMin: 1,
  channelPointsMax: 1_000_000,
} as const

/**
 * A form sends one field per choice line; the lines left blank are not choices.
 */
function dropBlankChoices(value: unknown) {
  if (!Array.isArray(value)) return value
  return value.filter(
    (choice) => !(choice === null || (typeof choice === 'string' && choice.trim() === ''))
  )
}

/** An empty "channel points" field means channel points voting is off. */
function blankAsMissing(value: unknown) {
  return value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value
}

/*
 * The rules of a poll's question, shared by the prepared-poll form and the
 * JSON API (docs/api.md), so both refuse the same input with the same words
 * (resources/lang/<locale>/validator.json, in the reader's language).
 */
const pollTitle = () => vine.string().trim().minLength(1).maxLength(POLL_LIMITS.titleMax)

const pollChoices = () =>
  vine
    .array(vine.string().trim().minLength(1).maxLength(POLL_LIMITS.choiceMax))
    .parse(dropBlankChoices)
    .minLength(POLL_LIMITS.choicesMin)
    .maxLength(POLL_LIMITS.choicesMax)

const pollDuration = () =>
  vine.number().withoutDecimals().min(POLL_LIMITS.durationMin).max(POLL_LIMITS.durationMax)

/**
 * A prepared poll, for create and edit.
 */
export const pollValidator = vine.create({
  title: pollTitle(),
  choices: pollChoices(),
  duration_seconds: pollDuration(),
  channel_points_per_vote: vine
    .number()
    .withoutDecimals()
    .min(POLL_LIMITS.channelPointsMin)
    .max(POLL_LIMITS.channelPointsMax)
    .parse(blankAsMissing)
    .optional(),
})

/**
 * A poll launched through the JSON API: the question with the form's rules
 * and messages (its duration is called `duration` there), and how channels
 * vote — `auto`: by Twitch poll where the channel can run one.
 */
export const apiPollValidator = vine.create({
  title: pollTitle(),
  choices: pollChoices(),
  duration: pollDuration(),
  voting: vine.enum(['auto', 'chat'] as const).optional(),
})

/**
 * The API's optional `Idempotency-Key` header: a retried launch sending the
 * same key gets the run the first one made.
 */
export const idempotencyKeyValidator = vine.create({
  idempotency_key: vine
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{1,255}$/)
    .optional(),
})

idempotencyKeyValidator.messagesProvider = new SimpleMessagesProvider({
  'idempotency_key.regex':
    'The Idempotency-Key header is 1 to 255 visible ASCII characters (a UUID is fine).',
})

/**
 * "Move up" / "Move down" in the prepared list.
 */
export const movePollValidator = vine.create({
  direction: vine.enum(['up', 'down'] as const),
})

/**
 * The launch form carries a key made when the page was rendered: submitting
 * it twice (double click, retry after a timeout) finds the first launch.
 */
export const launchPollValidator = vine.create({
  idempotency_key: vine
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{16,64}$/),
  /** `chat`: every channel that can votes in chat (docs/chat-voting.md). */
  voting_mode: vine.enum(['auto', 'chat'] as const).optional(),
})
