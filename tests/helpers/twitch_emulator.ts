import { createTwitchEmulator } from '#emulator/server'

/**
 * The one emulator every test talks to. bin/test.ts starts it before the
 * app boots; tests use `twitchEmulator.state` to seed tokens and inject faults.
 */
export const twitchEmulator = createTwitchEmulator({
  clients: [{ clientId: 'chorus-test-client', clientSecret: 'chorus-test-secret' }],
})
