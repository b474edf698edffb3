rootProject.name = "java-getting-started-gradle"
