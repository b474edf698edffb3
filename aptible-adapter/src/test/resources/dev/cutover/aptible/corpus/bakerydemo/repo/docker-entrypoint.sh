#!/bin/sh
set -e
until psql $DATABASE_URL -c '\q'; do
  sleep 1
done
exec "$@"
