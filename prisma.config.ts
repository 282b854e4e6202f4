// Prisma CLI configuration. The app applies migrations itself (src/db/migrate.ts); this file
// serves `prisma generate` and, where the native engine exists, `prisma migrate status`.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations', seed: 'tsx prisma/seed.ts' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/trackr' },
});
