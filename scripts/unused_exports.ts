/**
 * Lists the named exports of app/, providers/, start/, config/ and
 * commands/ that no other file of the project mentions: each is either
 * dead code to remove or a name to stop exporting. Run it with
 * `npm run lint:exports`; it exits 1 when it finds some.
 *
 * A textual check by design: a name mentioned anywhere else (even in a
 * comment or another module's own declaration) counts as used, so the list
 * has no false alarms, only possible misses.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const ROOT = new URL('..', import.meta.url).pathname
const EXPORTING = ['app', 'providers', 'start', 'config', 'commands']
const READING = [...EXPORTING, 'tests', 'benchmarks', 'database', 'emulator', 'scripts', 'bin']
const READING_FILES = ['adonisrc.ts', 'resources/views']

function filesUnder(path: string): string[] {
  const full = join(ROOT, path)
  let stat
  try {
    stat = statSync(full)
  } catch {
    return []
  }
  if (stat.isFile()) return [full]
  return readdirSync(full).flatMap((name) =>
    name === 'node_modules' ? [] : filesUnder(join(path, name))
  )
}

const EXPORT =
  /^export\s+(?:declare\s+)?(?:async\s+)?(?:abstract\s+)?(?:const|let|function\*?|class|type|interface|enum)\s+([A-Za-z_$][\w$]*)/gm

const sources = [...READING, ...READING_FILES]
  .flatMap(filesUnder)
  .filter((file) => /\.(ts|js|edge)$/.test(file))
const texts = new Map(sources.map((file) => [file, readFileSync(file, 'utf8')]))

const unused: string[] = []
for (const file of EXPORTING.flatMap(filesUnder).filter((f) => f.endsWith('.ts'))) {
  const text = texts.get(file) ?? readFileSync(file, 'utf8')
  for (const match of text.matchAll(EXPORT)) {
    const name = match[1]
    const word = new RegExp(`\\b${name.replace(/\$/g, '\\$')}\\b`)
    const elsewhere = [...texts].some(([other, body]) => other !== file && word.test(body))
    if (!elsewhere) unused.push(`${relative(ROOT, file)}: ${name}`)
  }
}

for (const line of unused) console.log(line)
console.log(`${unused.length} export(s) no other file mentions`)
process.exitCode = unused.length > 0 ? 1 : 0
