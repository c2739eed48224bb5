/*
 * Live countdowns (campaign, readiness and dashboard pages).
 *
 * - `[data-expires-at="<ISO time>"]`: shows the time left ("11 h 59 min 58 s left"),
 *   updated every second, "expired" once the moment has passed.
 * - `form[data-confirm]`: asks before submitting (delete, remove, leave).
 * The words are the page's, in the reader's language (page_words.js).
 */
import { word } from '/js/page_words.js'

{
  function pad(value) {
    return String(value).padStart(2, '0')
  }

  function timeLeft(ms) {
    if (ms <= 0) return word('expired')
    var seconds = Math.floor(ms / 1000)
    var hours = Math.floor(seconds / 3600)
    var minutes = Math.floor((seconds % 3600) / 60)
    var rest = seconds % 60
    if (hours > 0) {
      return word('left_hours', { hours, minutes: pad(minutes), seconds: pad(rest) })
    }
    return word('left_minutes', { minutes, seconds: pad(rest) })
  }

  function tick() {
    var now = Date.now()
    document.querySelectorAll('[data-expires-at]').forEach(function (element) {
      var expiresAt = Date.parse(element.getAttribute('data-expires-at'))
      if (Number.isNaN(expiresAt)) return
      var left = expiresAt - now
      element.textContent = timeLeft(left)
      element.classList.toggle('is-expired', left <= 0)
      element.classList.toggle('is-ending', left > 0 && left < 30 * 60 * 1000)
    })
  }

  function confirmations() {
    document.querySelectorAll('form[data-confirm]').forEach(function (form) {
      form.addEventListener('submit', function (event) {
        if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault()
      })
    })
  }

  confirmations()
  tick()
  setInterval(tick, 1000)
}
