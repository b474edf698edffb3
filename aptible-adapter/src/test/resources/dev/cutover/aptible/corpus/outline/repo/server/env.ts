export const URL = environment.URL || (environment.HEROKU_APP_NAME ? `https://${environment.HEROKU_APP_NAME}.herokuapp.com` : "");
export const DATABASE_CONNECTION_POOL_URL = environment.DATABASE_CONNECTION_POOL_URL;
export const WEB_CONCURRENCY = environment.WEB_CONCURRENCY;
export const SOURCE_VERSION = environment.SOURCE_VERSION;
