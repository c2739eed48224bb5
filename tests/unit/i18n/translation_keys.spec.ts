import { test } from '@japa/runner'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { IntlMessageFormat } from 'intl-messageformat'
import app from '@adonisjs/core/services/app'
import { SUPPORTED_LOCALES } from '#services/i18n/locales'
import { DETAIL_CODES } from '#services/polls/channel_detail'

/**
 * The translations are complete and all in use (docs/languages.md): every
 * language has exactly the English keys, each message is valid ICU with the
 * same values as the English one, every key the code names exists, and every
 * key is named somewhere in the code. The code is the app, the templates and
 * the page scripts; a key built from a state (`t('polls.status.' + status)`)
 * names its parent, whose every child then counts as used. Validation
 * messages (`validator.shared`) are read by the framework for each field and
 * rule (start/validator.ts), never named.
 */
const LANG = app.makePath('resources/lang')
const CODE_FOLDERS = ['app', 'start', 'config', 'resources/views', 'public/js']

type Messages = Map<string, string>

async function filesUnder(folder: string, extensions: string[]): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && extensions.some((ext) => entry.name.endsWith(ext)))
    .map((entry) => join(entry.parentPath, entry.name))
}

function flatten(prefix: string, value: unknown, into: Messages) {
  if (typeof value === 'string') {
    into.set(prefix, value)
    return
  }
  for (const [name, inner] of Object.entries(value as Record<string, unknown>)) {
    flatten(prefix ? `${prefix}.${name}` : name, inner, into)
  }
}

async function messagesOf(locale: string): Promise<Messages> {
  const messages: Messages = new Map()
  for (const file of await filesUnder(join(LANG, locale), ['.json'])) {
    const namespace = relative(join(LANG, locale), file).replace(/\.json$/, '')
    flatten(namespace, JSON.parse(await readFile(file, 'utf8')), messages)
  }
  return messages
}

/** The values an ICU message takes: {name}, {count, plural, …}, {x, select, …}. */
function argumentsOf(message: string, locale: string): string[] {
  const names = new Set<string>()
  const walk = (elements: any[]) => {
    for (const element of elements) {
      if (element.type >= 1 && element.type <= 6) names.add(element.value)
      if (element.options) {
        for (const option of Object.values<any>(element.options)) walk(option.value)
      }
    }
  }
  walk(new IntlMessageFormat(message, locale).getAst())
  return [...names].sort()
}

/** Every string literal in the code that looks like a key (two parts or more). */
async function codeLiterals() {
  const literals = new Set<string>()
  const inCalls = new Map<string, string>()
  for (const folder of CODE_FOLDERS) {
    for (const file of await filesUnder(app.makePath(folder), ['.ts', '.js', '.edge'])) {
      const source = await readFile(file, 'utf8')
      for (const match of source.matchAll(/['"`]([a-z_]+(?:\.[a-z0-9_]+)+)\.?['"`]/gi)) {
        literals.add(match[1])
      }
      // Where the code asks for a translation: t('…'), resolveIdentifier('…'), key: '…'
      for (const match of source.matchAll(
        /(?:\bt|resolveIdentifier)\(\s*['"]([^'"]+)['"]|\bkey:\s*['"]([^'"]+)['"]/g
      )) {
        inCalls.set(match[1] ?? match[2], relative(app.makePath(), file))
      }
    }
  }
  return { literals, inCalls }
}

test.group('Translations', () => {
  test('resources/lang holds exactly the supported languages', async ({ assert }) => {
    const entries = await readdir(LANG, { withFileTypes: true })
    const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name)
    assert.sameMembers(folders, [...SUPPORTED_LOCALES])
  })

  test('{0} has every English key, no other, each with the same values')
    .with(SUPPORTED_LOCALES.filter((locale) => locale !== 'en').map((locale) => [locale]))
    .run(async ({ assert }, [locale]) => {
      const english = await messagesOf('en')
      const translated = await messagesOf(locale)
      assert.sameMembers([...translated.keys()], [...english.keys()])
      for (const [key, message] of english) {
        assert.deepEqual(
          argumentsOf(translated.get(key)!, locale),
          argumentsOf(message, 'en'),
          `${locale}: ${key}`
        )
        assert.notEqual(translated.get(key)!.trim(), '', `${locale}: ${key} is empty`)
      }
    })

  test('every key the code asks for exists', async ({ assert }) => {
    const english = await messagesOf('en')
    const namespaces = new Set([...english.keys()].map((key) => key.split('.')[0]))
    const { inCalls } = await codeLiterals()
    // `key:` also names other things (preference categories): only a language file's namespace counts.
    const asked = [...inCalls].filter(([key]) => namespaces.has(key.split('.')[0]))
    assert.isAbove(asked.length, 100)
    for (const [asKey, file] of asked) {
      // `t('polls.status.' + run.status)`: the parent must have children.
      const key = asKey.replace(/\.$/, '')
      const isMessage = english.has(key) && key === asKey
      const isParent = [...english.keys()].some((known) => known.startsWith(`${key}.`))
      assert.isTrue(isMessage || isParent, `${file} asks for "${key}", which no language has`)
    }
  })

  test('every key is used by the code', async ({ assert }) => {
    const english = await messagesOf('en')
    const { literals } = await codeLiterals()
    const unused = [...english.keys()].filter((key) => {
      if (key.startsWith('validator.shared.')) return false
      const parts = key.split('.')
      // The key itself, or a parent naming several (`notifications.poll_started` → .title, .body).
      return !parts.some(
        (_, index) => index > 0 && literals.has(parts.slice(0, index + 1).join('.'))
      )
    })
    assert.deepEqual(unused, [])
  })

  test("a channel's details: every code Chorus stores has its message, and every message a code", async ({
    assert,
  }) => {
    // The key is built from the stored code, so the checks above see only its parent.
    const english = await messagesOf('en')
    const messages = [...english.keys()]
      .filter((key) => key.startsWith('polls.detail.'))
      .map((key) => key.slice('polls.detail.'.length))
    assert.sameMembers(messages, [...DETAIL_CODES])
  })
})
