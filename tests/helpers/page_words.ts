/** The JSON the layout carries for the page scripts (public/js/page_words.js). */
export function pageWordsOf(html: string) {
  const match = html.match(/<script type="application\/json" id="page-words">(.*?)<\/script>/s)
  return JSON.parse(match![1]) as { locale: string; words: Record<string, string> }
}
