import { test } from '@japa/runner'
import {
  CHAT_MESSAGE_LIMIT,
  announcementMessages,
  packMessages,
  resultMessages,
} from '#services/chat_votes/chat_announcement'
import { SUPPORTED_LOCALES } from '#services/i18n/locales'
import { translator } from '#services/i18n/translator'

const en = translator('en')

test.group('Chat announcements', () => {
  test('the question fits one message: title, numbered choices, how to vote, how long', ({
    assert,
  }) => {
    const messages = announcementMessages(en, {
      title: 'Open the door?',
      choices: ['Yes', 'No', 'Knock first'],
      durationSeconds: 120,
    })
    assert.deepEqual(messages, [
      'Vote: Open the door? · 1 = Yes · 2 = No · 3 = Knock first · type 1, 2 or 3 in chat (or !vote N), 2 min to vote',
    ])
  })

  test('durations that are not whole minutes are said in seconds', ({ assert }) => {
    const [message] = announcementMessages(en, {
      title: 'Q',
      choices: ['A', 'B'],
      durationSeconds: 90,
    })
    assert.include(message, 'type 1 or 2 in chat')
    assert.include(message, '90 s to vote')
  })

  test('a text past 500 characters is split between parts, never inside a choice', ({ assert }) => {
    const choices = Array.from({ length: 5 }, (_, i) => `${'x'.repeat(120)}${i}`)
    const messages = announcementMessages(en, { title: 'Long', choices, durationSeconds: 60 })
    assert.isAbove(messages.length, 1)
    for (const message of messages) assert.isAtMost(message.length, CHAT_MESSAGE_LIMIT)
    const joined = messages.join(' · ')
    choices.forEach((choice, index) => assert.include(joined, `${index + 1} = ${choice}`))
  })

  test('one part longer than the limit is cut at a space', ({ assert }) => {
    const words = Array.from({ length: 200 }, () => 'word').join(' ')
    const messages = packMessages([words], 100)
    assert.isAbove(messages.length, 1)
    for (const message of messages) {
      assert.isAtMost(message.length, 100)
      assert.notMatch(message, /^ | $/)
    }
    assert.equal(messages.join(' '), words)
  })

  test('the result names the winner with percentages of all channels', ({ assert }) => {
    const [message] = resultMessages(en, 'Open the door?', [
      { title: 'Yes', votes: 30 },
      { title: 'No', votes: 10 },
    ])
    assert.equal(
      message,
      'Results (all channels): Open the door? · 1 = Yes 75% (30) · 2 = No 25% (10) · winner: Yes'
    )
  })

  test('a tie and an empty vote are said as such', ({ assert }) => {
    const tie = resultMessages(en, 'Q', [
      { title: 'A', votes: 2 },
      { title: 'B', votes: 2 },
    ])
    assert.match(tie[0], /tie: A \/ B$/)
    const none = resultMessages(en, 'Q', [
      { title: 'A', votes: 0 },
      { title: 'B', votes: 0 },
    ])
    assert.match(none[0], /no votes$/)
  })
})

test.group('Chat announcements in the audience language', () => {
  test('French viewers read French, with their own number list and percent sign', ({ assert }) => {
    const fr = translator('fr')
    assert.deepEqual(
      announcementMessages(fr, {
        title: 'On ouvre la porte ?',
        choices: ['Oui', 'Non', 'On frappe'],
        durationSeconds: 90,
      }),
      [
        'Sondage : On ouvre la porte ? · 1 = Oui · 2 = Non · 3 = On frappe · tapez 1, 2 ou 3 dans le chat (ou !vote N), 90 s pour voter',
      ]
    )
    assert.deepEqual(
      resultMessages(fr, 'On ouvre la porte ?', [
        { title: 'Oui', votes: 1200 },
        { title: 'Non', votes: 400 },
      ]),
      [
        'Résultats (toutes les chaînes) : On ouvre la porte ? · 1 = Oui 75\u00a0% (1\u202f200) · 2 = Non 25\u00a0% (400) · gagnant : Oui',
      ]
    )
  })

  test('each language names its own vote word: {0}')
    .with([
      ['es', '!voto N'],
      ['pt-BR', '!voto N'],
      ['de', '!stimme N'],
    ] as const)
    .run(({ assert }, [locale, word]) => {
      const [message] = announcementMessages(translator(locale), {
        title: 'Q',
        choices: ['A', 'B'],
        durationSeconds: 60,
      })
      assert.include(message, word)
    })

  test('{0}: every message stays within 500 characters and no part is cut, whatever the length')
    .with(SUPPORTED_LOCALES.map((locale) => [locale]))
    .run(({ assert }, [locale]) => {
      const i18n = translator(locale)
      const choices = ['Sneak past the guards', 'Talk our way in', 'Fight', 'Wait for night']
      // Every title length from short to past the limit: the split moves across every part.
      for (let length = 1; length <= 620; length += 7) {
        const title = 'Q'.repeat(length)
        const question = announcementMessages(i18n, { title, choices, durationSeconds: 1800 })
        const result = resultMessages(
          i18n,
          title,
          choices.map((choice, index) => ({ title: choice, votes: 12_345 * (index + 1) }))
        )
        for (const messages of [question, result]) {
          for (const message of messages) {
            assert.isAtMost(message.length, CHAT_MESSAGE_LIMIT, `${locale}, title of ${length}`)
            assert.notMatch(message, /^ | $/)
          }
          const parts = messages.flatMap((message) => message.split(' · '))
          choices.forEach((choice, index) =>
            assert.isTrue(
              parts.some((part) => part.startsWith(`${index + 1} = ${choice}`)),
              `${locale}: choice ${index + 1} whole`
            )
          )
        }
        // The last part of the question (how to vote) is never cut either.
        assert.include(question.at(-1), i18n.t('chat.vote_word'))
      }
    })
})
