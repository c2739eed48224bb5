import vine, { SimpleMessagesProvider } from '@vinejs/vine'

/** Matches the `campaigns.name` column. */
export const CAMPAIGN_NAME_MAX = 120
export const CAMPAIGN_DESCRIPTION_MAX = 2000

/**
 * Name and description of a campaign, for both create and edit.
 */
export const campaignValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(CAMPAIGN_NAME_MAX),
  description: vine.string().trim().maxLength(CAMPAIGN_DESCRIPTION_MAX).optional(),
})

campaignValidator.messagesProvider = new SimpleMessagesProvider({
  'name.required': 'Give the campaign a name.',
  'name.minLength': 'Give the campaign a name.',
  'name.maxLength': 'Keep the name to {{ max }} characters or fewer.',
  'description.maxLength': 'Keep the description to {{ max }} characters or fewer.',
  'string': 'Please type some text here.',
})

/**
 * A streamer's Twitch login. People paste what they have at hand, so
 * "@Aria_Plays" and "https://www.twitch.tv/aria_plays" both mean "aria_plays".
 */
export const inviteStreamerValidator = vine.create({
  login: vine
    .string()
    .parse(normalizeTwitchLogin)
    .regex(/^[a-z0-9_]{1,25}$/),
})

inviteStreamerValidator.messagesProvider = new SimpleMessagesProvider({
  'login.required': "Type the streamer's Twitch login.",
  'login.regex': 'A Twitch login is 1 to 25 letters, digits or underscores, e.g. aria_plays.',
  'string': "Type the streamer's Twitch login.",
})

function normalizeTwitchLogin(value: unknown) {
  if (typeof value !== 'string') return value
  const login = value
    .trim()
    .replace(/^(https?:\/\/)?(www\.|m\.)?twitch\.tv\//i, '')
    .replace(/^@/, '')
    .replace(/[/?#].*$/, '')
    .toLowerCase()
  return login === '' ? undefined : login
}
