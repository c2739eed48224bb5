/*
 * Copy buttons (the overlay link on the dashboard, a new API token):
 * `button[data-copy-target="#field"]` copies that field's value and says so in
 * `data-copy-status="#element"` with its `data-copied` text. Where the
 * clipboard is refused (an http page, a browser setting) the value is
 * selected and the reader is told the keys to press (in the page's language).
 */
import { word } from '/js/page_words.js'

;(() => {
  document.querySelectorAll('button[data-copy-target]').forEach((button) => {
    const field = document.querySelector(button.dataset.copyTarget)
    const status = document.querySelector(button.dataset.copyStatus)
    if (!field) return
    button.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(field.value)
        if (status) status.textContent = button.dataset.copied || word('copied')
      } catch {
        field.select()
        if (status) status.textContent = word('copy_by_hand')
      }
    })
  })
})()
