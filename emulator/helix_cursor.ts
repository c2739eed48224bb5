/** Helix pagination cursors: opaque to clients, here simply the offset of the next page. */

export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url')
}

export function decodeCursor(cursor: string): number | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (typeof decoded === 'object' && decoded !== null && 'offset' in decoded) {
      const { offset } = decoded
      return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0
        ? offset
        : undefined
    }
    return undefined
  } catch {
    return undefined
  }
}
