const url = process.env.DATABASE_CONNECTION_POOL_URL || process.env.DATABASE_URL;
