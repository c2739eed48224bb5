import app from '@adonisjs/core/services/app'
import { defineConfig, formatters, loaders } from '@adonisjs/i18n'
import { SUPPORTED_LOCALES } from '#services/i18n/locales'

/**
 * Languages (docs/languages.md): ICU messages in resources/lang/<locale>/,
 * one folder per supported locale. A key missing in a language falls back
 * to English (tests/unit/i18n/translation_keys.spec.ts makes sure none is).
 */
const i18nConfig = defineConfig({
  defaultLocale: 'en',
  supportedLocales: [...SUPPORTED_LOCALES],
  formatter: formatters.icu(),
  loaders: [loaders.fs({ location: app.languageFilesPath() })],
})

export default i18nConfig
