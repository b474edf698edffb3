name := """scala-getting-started"""
scalaVersion := "2.13.18"
lazy val root = (project in file(".")).enablePlugins(PlayScala)
