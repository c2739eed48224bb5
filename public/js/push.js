/*
 * "Enable notifications" (resources/views/components/push_control.edge).
 *
 * Registers the service worker (/sw.js) and drives every [data-push-control]
 * element on the page through its states, written to its data-state:
 *   loading      checking what the browser can do
 *   unsupported  no service worker / Push API / Notification here
 *   denied       the user blocked notifications for this site
 *   off          not subscribed on this device
 *   working      asking, subscribing or unsubscribing
 *   on           subscribed, and the server has the subscription
 * Requests carry the X-XSRF-TOKEN header read from the XSRF-TOKEN cookie.
 * The words are the page's, in the reader's language (page_words.js).
 */
import { word } from '/js/page_words.js'

;(function () {
  if (window.chorusPush) return

  const MESSAGES = Object.fromEntries(
    ['loading', 'unsupported', 'denied', 'off', 'working', 'on'].map((state) => [
      state,
      word(`push.state.${state}`),
    ])
  )
  const BUTTONS = { off: word('push.enable'), on: word('push.disable') }

  const controls = Array.from(document.querySelectorAll('[data-push-control]'))
  // Which endpoint this tab already gave the server, per signed-in user.
  const syncedKey = `chorus-push-synced:${controls.length ? controls[0].dataset.user : ''}`
  let registration = null

  function render(state, message) {
    for (const control of controls) {
      control.dataset.state = state
      const text = control.querySelector('[data-push-message]')
      if (text) text.textContent = message || MESSAGES[state]
      const button = control.querySelector('[data-push-toggle]')
      if (button) {
        button.hidden = !(state in BUTTONS)
        button.disabled = state === 'working'
        if (state in BUTTONS) button.textContent = BUTTONS[state]
      }
    }
  }

  function supported() {
    return (
      window.isSecureContext &&
      'serviceWorker' in navigator &&
      'PushManager' in window &&
      'Notification' in window
    )
  }

  function xsrfToken() {
    const cookie = document.cookie.split('; ').find((entry) => entry.startsWith('XSRF-TOKEN='))
    return cookie ? cookie.slice('XSRF-TOKEN='.length) : ''
  }

  async function api(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: {
        'Accept': 'application/json',
        'Content-Type': 'application/json',
        'X-XSRF-TOKEN': xsrfToken(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A failed CSRF check (an expired session) answers a redirect, never a success.
      redirect: 'manual',
    })
    if (response.type === 'opaqueredirect') {
      throw new Error('your session has expired; reload the page and try again')
    }
    const data = await response.json().catch(() => ({}))
    if (!response.ok) {
      const first = data && Array.isArray(data.errors) && data.errors[0]
      const error = new Error((first && first.message) || `The server answered ${response.status}`)
      error.status = response.status
      throw error
    }
    return data
  }

  function keyBytes(base64url) {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/')
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4)
    return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0))
  }

  function sameKey(buffer, bytes) {
    if (!buffer) return false
    const current = new Uint8Array(buffer)
    return current.length === bytes.length && current.every((byte, index) => byte === bytes[index])
  }

  /**
   * A subscription made with the server's current VAPID key, stored on the
   * server for the signed-in user (an endpoint moves to whoever is signed
   * in on this browser).
   */
  async function subscribe() {
    const { publicKey } = await api('GET', '/push/vapid-public-key')
    const applicationServerKey = keyBytes(publicKey)
    let subscription = await registration.pushManager.getSubscription()
    if (subscription && !sameKey(subscription.options.applicationServerKey, applicationServerKey)) {
      // The server's key changed: the old subscription can no longer be used.
      await subscription.unsubscribe()
      subscription = null
    }
    if (!subscription) {
      subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey,
      })
    }
    await api('POST', '/push/subscriptions', subscription.toJSON())
    sessionStorage.setItem(syncedKey, subscription.endpoint)
    return subscription
  }

  async function enable() {
    render('working')
    const permission = await Notification.requestPermission()
    if (permission === 'denied') return render('denied')
    if (permission !== 'granted') {
      return render('off', word('push.no_permission'))
    }
    try {
      await subscribe()
      render('on')
    } catch (error) {
      render('off', word('push.enable_failed', { error: error.message }))
    }
  }

  async function disable() {
    render('working')
    try {
      const subscription = await registration.pushManager.getSubscription()
      if (subscription) {
        await api('DELETE', '/push/subscriptions', { endpoint: subscription.endpoint }).catch(
          (error) => {
            // Already gone on the server: still unsubscribe this browser.
            if (error.status !== 404) throw error
          }
        )
        await subscription.unsubscribe()
      }
      sessionStorage.removeItem(syncedKey)
      render('off')
    } catch (error) {
      render('on', word('push.disable_failed', { error: error.message }))
    }
  }

  async function start() {
    if (controls.length === 0) return
    if (!supported()) return render('unsupported')
    try {
      await navigator.serviceWorker.register('/sw.js', { scope: '/' })
      registration = await navigator.serviceWorker.ready
    } catch (error) {
      return render('unsupported', word('push.worker_failed', { error: error.message }))
    }
    if (Notification.permission === 'denied') return render('denied')

    const existing = await registration.pushManager.getSubscription()
    if (!existing || Notification.permission !== 'granted') return render('off')
    if (sessionStorage.getItem(syncedKey) === existing.endpoint) return render('on')
    try {
      // Once per tab and account, keep the server's copy in step (new key, other account, deleted after a 410).
      await subscribe()
      render('on')
    } catch (error) {
      render('off', word('push.off_because', { error: error.message }))
    }
  }

  for (const control of controls) {
    const button = control.querySelector('[data-push-toggle]')
    if (button) {
      button.addEventListener('click', () => {
        if (control.dataset.state === 'on') disable()
        else if (control.dataset.state === 'off') enable()
      })
    }
  }

  window.chorusPush = { start, enable, disable }
  start()
})()
