import { configApp } from '@adonisjs/eslint-config'

export default configApp({ ignores: ['build/**', 'tmp/**', '.adonisjs/**', 'database/schema.ts'] })
