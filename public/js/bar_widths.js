// Result bars carry their share as data-fill="42": the page's security
// policy allows no inline style attribute, so widths are set from here.
for (const fill of document.querySelectorAll('[data-fill]')) {
  const share = Number(fill.dataset.fill)
  if (Number.isFinite(share)) fill.style.width = `${Math.max(0, Math.min(100, share))}%`
}
