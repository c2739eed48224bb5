/*
|--------------------------------------------------------------------------
| JavaScript entrypoint for running ace commands
|--------------------------------------------------------------------------
|
| Ace commands run the TypeScript sources directly: the ts-exec loader is
| registered before the console entry point is imported. Run it with the
| project's Node 24 (`npx node ace …` on a machine whose system Node is older).
*/
import '@poppinss/ts-exec'
await import('./bin/console.js')
