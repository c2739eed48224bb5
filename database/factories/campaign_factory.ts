import factory from '@adonisjs/lucid/factories'
import Campaign from '#models/campaign'
import { UserFactory } from '#database/factories/user_factory'

export const CampaignFactory = factory
  .define(Campaign, ({ faker }) => ({
    name: `${faker.word.adjective()} ${faker.word.noun()}`,
    description: faker.lorem.sentence(),
  }))
  .relation('owner', () => UserFactory)
  .build()
