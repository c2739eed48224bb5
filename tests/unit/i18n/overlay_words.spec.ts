import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { SUPPORTED_LOCALES } from '#services/i18n/locales'
import { choiceNumbers as serverChoiceNumbers, translator } from '#services/i18n/translator'
import { overlayWords } from '#services/overlays/overlay_words'

/**
 * The overlay's script writes its words with its own small ICU reader
 * (public/js/overlay_words.js): for every language and every word it must
 * say exactly what the server's formatter says.
 */
test.group('Overlay words in the browser', () => {
  test('{0}: the script writes every overlay word as the server does')
    .with(SUPPORTED_LOCALES.map((locale) => [locale]))
    .run(async ({ assert }, [locale]) => {
      const script = await import(app.makeURL('public/js/overlay_words.js').href)
      const i18n = translator(locale)
      const { words, formatLocale } = overlayWords(i18n)
      const messages: Record<string, string> = JSON.parse(words)
      assert.isAbove(Object.keys(messages).length, 5)
      for (const [name, message] of Object.entries(messages)) {
        assert.isString(message, `${locale}: ${name} has a message`)
        for (const count of [0, 1, 2, 3, 5, 21, 101, 1000, 12_345, 1_000_000]) {
          const values = { count, time: '1:35', numbers: serverChoiceNumbers(i18n, 3) }
          assert.equal(
            script.formatWord(message, values, formatLocale),
            i18n.formatRawMessage(message, values),
            `${locale}: ${name} with ${count}`
          )
        }
      }
      for (const count of [2, 3, 5, 9]) {
        assert.equal(script.choiceNumbers(count, formatLocale), serverChoiceNumbers(i18n, count))
      }
    })
})
