/*
 * Every `<time data-local-time datetime="<ISO>">` of a page, rewritten in the
 * reader's own time zone, in the same shape as the server's UTC text
 * (app/services/time/moment_format.ts): "Mon 30 Nov, 18:39 UTC" becomes
 * "Mon 30 Nov, 19:39 CET" in Paris. Days and months are in the page's
 * language (`data-format-locale` of <html>: "lun. 30 nov., 19:39 UTC+1").
 */
;(function () {
  'use strict'

  var locale = document.documentElement.getAttribute('data-format-locale') || 'en-GB'
  var format = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  })

  function text(date) {
    var parts = {}
    format.formatToParts(date).forEach(function (part) {
      parts[part.type] = part.value
    })
    return (
      parts.weekday +
      ' ' +
      parts.day +
      ' ' +
      parts.month +
      ', ' +
      parts.hour +
      ':' +
      parts.minute +
      ' ' +
      parts.timeZoneName
    )
  }

  function localize() {
    document.querySelectorAll('time[data-local-time]').forEach(function (element) {
      var at = Date.parse(element.getAttribute('datetime'))
      if (!Number.isNaN(at)) element.textContent = text(new Date(at))
    })
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', localize)
  } else {
    localize()
  }
})()
