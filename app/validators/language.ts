import vine from '@vinejs/vine'
import { SUPPORTED_LOCALES } from '#services/i18n/locales'

/** A language Chorus speaks, from the account's or the overlay card's picker. */
export const localeValidator = vine.create({
  locale: vine.enum(SUPPORTED_LOCALES),
})
