import { escapeHtml } from './html_escape.js'
import type { EmulatorUser } from './types.js'

/** The authorize request as the page carries it from GET to the POST of a button. */
export interface AuthorizeRequest {
  clientId: string
  redirectUri: string
  responseType: string
  scope: string
  state: string | null
  forceVerify: string | null
}

const STYLES = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; background: #f0f0f4; color: #18181b; }
  main { max-width: 34rem; margin: 3rem auto; padding: 2rem; background: #fff;
         border-radius: 12px; box-shadow: 0 4px 24px rgba(0,0,0,.08); }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  .banner { font-size: .8rem; color: #6441a5; font-weight: 600; letter-spacing: .04em;
            text-transform: uppercase; margin-bottom: 1rem; }
  .muted { color: #53535f; font-size: .9rem; }
  ul.scopes { padding-left: 1.2rem; margin: .5rem 0 1.5rem; }
  ul.scopes code { background: #f0f0f4; padding: .1rem .3rem; border-radius: 4px; }
  ul.users { list-style: none; padding: 0; margin: 0 0 1.5rem; }
  ul.users li { display: flex; align-items: center; gap: .75rem; padding: .6rem 0;
                border-top: 1px solid #e6e6ea; }
  ul.users img { width: 40px; height: 40px; border-radius: 50%; }
  .who { flex: 1; }
  .who strong { display: block; }
  .badge { font-size: .75rem; color: #53535f; }
  button { font: inherit; padding: .5rem .9rem; border-radius: 6px; border: 0; cursor: pointer; }
  button.approve { background: #6441a5; color: #fff; }
  button.approve:hover, button.approve:focus { background: #4b2f80; }
  button.deny { background: #e6e6ea; color: #18181b; }
  .error { color: #b91c1c; }
`

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main>
<div class="banner">Twitch emulator</div>
${body}
</main>
</body>
</html>
`
}

/** The request's fields as hidden inputs, so every button posts the whole request back. */
function hiddenFields(request: AuthorizeRequest): string {
  const fields: [string, string | null][] = [
    ['client_id', request.clientId],
    ['redirect_uri', request.redirectUri],
    ['response_type', request.responseType],
    ['scope', request.scope],
    ['state', request.state],
    ['force_verify', request.forceVerify],
  ]
  return fields
    .filter((field): field is [string, string] => field[1] !== null)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('\n')
}

function describeType(user: EmulatorUser): string {
  if (user.broadcasterType === 'partner') {
    return 'Partner'
  }
  return user.broadcasterType === 'affiliate' ? 'Affiliate' : 'No affiliate status'
}

function userRow(user: EmulatorUser, request: AuthorizeRequest): string {
  const login = escapeHtml(user.login)
  const name = escapeHtml(user.displayName)
  return `<li>
<img src="${escapeHtml(user.profileImageUrl)}" alt="">
<div class="who"><strong>${name}</strong><span class="badge">${login} · ${describeType(user)}</span></div>
<form method="post" action="/oauth2/authorize">
${hiddenFields(request)}
<input type="hidden" name="user_id" value="${escapeHtml(user.id)}">
<button type="submit" class="approve" name="decision" value="approve"
  id="authorize-${login}" data-login="${login}" data-user-id="${escapeHtml(user.id)}">Authorize as ${name}</button>
</form>
</li>`
}

export function renderAuthorizePage(
  request: AuthorizeRequest,
  users: readonly EmulatorUser[]
): string {
  const scopes = request.scope.split(' ').filter((scope) => scope.length > 0)
  const scopeList =
    scopes.length === 0
      ? '<p class="muted">No permissions requested beyond your public profile.</p>'
      : `<ul class="scopes">${scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('')}</ul>`
  const userList =
    users.length === 0
      ? '<p class="muted">This emulator has no users. Create one through the control API.</p>'
      : `<ul class="users">${users.map((user) => userRow(user, request)).join('\n')}</ul>`
  return page(
    'Authorize application',
    `<h1>Authorize ${escapeHtml(request.clientId)}</h1>
<p class="muted">This application asks to act on your Twitch account with these permissions:</p>
${scopeList}
<p class="muted">Pick the account to sign in with:</p>
${userList}
<form method="post" action="/oauth2/authorize">
${hiddenFields(request)}
<button type="submit" class="deny" name="decision" value="deny" id="deny">Deny</button>
</form>`
  )
}

export function renderErrorPage(message: string): string {
  return page(
    'Authorization error',
    `<h1>Something went wrong</h1>\n<p class="error" id="error-message">${escapeHtml(message)}</p>`
  )
}
