import vine from '@vinejs/vine'

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
