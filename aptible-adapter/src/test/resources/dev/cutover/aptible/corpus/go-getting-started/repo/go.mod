module github.com/heroku/go-getting-started
// +heroku goVersion go1.25
go 1.25.0

require github.com/gin-gonic/gin v1.12.0
