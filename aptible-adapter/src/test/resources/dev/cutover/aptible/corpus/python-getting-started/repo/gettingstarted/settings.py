import os
# The DYNO env var is set on Heroku: production settings only there.
IS_HEROKU_APP = "DYNO" in os.environ and "CI" not in os.environ
