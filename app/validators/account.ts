import vine from '@vinejs/vine'

/**
 * Deleting an account: the person types their Twitch login to confirm.
 */
export const accountDeletionValidator = vine.create({
  confirmation: vine.string().trim(),
})
