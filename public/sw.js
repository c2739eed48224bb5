/*
 * Chorus service worker (served at /sw.js, scope /): shows the web pushes
 * the server sends (app/services/push/web_push_sender.ts) and opens the
 * notification's link when it is clicked.
 *
 * A push carries JSON: { id, type, title, body, url }.
 */
/* global self */

self.addEventListener('install', () => {
  self.skipWaiting()
})

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim())
})

self.addEventListener('push', (event) => {
  const message = readMessage(event)
  event.waitUntil(
    self.registration.showNotification(message.title || 'Chorus', {
      body: message.body || '',
      tag: message.id ? `chorus-${message.id}` : undefined,
      data: { url: safeUrl(message.url) },
      requireInteraction: message.type === 'token.reconnect_required',
    })
  )
})

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const url = (event.notification.data && event.notification.data.url) || '/dashboard'
  event.waitUntil(openOrFocus(url))
})

function readMessage(event) {
  if (!event.data) return {}
  try {
    return event.data.json()
  } catch {
    return { body: event.data.text() }
  }
}

/**
 * Only http(s) links: anything else (javascript:, data:) opens the dashboard.
 */
function safeUrl(url) {
  try {
    const parsed = new URL(url, self.location.origin)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null
  } catch {
    return null
  }
}

async function openOrFocus(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
  const open = windows.find((client) => client.url === url)
  if (open) return open.focus()
  return self.clients.openWindow(url)
}
