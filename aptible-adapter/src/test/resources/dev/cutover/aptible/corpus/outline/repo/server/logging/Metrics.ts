const instanceId = process.env.INSTANCE_ID || process.env.HEROKU_DYNO_ID || process.pid;
