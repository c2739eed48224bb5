/*
 * The overlay's words in the streamer's audience language (docs/languages.md).
 * The page carries the ICU messages of resources/lang/<locale>/overlay.json
 * (`data-words`) and their locale (`data-format-locale`); this writes them
 * out with the browser's Intl. It knows the part of ICU the overlay's
 * messages use: `{name}` and `{count, plural, =0 {…} one {…} other {…}}`
 * with `#` (tests/unit/i18n/overlay_words.spec.ts checks it against the
 * server's formatter for every language).
 */
const PLURAL = /\{(\w+),\s*plural,\s*((?:[^{}]|\{[^{}]*\})*)\}/g
const PLURAL_OPTION = /(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/g

export function formatWord(message, values, locale) {
  const withPlurals = message.replace(PLURAL, (_, name, body) => {
    const count = Number(values[name])
    const options = new Map([...body.matchAll(PLURAL_OPTION)].map((match) => [match[1], match[2]]))
    const chosen =
      options.get(`=${count}`) ??
      options.get(new Intl.PluralRules(locale).select(count)) ??
      options.get('other') ??
      ''
    return chosen.replaceAll('#', new Intl.NumberFormat(locale).format(count))
  })
  return withPlurals.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole
  )
}

/** The choice numbers a viewer may type: "1, 2 or 3", "1, 2 ou 3". */
export function choiceNumbers(count, locale) {
  const numbers = Array.from({ length: count }, (_, index) => String(index + 1))
  return new Intl.ListFormat(locale, { type: 'disjunction' }).format(numbers)
}

/** A share of the votes: "75%", "75 %". */
export function shareText(votes, total, locale) {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(
    total ? votes / total : 0
  )
}
