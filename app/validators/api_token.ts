import vine from '@vinejs/vine'

export const API_TOKEN_NAME_MAX = 100

/** The lifetimes offered on the settings page, in days; none = until revoked. */
export const API_TOKEN_EXPIRY_DAYS = [30, 90, 365] as const

/** Text a terminal or a page could be fooled by; NUL cannot even be stored. */
// eslint-disable-next-line no-control-regex
const WITHOUT_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/

/** "Never expires" is an empty choice of the form's select. */
function blankAsMissing(value: unknown) {
  return value === null || (typeof value === 'string' && value.trim() === '') ? undefined : value
}

/**
 * A new personal access token: a name saying where it is used, and an
 * optional lifetime.
 */
export const apiTokenValidator = vine.create({
  name: vine
    .string()
    .trim()
    .minLength(1)
    .maxLength(API_TOKEN_NAME_MAX)
    .regex(WITHOUT_CONTROL_CHARACTERS),
  expires_in_days: vine
    .number()
    .in([...API_TOKEN_EXPIRY_DAYS])
    .parse(blankAsMissing)
    .optional(),
})
