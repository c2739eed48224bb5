import { readFile, writeFile } from 'node:fs/promises'

/**
 * Sets variables in one env file, keeping every other line, comment and the
 * final newline as they were; a variable that is missing is appended.
 * Only the file given is touched: the tracked `.env.example` is a template
 * that setup commands must never rewrite.
 */
export async function writeEnvValues(file: URL, values: Record<string, string>) {
  let text = ''
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  for (const [key, value] of Object.entries(values)) {
    const line = `${key}=${value}`
    const pattern = new RegExp(`^${key}=.*$`, 'm')
    if (pattern.test(text)) {
      text = text.replace(pattern, () => line)
    } else {
      text += `${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`
    }
  }
  await writeFile(file, text)
}
