/*
|--------------------------------------------------------------------------
| JavaScript entrypoint for running ace commands
|--------------------------------------------------------------------------
|
| Ace commands run the TypeScript sources directly, so the ts-node ESM loader
| is registered before the console entry point is imported.
*/
import 'ts-node-maintained/register/esm'
await import('./bin/console.js')
