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
 * JSON API (docs/api.md), so both refuse the same input with the same words.
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

/** The messages of the question's rules, the duration named `durationField`. */
function questionMessages(durationField: string) {
  return {
    'title.required': 'Give the poll a question.',
    'title.minLength': 'Give the poll a question.',
    'title.maxLength': 'Twitch allows at most {{ max }} characters in a poll title.',
    'choices.required': 'Give the poll at least 2 choices.',
    'choices.array': 'Give the poll at least 2 choices.',
    'choices.array.minLength': 'Give the poll at least {{ min }} choices.',
    'choices.array.maxLength': 'Twitch allows at most {{ max }} choices.',
    'choices.*.maxLength': 'Twitch allows at most {{ max }} characters per choice.',
    'choices.*.minLength': 'A choice cannot be empty.',
    [`${durationField}.required`]: 'Say how long the poll runs, in seconds (15 to 1800).',
    [`${durationField}.number`]: 'The duration is a number of seconds, from 15 to 1800.',
    [`${durationField}.withoutDecimals`]: 'The duration is a whole number of seconds.',
    [`${durationField}.min`]: 'A poll runs at least {{ min }} seconds on Twitch.',
    [`${durationField}.max`]: 'A poll runs at most {{ max }} seconds (30 minutes) on Twitch.',
    'string': 'Please type some text here.',
  }
}

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

pollValidator.messagesProvider = new SimpleMessagesProvider({
  ...questionMessages('duration_seconds'),
  'channel_points_per_vote.number': 'Channel points per vote is a whole number, or leave it empty.',
  'channel_points_per_vote.withoutDecimals': 'Channel points per vote is a whole number.',
  'channel_points_per_vote.min':
    'Channel points per vote is at least {{ min }}, or leave it empty.',
  'channel_points_per_vote.max': 'Channel points per vote is at most {{ max }}.',
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

apiPollValidator.messagesProvider = new SimpleMessagesProvider({
  ...questionMessages('duration'),
  'voting.enum': 'voting is "auto" or "chat".',
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

launchPollValidator.messagesProvider = new SimpleMessagesProvider({
  'idempotency_key.required': 'This launch form is out of date: reload the page and launch again.',
  'idempotency_key.regex': 'This launch form is out of date: reload the page and launch again.',
  'voting_mode.enum': 'Choose how channels vote: Twitch polls where possible, or chat everywhere.',
})
