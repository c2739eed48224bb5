import vine, { SimpleMessagesProvider } from '@vinejs/vine'

/**
 * Deleting an account: the person types their Twitch login to confirm.
 */
export const accountDeletionValidator = vine.create({
  confirmation: vine.string().trim(),
})

accountDeletionValidator.messagesProvider = new SimpleMessagesProvider({
  'confirmation.required': 'Type your Twitch login to confirm.',
})
