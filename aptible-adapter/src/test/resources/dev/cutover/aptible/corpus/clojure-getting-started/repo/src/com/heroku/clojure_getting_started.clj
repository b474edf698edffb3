(def db-url (System/getenv "JDBC_DATABASE_URL"))
