/*
 * The overlay card of the dashboard (components/overlay/dashboard_card.edge):
 * fit the 1920×1080 preview into the card. (Its Copy button is the pages'
 * shared one, copy_button.js; "New link" asks first through the shared
 * `form[data-confirm]` handler, countdown.js.)
 */
;(() => {
  const card = document.querySelector('[data-overlay-card]')
  if (!card) return

  const preview = card.querySelector('[data-overlay-preview]')
  const frame = preview?.querySelector('iframe')
  if (preview && frame) {
    const fit = () => frame.style.setProperty('--preview-scale', String(preview.clientWidth / 1920))
    fit()
    new ResizeObserver(fit).observe(preview)
  }
})()
