package incroci

import "github.com/gin-gonic/gin"

func mountWidgets(r gin.IRouter) {}
