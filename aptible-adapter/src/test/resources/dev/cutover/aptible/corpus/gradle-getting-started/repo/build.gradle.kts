plugins {
    java
    id("org.springframework.boot") version "4.0.6"
}
