/**
 * The languages Chorus speaks (docs/languages.md). Adding one: a folder
 * resources/lang/<locale>/ with every file of resources/lang/en/, and its
 * code here. The first is the default and the fallback.
 */
export const SUPPORTED_LOCALES = ['en', 'fr', 'es', 'de', 'pt-BR'] as const

export type Locale = (typeof SUPPORTED_LOCALES)[number]

export const DEFAULT_LOCALE: Locale = 'en'

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value)
}

/**
 * The locale numbers, lists and dates are written in. English reads the
 * British way ("1, 2 or 3", "Mon 30 Nov"), like the pages always did.
 */
export function formattingLocale(locale: string): string {
  return locale === 'en' ? 'en-GB' : locale
}

/** Each language named in itself, for the pickers ("Français", "Deutsch"). */
export function localeChoices(): { value: Locale; label: string }[] {
  return SUPPORTED_LOCALES.map((value) => {
    const label = new Intl.DisplayNames([value], { type: 'language' }).of(value) ?? value
    return { value, label: label.charAt(0).toLocaleUpperCase(value) + label.slice(1) }
  })
}
