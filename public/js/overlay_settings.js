/*
 * The overlay card of the dashboard (components/overlay/dashboard_card.edge):
 * copy the link, fit the 1920×1080 preview into the card. ("New link" asks
 * first through the pages' shared `form[data-confirm]` handler, countdown.js.)
 */
;(() => {
  const card = document.querySelector('[data-overlay-card]')
  if (!card) return

  const input = card.querySelector('[data-overlay-url]')
  const status = card.querySelector('[data-copy-status]')
  card.querySelector('[data-copy-overlay-url]')?.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(input.value)
      status.textContent = 'Copied. Paste it into the URL of a Browser source in OBS.'
    } catch {
      input.select()
      status.textContent = 'Press Ctrl+C (⌘C on a Mac) to copy the selected link.'
    }
  })

  const preview = card.querySelector('[data-overlay-preview]')
  const frame = preview?.querySelector('iframe')
  if (preview && frame) {
    const fit = () => frame.style.setProperty('--preview-scale', String(preview.clientWidth / 1920))
    fit()
    new ResizeObserver(fit).observe(preview)
  }
})()
