(defproject clojure-getting-started "0.1.0"
  :main com.heroku.clojure-getting-started
  :uberjar-name "clojure-getting-started.jar")
