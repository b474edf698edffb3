import os
bind = ["[::]:{}".format(os.environ.get("PORT", 5006))]
workers = os.environ.get("WEB_CONCURRENCY", 1)
